/** `influence-graph analyze`: runs analytics directly on the database or through the API, with a progress bar. */
import type { AnalyticsRun } from '../src/domain/analytics-run.service.js';
import { fail, progressBar, withDirectServices } from './cli-common.js';

export interface AnalyzeOptions {
  api?: string;
  key?: string;
  algorithms?: string;
  seed?: string;
}

function describe(run: AnalyticsRun): string {
  const phases = run.phases.map((p) => `  ${p.name.padEnd(12)} ${p.status.padEnd(8)} ${p.ms !== undefined ? `${(p.ms / 1000).toFixed(2)} s` : ''}`);
  const louvain = run.summary.louvain as { communities?: number; modularity?: number } | undefined;
  const lines = [
    `run ${run.id}: ${run.status}${run.message ? ` — ${run.message}` : ''}`,
    ...phases,
    `  customers ${run.summary.customers ?? '?'}, arcs ${run.summary.arcs ?? '?'}${louvain ? `, ${louvain.communities} communities, modularity ${louvain.modularity?.toFixed(4)}` : ''}, peak RSS ${run.peakRssMb ?? '?'} MB`,
  ];
  return lines.join('\n');
}

export async function runAnalyzeCommand(options: AnalyzeOptions): Promise<void> {
  const body: Record<string, unknown> = {};
  if (options.algorithms) body.algorithms = options.algorithms.split(',').map((s) => s.trim());
  if (options.seed) body.seed = Number(options.seed);
  const bar = progressBar();
  const show = (run: AnalyticsRun) => {
    const current = run.phases.find((p) => p.status === 'running')?.name ?? run.status;
    bar.update(run.phases.filter((p) => p.status === 'done').length, current);
  };

  let run: AnalyticsRun;
  if (options.api) {
    const base = options.api.replace(/\/$/, '');
    const headers = { authorization: `Bearer ${options.key ?? fail('--api needs --key')}`, 'content-type': 'application/json' };
    const res = await fetch(`${base}/v1/analytics/runs`, { method: 'POST', headers, body: JSON.stringify(body) });
    if (res.status !== 202) fail(`The API refused the run (${res.status}): ${await res.text()}`);
    run = (await res.json()) as AnalyticsRun;
    bar.start(run.phases.length, 0, 'starting', 'phases');
    while (run.status === 'running') {
      await new Promise((r) => setTimeout(r, 500));
      run = (await (await fetch(`${base}/v1/analytics/runs/${run.id}`, { headers })).json()) as AnalyticsRun;
      show(run);
    }
  } else {
    run = await withDirectServices(async (services) => {
      // Another process (the service, another CLI) holding the run lease: RUN_IN_PROGRESS, as the API says.
      const started = await services.runs.start(body, { onProgress: show });
      bar.start(started.phases.length, 0, 'starting', 'phases');
      // Ctrl-C parks the run (interrupted, lease released) instead of leaving the lease to expire.
      const park = () => void services.runs.park();
      process.once('SIGINT', park);
      try {
        return await services.runs.wait(started.id);
      } finally {
        process.off('SIGINT', park);
      }
    });
  }
  bar.stop();
  console.log(describe(run));
  if (run.status !== 'completed') process.exitCode = 1;
}
