/**
 * Hardening suite: starts the real service (src/main.ts through tsx, a fresh data directory, free
 * ports, the demo data and its first analytics run, known read/write/admin keys), then runs a load
 * of a realistic read/write mix, faults (Neo4j killed under requests, the service killed during an
 * import and during a publication) and, last because it may erase customers, schemathesis
 * (positive and negative, then the refused writes sent again around a database count). Prints a figures table, stops the service and exits
 * non-zero when any check fails. The auth matrix, injection corpus and privacy sweep are vitest
 * integration tests (test/integration/auth-matrix, injection, privacy-hardening) run by `npm test`.
 *
 *   npm run test:hardening -- [--record] [--load-seconds 60] [--warmup-seconds 10] [--rate 500] [--customers 3000]
 *                             [--examples 15] [--schemathesis-max-time 90] [--only schemathesis,load,faults|neo4j-kill,import-kill,publication-kill]
 *
 * --record writes bench/results/hardening-<date>.md/.json and load-<date>.md/.json.
 */
import { execSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { loadTable, runLoad, type LoadResult } from '../bench/load/mix.js';
import { importKill, neo4jKill, publicationKill, type CheckResult } from './hardening/faults.js';
import { runSchemathesis, type SchemathesisResult } from './hardening/schemathesis.js';
import { KEYS, REPO, Service } from './hardening/service.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
};
const flag = (name: string) => process.argv.includes(`--${name}`);

const RECORD = flag('record');
const LOAD_SECONDS = Number(arg('load-seconds', '60'));
/** Seconds of the same mix at a fifth of the rate before the measured load: the first requests after a start wait for Neo4j to plan each query once. */
const WARMUP_SECONDS = Number(arg('warmup-seconds', '10'));
const RATE = Number(arg('rate', '500'));
const CUSTOMERS = Number(arg('customers', '3000'));
const EXAMPLES = Number(arg('examples', '15'));
const ST_MAX_TIME = Number(arg('schemathesis-max-time', '90'));
const ONLY = new Set(arg('only', 'schemathesis,load,faults').split(','));

const sh = (cmd: string) => {
  try {
    return execSync(cmd, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
};
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
const log = (line: string) => console.log(`[hardening ${elapsed()}] ${line}`);

async function main(): Promise<number> {
  const machine = {
    nproc: cpus().length,
    cpu: cpus()[0]?.model ?? '',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    freeMemoryGiB: Math.round((freemem() / 2 ** 30) * 10) / 10,
    uptime: sh('uptime'),
    loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
    node: process.version,
    commit: sh('git rev-parse --short HEAD'),
    dirty: sh('git status --porcelain --untracked-files=no').length > 0,
  };
  log(`machine: ${machine.nproc} cores, ${machine.memoryGiB} GiB; ${machine.uptime}`);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'influence-hardening-'));
  const service = new Service(dataDir, CUSTOMERS);
  const checks: CheckResult[] = [];
  let schemathesis: SchemathesisResult | undefined;
  let load: LoadResult | undefined;
  const timings: Record<string, number> = {};
  const timed = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
    const t = Date.now();
    try {
      return await work();
    } finally {
      timings[label] = Math.round((Date.now() - t) / 100) / 10;
    }
  };

  let failedHard: unknown;
  try {
    log(`starting the service (data in ${dataDir}, ${CUSTOMERS} demo customers)`);
    await timed('start + demo data', () => service.start());
    log(`listening at ${service.base}; waiting for the demo data's analytics run`);
    const firstRun = await timed('first analytics run', () => service.completedRun());
    log(`run ${firstRun} completed`);

    if (ONLY.has('load')) {
      log(`load: ${LOAD_SECONDS} s at ${RATE} requests/s`);
      const avoid = await optedOutCustomers(service);
      log(`${avoid.size} opted-out demo customers are left out of the mix (their metrics answer 409 by design)`);
      const warmRate = Math.max(1, Math.round(RATE / 5));
      const warm = await timed('load warm-up', () =>
        runLoad({ base: service.base, readKey: KEYS.read, writeKey: KEYS.write, rate: warmRate, seconds: WARMUP_SECONDS, customers: CUSTOMERS, avoid }),
      );
      log(`warm-up (${WARMUP_SECONDS} s at ${warmRate}/s, not in the figures): ${warm.sent} requests, ${warm.non2xx} non-2xx, ${warm.errors} errors; p50 ${warm.all.p50} ms, p99 ${warm.all.p99} ms, max ${warm.all.max} ms`);
      const loadAverageBefore = sh('uptime');
      load = await timed('load', () =>
        runLoad({ base: service.base, readKey: KEYS.read, writeKey: KEYS.write, rate: RATE, seconds: LOAD_SECONDS, customers: CUSTOMERS, avoid }),
      );
      if (load.samples.length) log(`non-2xx answers (first ${load.samples.length}):\n  ${load.samples.join('\n  ')}`);
      (load as LoadResult & { uptimeBefore?: string; uptimeAfter?: string }).uptimeBefore = loadAverageBefore;
      (load as LoadResult & { uptimeBefore?: string; uptimeAfter?: string }).uptimeAfter = sh('uptime');
      console.log(loadTable(load));
      checks.push({
        name: `load: ${LOAD_SECONDS} s of the read/write mix at ${RATE}/s, 0 errors`,
        ok: load.non2xx === 0 && load.errors === 0 && warm.non2xx === 0 && warm.errors === 0,
        detail: `${load.sent} requests at ${load.achievedRps}/s after a ${WARMUP_SECONDS} s warm-up at ${warmRate}/s (${warm.sent} requests, ${warm.non2xx + warm.errors} failed, p99 ${warm.all.p99} ms); statuses ${JSON.stringify(load.statuses)}; p50 ${load.all.p50} ms, p99 ${load.all.p99} ms`,
        figures: { requests: load.sent, non2xx: load.non2xx, errors: load.errors, p50: load.all.p50, p99: load.all.p99 },
      });
    }

    const fault = (name: string) => ONLY.has('faults') || ONLY.has(name);
    if (fault('neo4j-kill')) {
      const dbKill = await timed('fault: neo4j kill', () => neo4jKill(service, log));
      checks.push(dbKill);
      if (!dbKill.ok) {
        log('restarting the service so the remaining checks have a database');
        await service.kill();
        await service.start();
      }
    }
    if (fault('import-kill')) checks.push(await timed('fault: import kill', () => importKill(service, log)));
    if (fault('publication-kill')) checks.push(await timed('fault: publication kill', () => publicationKill(service, log)));
    if (ONLY.has('schemathesis')) {
      schemathesis = await timed('schemathesis', () => runSchemathesis(service, { examples: EXAMPLES, maxTime: ST_MAX_TIME }, log));
      const p = schemathesis.positive;
      const n = schemathesis.negative;
      checks.push({
        name: 'schemathesis positive (every non-destructive operation): no 5xx, responses match openapi.yaml',
        ok: p.ok,
        detail: `${p.operations} operations (left out: ${p.left.join(', ')}); ${p.testCases}${p.failures.length ? `; ${p.failures.join('; ')}; full output ${p.logFile}` : ''}`,
        figures: { seconds: p.seconds, serverErrors: p.serverErrors, schemaMismatches: p.schemaMismatches },
      });
      checks.push({
        name: 'schemathesis negative (every operation): refused with 4xx, no 5xx',
        ok: n.ok,
        detail: `${n.operations} operations (left out, no input: ${n.left.join(', ') || 'none'}); ${n.testCases}${n.failures.length ? `; ${n.failures.join('; ')}; full output ${n.logFile}` : ''}`,
        figures: { seconds: n.seconds, serverErrors: n.serverErrors, schemaMismatches: n.schemaMismatches },
      });
      checks.push({
        name: 'refused requests wrote nothing (each write the negative phase saw refused, sent again around node/relationship counts)',
        ok: schemathesis.countsUnchanged,
        detail: schemathesis.countsUnchanged
          ? `${schemathesis.replayed} refused writes replayed (${schemathesis.replayLeftOut} state-dependent refusals left out): all refused again, counts by label and type unchanged`
          : `${schemathesis.replayed} refused writes replayed (${schemathesis.replayLeftOut} state-dependent refusals left out): ${schemathesis.countChanges.join('; ')}`,
      });
    }
  } catch (error) {
    failedHard = error;
    checks.push({ name: 'suite ran to the end', ok: false, detail: error instanceof Error ? error.message : String(error) });
  } finally {
    await service.stop().catch(() => undefined);
  }

  const failed = checks.filter((c) => !c.ok);
  console.log('\n== hardening figures');
  console.log(checksTable(checks));
  console.log(`\n${checks.length - failed.length} of ${checks.length} checks hold (${elapsed()}); service log: ${service.logFile}`);
  if (failedHard) console.error(failedHard);

  if (RECORD) record({ machine, checks, schemathesis, load, timings });
  if (failed.length === 0 && !flag('keep')) rmSync(dataDir, { recursive: true, force: true });
  return failed.length === 0 ? 0 : 1;
}

/** Ids of the opted-out customers, every page. */
async function optedOutCustomers(service: Service): Promise<Set<string>> {
  const ids = new Set<string>();
  let cursor: string | undefined;
  do {
    const res = await service.call('GET', `/v1/customers?optedOut=true&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { key: 'read' });
    const page = res.json as { items?: { id: string }[]; nextCursor?: string };
    for (const item of page.items ?? []) ids.add(item.id);
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

function checksTable(checks: CheckResult[]): string {
  return [
    '| check | result | detail |',
    '|---|---|---|',
    ...checks.map((c) => `| ${c.name} | ${c.ok ? 'pass' : '**FAIL**'} | ${c.detail.replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`),
  ].join('\n');
}

function record(data: { machine: Record<string, unknown>; checks: CheckResult[]; schemathesis?: SchemathesisResult; load?: LoadResult; timings: Record<string, number> }) {
  const date = new Date().toISOString().slice(0, 10);
  const dir = path.join(REPO, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const command = `npm run test:hardening -- ${process.argv.slice(2).join(' ')}`.trim();
  const machineLine = `${data.machine.nproc} cores (${data.machine.cpu}), ${data.machine.memoryGiB} GiB, Node ${data.machine.node}, commit ${data.machine.commit}${data.machine.dirty ? ' (with uncommitted changes)' : ''}`;
  writeFileSync(path.join(dir, `hardening-${date}.json`), `${JSON.stringify({ date, command, ...data }, null, 1)}\n`);
  writeFileSync(
    path.join(dir, `hardening-${date}.md`),
    [
      `# Hardening suite, ${date}`,
      '',
      `Command: \`${command}\`  `,
      `Machine: ${machineLine}  `,
      `Load at start: \`${data.machine.uptime}\``,
      '',
      checksTable(data.checks),
      '',
      `Phase durations (s): ${Object.entries(data.timings).map(([k, v]) => `${k} ${v}`).join(', ')}`,
      '',
    ].join('\n'),
  );
  if (data.load) {
    const l = data.load as LoadResult & { uptimeBefore?: string; uptimeAfter?: string };
    writeFileSync(path.join(dir, `load-${date}.json`), `${JSON.stringify({ date, command, machine: data.machine, ...l }, null, 1)}\n`);
    writeFileSync(
      path.join(dir, `load-${date}.md`),
      [
        `# Load: read/write mix at ${l.rate} requests/s for ${l.seconds} s, ${date}`,
        '',
        `Command: \`${command}\` (generator: bench/load/mix.ts, open loop, loopback; measured after a ${WARMUP_SECONDS} s warm-up at a fifth of the rate, not counted)  `,
        `Machine: ${machineLine}  `,
        `Load before: \`${l.uptimeBefore ?? ''}\`  `,
        `Load after: \`${l.uptimeAfter ?? ''}\``,
        '',
        `${l.sent} requests sent at ${l.achievedRps}/s; ${l.ok} 2xx, ${l.non2xx} non-2xx, ${l.errors} transport errors; statuses ${JSON.stringify(l.statuses)}.`,
        '',
        loadTable(l),
        '',
      ].join('\n'),
    );
  }
  log(`recorded bench/results/hardening-${date}.md${data.load ? ` and load-${date}.md` : ''}`);
}

process.exitCode = await main();
