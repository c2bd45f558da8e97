/**
 * `influence-graph plan`: plans a campaign (seed selection on the last completed analytics run)
 * directly on the database or through the API, with a progress bar; prints the seeds and the
 * reach against the naive list, and writes the seeds as CSV.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { CampaignPlan } from '../src/domain/campaign/campaign-plan.service.js';
import { csvField } from '../src/domain/super-users.service.js';
import { fail, progressBar, withDirectServices } from './cli-common.js';

export const PLAN_USAGE = `usage: influence-graph plan [--k N | --budget B --cost-attribute NAME] [--brand ID]
       [--model ic|lt] [--algorithm imm|celf] [--epsilon E] [--seed S] [--simulations N]
       [--probability interactions|constant:P|weighted-cascade] [--allow-detractors] [--overexposure L]
       [--community C] [--segment S] [--region R] [--topic T] [--include id,id] [--exclude id,id]
       [--out plan.csv] [--api URL --key KEY]`;

const list = (v?: string) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined);
const num = (v?: string) => (v === undefined ? undefined : Number(v));

export function planBody(v: Record<string, string | boolean | undefined>): Record<string, unknown> {
  const s = (k: string) => v[k] as string | undefined;
  const probability = s('probability');
  const constraints: Record<string, unknown> = {
    excludeDetractors: v['allow-detractors'] !== true,
    overexposure: num(s('overexposure')),
    community: num(s('community')),
    segment: s('segment'),
    region: s('region'),
    topic: s('topic'),
    include: list(s('include')),
    exclude: list(s('exclude')),
  };
  const body: Record<string, unknown> = {
    k: num(s('k')),
    budget: num(s('budget')),
    costAttribute: s('cost-attribute'),
    brand: s('brand'),
    model: s('model'),
    algorithm: s('algorithm'),
    epsilon: num(s('epsilon')),
    seed: num(s('seed')),
    simulations: num(s('simulations')),
    probability: probability
      ? probability.startsWith('constant:')
        ? { kind: 'constant', p: Number(probability.slice('constant:'.length)) }
        : { kind: probability }
      : undefined,
    constraints: JSON.parse(JSON.stringify(constraints)),
  };
  return JSON.parse(JSON.stringify(body));
}

const SEED_COLUMNS = ['rank', 'id', 'name', 'handle', 'community', 'audience', 'stance', 'influence', 'cost', 'forced', 'marginalGain', 'reason'] as const;

export function seedsCsv(plan: CampaignPlan): string {
  const rows = plan.result?.seeds ?? [];
  return [SEED_COLUMNS.join(','), ...rows.map((r) => SEED_COLUMNS.map((c) => csvField(r[c])).join(','))].join('\n') + '\n';
}

function describe(plan: CampaignPlan): string {
  const r = plan.result;
  if (!r) return `plan ${plan.id}: ${plan.status}${plan.message ? ` — ${plan.message}` : ''}`;
  const band = (x: { expected: number; low: number; high: number; simulations: number }) => `${x.expected} (95% ${x.low}–${x.high}, ${x.simulations} simulations)`;
  const lines = [
    `plan ${plan.id}: ${plan.status} on run ${r.runId}${r.brand ? `, brand ${r.brand}` : ''} — ${r.candidates} candidates of ${r.customers} customers, ${r.samples} samples`,
    ...r.seeds.map((s) => `  ${String(s.rank).padStart(3)}. ${s.id.padEnd(14)} +${String(s.marginalGain).padEnd(8)} ${s.reason}`),
    `  expected reach ${band(r.reach)}, ${(r.reach.detractorShare * 100).toFixed(1)}% on detractors`,
    `  naive list      ${band(r.naive.reach)}, ${(r.naive.reach.detractorShare * 100).toFixed(1)}% on detractors — ${r.naive.description}`,
    `  gain            ${r.gain >= 0 ? '+' : ''}${r.gain} people${r.totalCost !== null ? `; cost ${r.totalCost}` : ''}`,
  ];
  return lines.join('\n');
}

export async function runPlanCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      k: { type: 'string' },
      budget: { type: 'string' },
      'cost-attribute': { type: 'string' },
      brand: { type: 'string' },
      model: { type: 'string' },
      algorithm: { type: 'string' },
      epsilon: { type: 'string' },
      seed: { type: 'string' },
      simulations: { type: 'string' },
      probability: { type: 'string' },
      'allow-detractors': { type: 'boolean' },
      overexposure: { type: 'string' },
      community: { type: 'string' },
      segment: { type: 'string' },
      region: { type: 'string' },
      topic: { type: 'string' },
      include: { type: 'string' },
      exclude: { type: 'string' },
      out: { type: 'string' },
      api: { type: 'string' },
      key: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(PLAN_USAGE);
    return;
  }
  const body = planBody(values);
  const bar = progressBar();
  let phase = '';
  const show = (plan: CampaignPlan) => {
    const p = plan.progress;
    if (p.phase !== phase) {
      phase = p.phase;
      bar.start(Math.max(1, p.total), p.done, p.phase, 'steps');
    }
    bar.update(p.done, `${p.phase} ${p.samples} samples`);
  };
  const running = (p: CampaignPlan) => p.status === 'queued' || p.status === 'running';
  let plan: CampaignPlan;
  if (values.api) {
    const base = values.api.replace(/\/$/, '');
    const key = values.key ?? process.env.INFLUENCE_GRAPH_KEY ?? fail('--api needs --key');
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const res = await fetch(`${base}/v1/campaign-plans`, { method: 'POST', headers, body: JSON.stringify(body) });
    if (res.status !== 202) fail(`The API refused the plan (${res.status}): ${await res.text()}`);
    plan = (await res.json()) as CampaignPlan;
    while (running(plan)) {
      await new Promise((r) => setTimeout(r, 500));
      plan = (await (await fetch(`${base}/v1/campaign-plans/${plan.id}`, { headers })).json()) as CampaignPlan;
      show(plan);
    }
  } else {
    plan = await withDirectServices(async (services) => {
      let p = await services.campaignPlans.start(body);
      const timer = setInterval(() => void services.campaignPlans.get(p.id).then(show, () => undefined), 300);
      try {
        p = await services.campaignPlans.wait(p.id);
      } finally {
        clearInterval(timer);
      }
      return p;
    });
  }
  bar.stop();
  console.log(describe(plan));
  if (plan.result) {
    const out = values.out ?? `campaign-plan-${plan.id.slice(0, 8)}.csv`;
    writeFileSync(out, seedsCsv(plan));
    console.log(`seeds written to ${out}`);
  }
  if (plan.status !== 'completed') process.exitCode = 1;
}
