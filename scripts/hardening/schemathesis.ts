/**
 * Property-based API tests with schemathesis (PyPI, pinned in requirements.txt, installed in
 * .venv-hardening) over openapi.yaml against the running service, with the admin key.
 *
 * Phase 1, positive data: every operation except the destructive ones (erasing customers,
 * starting and cancelling analytics runs), checked for no 5xx, documented status codes, content
 * types, headers and response schemas, and that a request without the key is refused.
 * Phase 2, negative data: every operation, destructive ones included, in the default
 * `onInvalid=reject` mode; invalid requests must be refused with a 4xx. Then every write it saw refused is sent again, one at a time, around a count
 * of nodes by label and relationships by type: a refused request writes nothing.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { countDiff, KEYS, REPO, type Service } from './service.js';

export const VENV = path.join(REPO, '.venv-hardening');
const BIN = path.join(VENV, 'bin', 'schemathesis');
const REQUIREMENTS = path.join(REPO, 'scripts', 'hardening', 'requirements.txt');

/** Creates the virtualenv and installs the pinned schemathesis when it is missing or another version. */
export function ensureSchemathesis(log: (line: string) => void): void {
  const wanted = /schemathesis==([\w.]+)/.exec(readFileSync(REQUIREMENTS, 'utf8'))?.[1];
  if (existsSync(BIN)) {
    const version = spawnSync(BIN, ['--version'], { encoding: 'utf8' }).stdout ?? '';
    if (wanted && version.includes(wanted)) return;
  }
  log(`installing schemathesis ${wanted} into ${VENV}`);
  const venv = spawnSync('python3', ['-m', 'venv', VENV], { stdio: 'inherit' });
  if (venv.status !== 0) throw new Error('python3 -m venv failed (Debian: apt-get install python3-venv)');
  const pip = spawnSync(path.join(VENV, 'bin', 'pip'), ['install', '-q', '--disable-pip-version-check', '-r', REQUIREMENTS], { stdio: 'inherit' });
  if (pip.status !== 0) throw new Error('pip install of schemathesis failed');
}

/**
 * `onInvalid=skip` accepts rows that break the row schema by design (it writes the valid rows and
 * returns the others with their problems), so the negative phase tests the default mode: its copy
 * of the document offers `onInvalid=reject` only.
 */
function rejectModeOnly(op: { parameters?: unknown[] }): void {
  for (const p of (op.parameters ?? []) as { name?: string; schema?: { enum?: string[] } }[]) {
    if (p.name === 'onInvalid' && p.schema?.enum) p.schema.enum = ['reject'];
  }
}

/**
 * The document a phase runs on: openapi.yaml without the operations it leaves out. The positive
 * phase leaves out the destructive operations; the negative phase the operations that take no
 * input at all (there is nothing to make invalid, and schemathesis reports them as schema errors).
 */
function phaseSpec(service: Service, phase: 'positive' | 'negative'): { file: string; left: string[] } {
  const doc = parse(readFileSync(path.join(REPO, 'openapi.yaml'), 'utf8')) as { paths: Record<string, Record<string, { parameters?: unknown[]; requestBody?: unknown }>> };
  const left: string[] = [];
  for (const [route, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const upper = method.toUpperCase();
      const drop =
        phase === 'positive'
          ? DESTRUCTIVE.some(([m, r]) => m === upper && r === route)
          : route.startsWith('/v1/') && !(op.parameters?.length) && !op.requestBody;
      if (drop) {
        delete item[method];
        left.push(`${upper} ${route}`);
      } else if (phase === 'negative') {
        rejectModeOnly(op);
      }
    }
    if (Object.keys(item).length === 0) delete doc.paths[route];
  }
  const file = path.join(service.dataDir, `openapi-${phase}.json`);
  writeFileSync(file, JSON.stringify(doc));
  return { file, left };
}

/** Operations the positive phase leaves out: they erase data or start long work. */
const DESTRUCTIVE = [
  ['DELETE', '/v1/customers/{id}'],
  ['POST', '/v1/analytics/runs'],
  ['DELETE', '/v1/analytics/runs/{id}'],
] as const;

const POSITIVE_CHECKS = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_headers_conformance',
  'response_schema_conformance',
  'ignored_auth',
];
const NEGATIVE_CHECKS = ['not_a_server_error', 'negative_data_rejection', 'status_code_conformance', 'content_type_conformance', 'response_schema_conformance'];

export interface PhaseResult {
  phase: string;
  ok: boolean;
  exitCode: number | null;
  seconds: number;
  operations: string;
  testCases: string;
  failures: string[];
  operationsFailing: string[];
  /** Operations this phase left out. */
  left: string[];
  /** Writes (non-GET requests) the service answered 2xx, from the HAR report: in the negative phase each is a refusal that did not happen. */
  acceptedWrites: string[];
  serverErrors: number;
  schemaMismatches: number;
  command: string;
  logFile: string;
}

export interface SchemathesisResult {
  positive: PhaseResult;
  negative: PhaseResult;
  countsUnchanged: boolean;
  countChanges: string[];
  /** Refused writes sent again for the database check. */
  replayed: number;
  /** Refusals not replayed because they depended on the state at the time (404, 409, unknown references, PATCH). */
  replayLeftOut: number;
  /** Count changes around the whole negative phase (its accepted, valid writes included); informative. */
  phaseChanges: string[];
}

async function runPhase(service: Service, phase: 'positive' | 'negative', examples: number, maxTime: number, log: (line: string) => void): Promise<PhaseResult> {
  const spec = phaseSpec(service, phase);
  const args = [
    'run',
    spec.file,
    '--url',
    service.base,
    '-H',
    `Authorization: Bearer ${KEYS.admin}`,
    '--mode',
    phase,
    '--checks',
    (phase === 'positive' ? POSITIVE_CHECKS : NEGATIVE_CHECKS).join(','),
    '--max-examples',
    String(examples),
    '--max-time',
    String(maxTime),
    '--phases',
    'examples,coverage,fuzzing',
    '--seed',
    '20261130',
    '--workers',
    '2',
    '--request-timeout',
    '30',
    '--no-shrink',
    '--suppress-health-check',
    'all',
    '--continue-on-failure',
    '--output-truncate',
    'true',
    // The HAR report keeps the real headers so that refused writes can be sent again exactly.
    '--output-sanitize',
    'false',
    '--exclude-path-regex',
    '^/(docs|health|ready|openapi)',
    '--report',
    'har',
    '--report-har-path',
    path.join(service.dataDir, `schemathesis-${phase}.har`),
  ];
  const command = `schemathesis ${args.map((a) => (/[\s"&|$]/.test(a) ? `'${a}'` : a)).join(' ')}`.replace(KEYS.admin, '$ADMIN_KEY');
  log(`schemathesis ${phase}: ${examples} examples per operation, at most ${maxTime} s; left out: ${spec.left.join(', ') || 'none'}`);
  const started = Date.now();
  const output: string[] = [];
  const exitCode = await new Promise<number | null>((resolve) => {
    const child = spawn(BIN, args, { cwd: REPO, env: { ...process.env, NO_COLOR: '1', COLUMNS: '160' } });
    const collect = (chunk: Buffer) => output.push(chunk.toString('utf8'));
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('exit', (code) => resolve(code));
  });
  const text = output.join('');
  const logFile = path.join(service.dataDir, `schemathesis-${phase}.log`);
  writeFileSync(logFile, text);
  const seconds = (Date.now() - started) / 1000;
  // Summary lines look like "❌ ST101 Server error: 3".
  const byCode: Record<string, number> = {};
  const failureKinds: string[] = [];
  for (const m of text.matchAll(/^\s*❌\s*(ST\d+)\s+([^:\n]+):\s*(\d+)\s*$/gm)) {
    byCode[m[2].trim()] = Number(m[3]);
    failureKinds.push(`${m[1]} ${m[2].trim()}: ${m[3]}`);
  }
  for (const m of text.matchAll(/^\s*🚫\s*([^:\n]+):\s*(\d+)\s*$/gm)) failureKinds.push(`error ${m[1].trim()}: ${m[2]}`);
  const operationsFailing = [...new Set([...text.matchAll(/^_+ (GET|POST|PUT|PATCH|DELETE) (\S+) _+$/gm)].map((m) => `${m[1]} ${m[2]}`))];
  const accepted = acceptedWrites(path.join(service.dataDir, `schemathesis-${phase}.har`));
  // A failed check, or an error talking to the service, fails the phase. An internal error of the
  // tool itself (schemathesis reports "Runtime Error", e.g. inside hypothesis) is listed, not failed on.
  const serviceErrors = failureKinds.filter((k) => k.startsWith('error ') && !k.startsWith('error Runtime Error'));
  const checkFailures = failureKinds.filter((k) => k.startsWith('ST'));
  const result: PhaseResult = {
    phase,
    ok: exitCode === 0 || (checkFailures.length === 0 && serviceErrors.length === 0),
    left: spec.left,
    acceptedWrites: accepted,
    exitCode,
    seconds,
    operations: /Tested:\s*(\d+)/.exec(text)?.[1] ?? '?',
    testCases: caseCounts(/Test cases:\s*\n\s*([^\n]+)/.exec(text)?.[1] ?? ''),
    failures: failureKinds,
    operationsFailing,
    serverErrors: byCode['Server error'] ?? 0,
    schemaMismatches: byCode['Response violates schema'] ?? 0,
    command,
    logFile,
  };
  // schemathesis's own summary block stays in its log file: its closing rule ("=== 2 warnings in
  // 90.01s ===") has the shape of a pytest session summary, and a reader of the CI log that
  // looks for one would take it for a test run with no tests.
  log(`schemathesis ${phase}: ${result.operations} operations, ${result.testCases || 'no case count'}; exit code ${exitCode}; full output ${logFile}`);
  if (operationsFailing.length) log(`operations with failures: ${operationsFailing.join(', ')}`);
  return result;
}

/**
 * schemathesis's case counts ("5403 generated, 5403 passed, 201 skipped") in this suite's own
 * words, so the CI log holds no line shaped like a test runner's summary but the real one.
 */
function caseCounts(line: string): string {
  const count = (word: string) => Number(new RegExp(`(\\d+) ${word}`).exec(line)?.[1] ?? 0);
  if (!/\d+ generated/.test(line)) return line.trim();
  const parts = [`${count('generated')} cases generated`, `${count('passed')} answered as the checks expect`];
  if (count('failed')) parts.push(`${count('failed')} failing`);
  if (count('errored')) parts.push(`${count('errored')} with errors`);
  if (count('skipped')) parts.push(`${count('skipped')} not sent`);
  return parts.join(', ');
}

interface HarEntry {
  request: { method: string; url: string; headers: { name: string; value: string }[]; postData?: { mimeType?: string; text?: string } };
  response: { status: number; content?: { text?: string } };
}

/**
 * Whether a refusal depends on what the database held at the time, so that the same request may
 * rightly succeed later: 404 (the target did not exist yet), 409 (a conflict with the current
 * state), a reference to an entity that did not exist yet (400 with `unknown_reference`), and any
 * refused PATCH (its merged record is the stored one plus the patch, e.g. `endsAt` before the
 * stored `startsAt`). The replay leaves these out; every other refusal is about the request alone.
 */
function refusalDependsOnState(e: HarEntry): boolean {
  if (e.response.status === 404 || e.response.status === 409) return true;
  if (e.request.method === 'PATCH') return true;
  return (e.response.content?.text ?? '').includes('"unknown_reference"');
}

function harEntries(harFile: string): HarEntry[] {
  if (!existsSync(harFile)) return [];
  try {
    return (JSON.parse(readFileSync(harFile, 'utf8')) as { log: { entries: HarEntry[] } }).log.entries;
  } catch {
    return [];
  }
}

/**
 * Sends every write the negative phase saw refused (4xx or 5xx) once more, one at a time, and
 * checks that each is refused again and that the counts did not move. (The negative phase also
 * sends valid requests, which legitimately write, so counts around the whole phase prove nothing.)
 */
async function replayRefusedWrites(service: Service, harFile: string): Promise<{ replayed: number; leftOut: number; acceptedNow: string[]; countChanges: string[] }> {
  const refusedAll = harEntries(harFile).filter((e) => !['GET', 'HEAD'].includes(e.request.method) && e.response.status >= 400);
  const refused = refusedAll.filter((e) => !refusalDependsOnState(e));
  const before = await service.counts();
  const acceptedNow: string[] = [];
  // Four at a time: each is refused again by validation, so their order does not matter.
  let next = 0;
  const worker = async () => {
    while (next < refused.length) await replayOne(refused[next++]);
  };
  const replayOne = async (e: HarEntry) => {
    const headers: Record<string, string> = {};
    for (const h of e.request.headers) {
      const name = h.name.toLowerCase();
      if (['authorization', 'x-api-key', 'content-type'].includes(name)) headers[name] = h.value;
    }
    const url = new URL(e.request.url);
    try {
      const res = await fetch(`${service.base}${url.pathname}${url.search}`, {
        method: e.request.method,
        headers,
        body: e.request.postData?.text,
        signal: AbortSignal.timeout(30_000),
      });
      await res.arrayBuffer();
      if (res.status < 400) acceptedNow.push(printable(`${e.request.method} ${url.pathname.slice(0, 120)} → ${res.status}`));
    } catch {
      // a request the HTTP client cannot send again (malformed on purpose) is skipped
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  await settle(service);
  return { replayed: refused.length, leftOut: refusedAll.length - refused.length, acceptedNow, countChanges: countDiff(before, await service.counts()) };
}

export async function runSchemathesis(service: Service, opts: { examples: number; maxTime: number }, log: (line: string) => void): Promise<SchemathesisResult> {
  ensureSchemathesis(log);
  const positive = await runPhase(service, 'positive', opts.examples, opts.maxTime, log);
  await settle(service);
  const before = await service.counts();
  const negative = await runPhase(service, 'negative', opts.examples, opts.maxTime, log);
  await settle(service);
  const phaseChanges = countDiff(before, await service.counts());
  if (negative.acceptedWrites.length) log(`negative phase: ${negative.acceptedWrites.length} write(s) answered 2xx (valid requests it also sends), e.g.\n  ${negative.acceptedWrites.slice(0, 10).join('\n  ')}`);
  if (phaseChanges.length) log(`counts around the negative phase (from its accepted writes): ${phaseChanges.join('; ')}`);
  const replay = await replayRefusedWrites(service, path.join(service.dataDir, 'schemathesis-negative.har'));
  log(`replayed ${replay.replayed} refused write(s) (left out ${replay.leftOut} whose refusal depended on the database's state then): ${replay.acceptedNow.length} accepted now; counts ${replay.countChanges.length ? replay.countChanges.join('; ') : 'unchanged'}`);
  const countChanges = [...replay.countChanges, ...replay.acceptedNow.slice(0, 5).map((a) => `refused before, accepted on replay: ${a}`)];
  return { positive, negative, countsUnchanged: countChanges.length === 0, countChanges, replayed: replay.replayed, replayLeftOut: replay.leftOut, phaseChanges };
}

/**
 * The text with control characters (newlines included) and lone surrogates written as \u escapes:
 * the fuzzed requests hold any character, and the log must stay one line per entry of plain text.
 */
function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Non-GET requests answered 2xx, as "METHOD url → status" with a short body excerpt (printable). */
function acceptedWrites(harFile: string): string[] {
  if (!existsSync(harFile)) return [];
  try {
    const har = JSON.parse(readFileSync(harFile, 'utf8')) as {
      log: { entries: { request: { method: string; url: string; postData?: { text?: string } }; response: { status: number } }[] };
    };
    return har.log.entries
      .filter((e) => e.request.method !== 'GET' && e.request.method !== 'HEAD' && e.response.status >= 200 && e.response.status < 300)
      .map((e) => printable(`${e.request.method} ${decodeURI(new URL(e.request.url).pathname + new URL(e.request.url).search).slice(0, 160)} → ${e.response.status}${e.request.postData?.text ? ` body ${e.request.postData.text.slice(0, 160)}` : ''}`));
  } catch {
    return [];
  }
}

/**
 * Waits until no import job and no analytics run is active, so counts are taken at rest; at most
 * about 20 s (a run interrupted by a kill may stay `running` until its lease expires).
 */
async function settle(service: Service): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const imports = await service.call('GET', '/v1/imports?limit=200', { key: 'read' });
    const runs = await service.call('GET', '/v1/analytics/runs', { key: 'read' });
    const busyImports = ((imports.json as { items?: { status: string }[] })?.items ?? []).some((j) => j.status === 'validating' || j.status === 'writing');
    const busyRuns = ((runs.json as { items?: { status: string }[] })?.items ?? []).some((r) => r.status === 'running');
    if (!busyImports && !busyRuns) return;
    await new Promise((r) => setTimeout(r, 500));
  }
}
