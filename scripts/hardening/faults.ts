/**
 * Faults against the real processes:
 * - the embedded Neo4j SIGKILLed while requests flow: every failed answer is 503 problem+json
 *   with `retriable: true` (never a 500), `/ready` answers 503 with the reason, and the service
 *   answers again without being restarted;
 * - the service SIGKILLed while an NDJSON import writes: after a restart, resuming the job gives
 *   exactly the counts (and values) of an uninterrupted load;
 * - the service SIGKILLed while an analytics run publishes: after a restart the previous run's
 *   results are whole (same run id, same super users, every Customer's scores from that run).
 */
import { alive, countDiff, sleep, type Service } from './service.js';

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
  figures?: Record<string, number | string>;
}

type Log = (line: string) => void;

const isProblem = (type: string) => type.startsWith('application/problem+json');

/** Kills the JVM while a reader and a writer loop; the service must report and then recover. */
export async function neo4jKill(service: Service, log: Log, recoverWithinMs = 240_000): Promise<CheckResult> {
  const name = 'Neo4j SIGKILLed under requests → 503 retriable, /ready says why, recovery without restart';
  const jvm = service.neo4jPid();
  if (!jvm) return { name, ok: false, detail: 'could not find the embedded Neo4j process (java … Launcher child of the service)' };
  const servicePid = service.pid;
  const answers: { status: number; problem: boolean; retriable: boolean; code?: string }[] = [];
  let flowing = true;
  const loop = async (n: number) => {
    while (flowing) {
      try {
        const res =
          n % 2 === 0
            ? await service.call('GET', `/v1/customers/c${String(answers.length % 50).padStart(6, '0')}`, { key: 'read', timeoutMs: 20_000 })
            : await service.call('PUT', '/v1/customers/fault-probe', { key: 'write', body: { name: 'Fault Probe' }, timeoutMs: 20_000 });
        const body = res.json as { retriable?: boolean; code?: string } | undefined;
        answers.push({ status: res.status, problem: isProblem(res.type), retriable: body?.retriable === true, code: body?.code });
      } catch (error) {
        // status 0: no answer within 20 s (timeout) or the connection failed
        const what = n % 2 === 0 ? 'GET customer' : 'PUT customer';
        answers.push({ status: 0, problem: false, retriable: false, code: `${what}: ${(error as Error).name === 'TimeoutError' ? 'no answer within 20 s' : 'connection error'}` });
      }
      await sleep(50);
    }
  };
  const loops = [loop(0), loop(1)];
  await sleep(1000);
  const killedAt = Date.now();
  process.kill(jvm, 'SIGKILL');
  log(`SIGKILL sent to the embedded Neo4j (pid ${jvm})`);
  while (alive(jvm)) await sleep(100);
  await sleep(3000);
  const ready = await service.call('GET', '/ready').catch(() => undefined);
  const readyBody = ready?.json as { detail?: string; retriable?: boolean } | undefined;
  let recoveredMs: number | undefined;
  while (Date.now() - killedAt < recoverWithinMs) {
    const probe = await service.call('GET', '/ready').catch(() => undefined);
    if (probe?.status !== 200) {
      // A fresh request while the database is down: the loops' requests may all be waiting inside
      // the driver's retries across the whole restart (and then succeed), so ask once more here.
      const during = await service.call('GET', '/v1/customers/c000001', { key: 'read', timeoutMs: 20_000 }).catch(() => undefined);
      if (during) {
        const body = during.json as { retriable?: boolean; code?: string } | undefined;
        answers.push({ status: during.status, problem: isProblem(during.type), retriable: body?.retriable === true, code: body?.code });
      }
    } else {
      const read = await service.call('GET', '/v1/customers/c000000', { key: 'read' }).catch(() => undefined);
      if (read?.status === 200) {
        recoveredMs = Date.now() - killedAt;
        break;
      }
    }
    await sleep(1000);
  }
  flowing = false;
  await Promise.all(loops);
  const failed = answers.filter((a) => a.status !== 200);
  const bad = failed.filter((a) => !(a.status === 503 && a.problem && a.retriable));
  const serviceAlive = servicePid !== undefined && alive(servicePid);
  const problems: string[] = [];
  if (failed.length === 0) problems.push('no request saw the outage');
  if (bad.length > 0) problems.push(`${bad.length} failed answer(s) were not 503 problem+json retriable: ${[...new Set(bad.map((b) => `${b.status} ${b.code ?? ''}`))].join(', ')}`);
  if (ready?.status !== 503 || !isProblem(ready.type) || !readyBody?.detail) problems.push(`/ready during the outage answered ${ready?.status ?? 'nothing'}${readyBody?.detail ? ` (${readyBody.detail})` : ''}`);
  if (!serviceAlive) problems.push('the service process died');
  if (recoveredMs === undefined) problems.push(`no recovery within ${recoverWithinMs / 1000} s (the database is not restarted by the service)`);
  return {
    name,
    ok: problems.length === 0,
    detail: problems.length ? problems.join('; ') : `recovered in ${(recoveredMs! / 1000).toFixed(1)} s; /ready said "${readyBody?.detail}"`,
    figures: {
      requests: answers.length,
      failedAnswers: failed.length,
      answers503Retriable: failed.length - bad.length,
      otherFailures: bad.length,
      readyDuringOutage: ready?.status ?? 0,
      recoverySeconds: recoveredMs === undefined ? 'none' : Number((recoveredMs / 1000).toFixed(1)),
    },
  };
}

/** NDJSON interactions between demo customers with their own ids; the expected result of any complete load. */
function interactionsFile(rows: number, customers: number): { text: string; countSum: number } {
  const lines: string[] = [];
  let countSum = 0;
  for (let n = 0; n < rows; n++) {
    const from = (n * 7919) % customers;
    let to = (n * 104729 + 17) % customers;
    if (to === from) to = (to + 1) % customers;
    const count = 1 + (n % 5);
    countSum += count;
    lines.push(
      JSON.stringify({
        id: `fault-import-${n}`,
        from: `c${String(from).padStart(6, '0')}`,
        to: `c${String(to).padStart(6, '0')}`,
        kind: 'reply',
        at: new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString(),
        count,
        sentiment: ((n % 21) - 10) / 10,
      }),
    );
  }
  return { text: `${lines.join('\n')}\n`, countSum };
}

async function importedFigures(service: Service): Promise<{ rels: number; countSum: number; sentimentSum: number }> {
  const res = await service
    .database()
    .autoCommit(
      "MATCH ()-[r:INTERACTED]->() WHERE r.id STARTS WITH 'fault-import-' RETURN count(r) AS rels, sum(r.count) AS countSum, sum(r.sentiment) AS sentimentSum",
    );
  const r = res.records[0];
  return { rels: Number(r.get('rels')), countSum: Number(r.get('countSum')), sentimentSum: Math.round(Number(r.get('sentimentSum')) * 1000) / 1000 };
}

/** Kills the service while an import writes, restarts it, resumes the job and compares. */
export async function importKill(service: Service, log: Log, rows = 60_000): Promise<CheckResult> {
  const name = 'service SIGKILLed during an NDJSON import → restart, resume → same data as an uninterrupted load';
  const file = interactionsFile(rows, service.customers);
  const expectedSentiment = Math.round(
    Array.from({ length: rows }, (_, n) => ((n % 21) - 10) / 10).reduce((a, b) => a + b, 0) * 1000,
  ) / 1000;
  const before = await service.counts();
  const start = await service.callRetrying('POST', '/v1/imports/interactions', { key: 'write', raw: file.text, timeoutMs: 120_000 });
  const job = start.json as { id?: string } | undefined;
  if (start.status !== 202 || !job?.id) return { name, ok: false, detail: `the import was not accepted: ${start.status} ${start.text.slice(0, 200)}` };
  let killedAt = -1;
  for (let i = 0; i < 1200; i++) {
    const res = await service.call('GET', `/v1/imports/${job.id}`, { key: 'read' });
    const view = res.json as { status: string; rowsWritten: number; errors?: unknown[]; message?: string };
    if (view.status === 'writing' && view.rowsWritten > 0 && view.rowsWritten < rows) {
      killedAt = view.rowsWritten;
      break;
    }
    if (!['validating', 'writing'].includes(view.status)) {
      return { name, ok: false, detail: `the job ended ${view.status} before it could be interrupted: ${view.message ?? ''} ${JSON.stringify(view.errors ?? []).slice(0, 300)}` };
    }
    await sleep(50);
  }
  if (killedAt < 0) return { name, ok: false, detail: 'the job never reached its writing phase' };
  await service.kill();
  log(`service SIGKILLed with ${killedAt} of ${rows} rows written; restarting`);
  await service.start();
  const afterCrash = await importedFigures(service);
  const resume = await service.callRetrying('POST', `/v1/imports/${job.id}/resume`, { key: 'write' });
  if (resume.status >= 300) return { name, ok: false, detail: `resume answered ${resume.status}: ${resume.text.slice(0, 200)}` };
  let status = '';
  for (let i = 0; i < 2400; i++) {
    const view = (await service.call('GET', `/v1/imports/${job.id}`, { key: 'read' })).json as { status: string };
    status = view.status;
    if (!['validating', 'writing'].includes(status)) break;
    await sleep(250);
  }
  const got = await importedFigures(service);
  const after = await service.counts();
  const expectedTypes = { ...before.types, INTERACTED: (before.types.INTERACTED ?? 0) + rows };
  const diff = countDiff({ labels: before.labels, types: expectedTypes }, after).filter((line) => !/label (ImportJob|AnalyticsRun|RunResults)/.test(line));
  const problems: string[] = [];
  if (status !== 'completed') problems.push(`the resumed job ended ${status}`);
  if (got.rels !== rows || got.countSum !== file.countSum || got.sentimentSum !== expectedSentiment) {
    problems.push(`stored ${got.rels} rows (count sum ${got.countSum}, sentiment sum ${got.sentimentSum}); an uninterrupted load stores ${rows} (${file.countSum}, ${expectedSentiment})`);
  }
  if (diff.length) problems.push(`counts differ from an uninterrupted load: ${diff.join(', ')}`);
  return {
    name,
    ok: problems.length === 0,
    detail: problems.length ? problems.join('; ') : `killed at ${killedAt}/${rows} rows (${afterCrash.rels} committed); resumed to ${got.rels}, counts identical`,
    figures: { rows, rowsWrittenAtKill: killedAt, committedAfterCrash: afterCrash.rels, afterResume: got.rels },
  };
}

interface SuperUsersPage {
  runId: string;
  items: { id: string; influence: number; rank: number }[];
}

/** Kills the service while a run publishes; the previous run's results must be whole after restart. */
export async function publicationKill(service: Service, log: Log, attempts = 3): Promise<CheckResult> {
  const name = 'service SIGKILLed during an analytics publication → previous run whole after restart';
  const snapshot = async () => (await service.call('GET', '/v1/super-users?limit=100', { key: 'read' })).json as SuperUsersPage;
  const scoreRuns = async () => {
    const res = await service.database().autoCommit('MATCH (c:Customer) WHERE c.scoresRunId IS NOT NULL RETURN c.scoresRunId AS run, count(*) AS n');
    return Object.fromEntries(res.records.map((r) => [r.get('run') as string, Number(r.get('n'))]));
  };
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const previous = await snapshot();
    const previousRuns = await scoreRuns();
    const start = await service.callRetrying('POST', '/v1/analytics/runs', { key: 'write', body: { seed: 42 + attempt } });
    const run = start.json as { id?: string } | undefined;
    if (start.status !== 202 || !run?.id) return { name, ok: false, detail: `the run did not start: ${start.status} ${start.text.slice(0, 200)}` };
    let caught = false;
    for (;;) {
      const view = (await service.call('GET', `/v1/analytics/runs/${run.id}`, { key: 'read' })).json as { status: string; phases: { name: string; status: string }[] };
      if (view.status !== 'running') break;
      if (view.phases.some((p) => p.name === 'publish' && p.status === 'running')) {
        caught = true;
        break;
      }
      await sleep(20);
    }
    if (!caught) {
      log(`attempt ${attempt}: the run finished before its publication could be interrupted; trying again`);
      await service.waitRun(run.id).catch(() => undefined);
      continue;
    }
    await service.kill();
    log(`attempt ${attempt}: service SIGKILLed while run ${run.id} published; restarting`);
    await service.start();
    const after = await snapshot();
    const afterRuns = await scoreRuns();
    const runView = (await service.call('GET', `/v1/analytics/runs/${run.id}`, { key: 'read' })).json as { status?: string };
    const problems: string[] = [];
    const published = runView.status === 'completed';
    // Either the kill came before the run became current (the previous run is whole), or after it
    // (the new run is current, its Customer properties refreshed at start before the service listens).
    const expectedRun = published ? run.id : previous.runId;
    if (!published && after.runId !== previous.runId) problems.push(`super users come from run ${after.runId}, not the previous ${previous.runId}`);
    if (!published && JSON.stringify(after.items.map((i) => [i.id, i.influence])) !== JSON.stringify(previous.items.map((i) => [i.id, i.influence]))) {
      problems.push('the previous run’s super users changed');
    }
    if (!published && JSON.stringify(afterRuns) !== JSON.stringify(previousRuns)) problems.push(`Customer scores by run before ${JSON.stringify(previousRuns)}, after ${JSON.stringify(afterRuns)}`);
    if (Object.keys(afterRuns).length !== 1 || !(expectedRun in afterRuns)) problems.push(`Customer scores mix runs: ${JSON.stringify(afterRuns)}`);
    return {
      name,
      ok: problems.length === 0,
      detail: problems.length
        ? problems.join('; ')
        : published
          ? `the publication had committed before the kill; run ${run.id} is whole`
          : `run ${run.id} left ${runView.status}; the previous run ${previous.runId} is whole (${after.items.length} super users identical)`,
      figures: { attempt, interruptedRun: runView.status ?? 'unknown' },
    };
  }
  return { name, ok: false, detail: `the publication was never caught running in ${attempts} attempts` };
}
