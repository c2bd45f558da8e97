/**
 * Load: a realistic read/write mix at a fixed arrival rate against a running service, over
 * loopback. Open loop: requests are sent on schedule whether or not earlier ones have answered,
 * so a slow answer shows in the latency instead of lowering the rate. Latency is measured per
 * endpoint (p50, p90, p99, max); non-2xx answers and transport errors are counted apart.
 *
 * Mix: 80% reads (super users, advocates, communities, customer metrics, customer record,
 * social proof, paths) and 20% idempotent writes (PUT of customers kept for the load, bulk
 * interactions with fixed ids between demo customers).
 *
 *   npx tsx bench/load/mix.ts --url http://127.0.0.1:3000 --read-key K --write-key K [--rate 500] [--seconds 60] [--customers 3000]
 */
import http from 'node:http';
import { fileURLToPath } from 'node:url';

export interface LoadOptions {
  base: string;
  readKey: string;
  writeKey: string;
  rate: number;
  seconds: number;
  /** Demo customers are c000000 … c<customers − 1>. */
  customers: number;
  /** Customer ids the mix must leave alone (erased or opted out elsewhere). */
  avoid?: Set<string>;
}

export interface EndpointFigures {
  endpoint: string;
  share: number;
  requests: number;
  ok: number;
  non2xx: number;
  errors: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface LoadResult {
  rate: number;
  seconds: number;
  sent: number;
  achievedRps: number;
  ok: number;
  non2xx: number;
  errors: number;
  statuses: Record<string, number>;
  /** The first few non-2xx answers, for diagnosis. */
  samples: string[];
  endpoints: EndpointFigures[];
  all: Omit<EndpointFigures, 'endpoint' | 'share'>;
}

interface Endpoint {
  name: string;
  weight: number;
  request(i: number): { method: string; path: string; body?: string; write?: boolean };
}

const pad = (n: number) => String(n).padStart(6, '0');

function endpoints(opts: LoadOptions): Endpoint[] {
  let seed = 12345;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const customer = (): string => {
    for (;;) {
      const id = `c${pad(Math.floor(rand() * opts.customers))}`;
      if (!opts.avoid?.has(id)) return id;
    }
  };
  return [
    { name: 'GET /v1/super-users?limit=50', weight: 20, request: () => ({ method: 'GET', path: '/v1/super-users?limit=50' }) },
    { name: 'GET /v1/advocates?limit=20', weight: 5, request: () => ({ method: 'GET', path: '/v1/advocates?limit=20' }) },
    { name: 'GET /v1/communities?limit=10', weight: 5, request: () => ({ method: 'GET', path: '/v1/communities?limit=10' }) },
    { name: 'GET /v1/customers/{id}/metrics', weight: 15, request: () => ({ method: 'GET', path: `/v1/customers/${customer()}/metrics` }) },
    { name: 'GET /v1/customers/{id}', weight: 15, request: () => ({ method: 'GET', path: `/v1/customers/${customer()}` }) },
    {
      name: 'GET /v1/customers/{id}/social-proof',
      weight: 10,
      request: () => ({ method: 'GET', path: `/v1/customers/${customer()}/social-proof?target=brand:b1` }),
    },
    { name: 'GET /v1/paths', weight: 10, request: () => ({ method: 'GET', path: `/v1/paths?from=${customer()}&to=${customer()}&maxHops=4` }) },
    {
      name: 'PUT /v1/customers/{id}',
      weight: 10,
      request: (i) => {
        const n = i % 200;
        return {
          method: 'PUT',
          path: `/v1/customers/load-${pad(n)}`,
          body: JSON.stringify({ name: `Load Customer ${n}`, segment: 'load', region: 'eu', attributes: { tier: 'bronze' } }),
          write: true,
        };
      },
    },
    {
      name: 'POST /v1/interactions/bulk (10 rows)',
      weight: 10,
      request: (i) => {
        const rows = [];
        for (let k = 0; k < 10; k++) {
          const n = (i * 10 + k) % 2000;
          const from = `c${pad((n * 7) % opts.customers)}`;
          let to = `c${pad((n * 13 + 1) % opts.customers)}`;
          if (to === from) to = `c${pad((n * 13 + 2) % opts.customers)}`;
          if (opts.avoid?.has(from) || opts.avoid?.has(to)) continue;
          rows.push({ id: `load-i-${n}`, from, to, kind: 'mention', at: '2026-06-01T10:00:00Z', count: 1, sentiment: 0.1 });
        }
        return { method: 'POST', path: '/v1/interactions/bulk', body: JSON.stringify(rows), write: true };
      },
    },
  ];
}

const quantile = (sorted: number[], q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : 0);
const round = (x: number) => Math.round(x * 100) / 100;

function figures(latencies: number[], ok: number, non2xx: number, errors: number) {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    requests: ok + non2xx + errors,
    ok,
    non2xx,
    errors,
    p50: round(quantile(sorted, 0.5)),
    p90: round(quantile(sorted, 0.9)),
    p99: round(quantile(sorted, 0.99)),
    max: round(sorted.at(-1) ?? 0),
  };
}

/** Runs the mix for opts.seconds at opts.rate requests per second. */
export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const list = endpoints(opts);
  const total = list.reduce((s, e) => s + e.weight, 0);
  // A fixed, interleaved schedule: endpoint k appears weight_k times in every block of `total`.
  const schedule: number[] = [];
  const credit = list.map(() => 0);
  for (let slot = 0; slot < total; slot++) {
    list.forEach((e, k) => (credit[k] += e.weight));
    const k = credit.indexOf(Math.max(...credit));
    credit[k] -= total;
    schedule.push(k);
  }
  const url = new URL(opts.base);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const stats = list.map(() => ({ latencies: [] as number[], ok: 0, non2xx: 0, errors: 0 }));
  const statuses: Record<string, number> = {};
  const samples: string[] = [];
  const count = Math.round(opts.rate * opts.seconds);
  const started = performance.now();
  let inFlight = 0;
  let sent = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));

  const fire = (i: number) => {
    const k = schedule[i % schedule.length];
    const spec = list[k].request(i);
    const sentAt = performance.now();
    const headers: Record<string, string> = { authorization: `Bearer ${spec.write ? opts.writeKey : opts.readKey}` };
    if (spec.body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(spec.body));
    }
    inFlight++;
    const end = (status: number | 'error') => {
      const s = stats[k];
      s.latencies.push(performance.now() - sentAt);
      if (status === 'error') s.errors++;
      else if (status >= 200 && status < 300) s.ok++;
      else s.non2xx++;
      statuses[String(status)] = (statuses[String(status)] ?? 0) + 1;
      inFlight--;
      if (sent === count && inFlight === 0) done();
    };
    const req = http.request(
      { host: url.hostname, port: url.port, method: spec.method, path: spec.path, headers, agent, timeout: 30_000 },
      (res) => {
        const status = res.statusCode ?? 0;
        const keep = (status < 200 || status >= 300) && samples.length < 10;
        let text = '';
        if (keep) res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        else res.resume();
        res.on('end', () => {
          if (keep) samples.push(`${spec.method} ${spec.path} → ${status} ${text.slice(0, 200)}`);
          end(status);
        });
        res.on('error', () => end('error'));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => end('error'));
    req.end(spec.body);
  };

  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(count, Math.floor(((performance.now() - started) / 1000) * opts.rate) + 1);
      while (sent < due) fire(sent++);
      if (sent < count) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  if (inFlight > 0) await finished;
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();

  const endpointsOut = list.map((e, k) => ({ endpoint: e.name, share: round(e.weight / total), ...figures(stats[k].latencies, stats[k].ok, stats[k].non2xx, stats[k].errors) }));
  const all = figures(
    stats.flatMap((s) => s.latencies),
    stats.reduce((a, s) => a + s.ok, 0),
    stats.reduce((a, s) => a + s.non2xx, 0),
    stats.reduce((a, s) => a + s.errors, 0),
  );
  return {
    rate: opts.rate,
    seconds: opts.seconds,
    sent,
    achievedRps: Math.round(sent / elapsed),
    ok: all.ok,
    non2xx: all.non2xx,
    errors: all.errors,
    statuses,
    samples,
    endpoints: endpointsOut,
    all,
  };
}

/** The figures as a Markdown table. */
export function loadTable(result: LoadResult): string {
  const rows = [...result.endpoints.map((e) => ({ ...e, endpoint: `${e.endpoint} (${Math.round(e.share * 100)}%)` })), { endpoint: '**all**', share: 1, ...result.all }];
  return [
    '| endpoint | requests | 2xx | non-2xx | errors | p50 ms | p90 ms | p99 ms | max ms |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.endpoint} | ${r.requests} | ${r.ok} | ${r.non2xx} | ${r.errors} | ${r.p50} | ${r.p90} | ${r.p99} | ${r.max} |`),
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (name: string, fallback?: string) => {
    const i = process.argv.indexOf(`--${name}`);
    const value = i >= 0 ? process.argv[i + 1] : fallback;
    if (value === undefined) throw new Error(`--${name} is required`);
    return value;
  };
  const result = await runLoad({
    base: arg('url'),
    readKey: arg('read-key'),
    writeKey: arg('write-key'),
    rate: Number(arg('rate', '500')),
    seconds: Number(arg('seconds', '60')),
    customers: Number(arg('customers', '3000')),
  });
  console.log(loadTable(result));
  console.log(JSON.stringify({ sent: result.sent, achievedRps: result.achievedRps, statuses: result.statuses }));
  process.exitCode = result.non2xx + result.errors > 0 ? 1 : 0;
}
