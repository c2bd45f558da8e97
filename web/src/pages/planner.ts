/**
 * Campaign planner on /v1/campaign-plans: k or a budget and the options, the run with its
 * progress, the seeds with their marginal gains, the expected reach with its band, the comparison
 * with the naive top-k, "Save as list" (/v1/influencer-lists) and "Export CSV" of the seeds.
 */
import { api, ApiError } from '../api.js';
import { download, fmt, h, mount, pct } from '../dom.js';
import { failure, loading } from '../states.js';

interface Reach {
  expected: number;
  low: number;
  high: number;
  share: number;
  detractorShare: number;
}
interface Seed {
  rank: number;
  id: string;
  name: string | null;
  community: number | null;
  audience: number;
  influence: number;
  stance: string;
  cost: number | null;
  marginalGain: number;
  reason: string;
}
interface Plan {
  id: string;
  status: string;
  progress?: { phase: string; done: number; total: number };
  message?: string;
  result?: { customers: number; seeds: Seed[]; totalCost: number | null; reach: Reach; naive: { description: string; reach: Reach }; gain: number };
}

export async function plannerPage(el: HTMLElement): Promise<void> {
  const input = (id: string, attrs: Record<string, unknown>) => h('input', { id, name: id, ...attrs });
  const k = input('plan-k', { type: 'number', min: 1, max: 1000, value: 10 });
  const budget = input('plan-budget', { type: 'number', min: 0, step: 'any', placeholder: 'optional' });
  const costAttribute = input('plan-cost', { type: 'text', placeholder: 'e.g. cost' });
  const model = h('select', { id: 'plan-model' }, h('option', { value: 'ic' }, 'Independent cascade'), h('option', { value: 'lt' }, 'Linear threshold'));
  const algorithm = h('select', { id: 'plan-algorithm' }, h('option', { value: 'imm' }, 'IMM (large bases)'), h('option', { value: 'celf' }, 'CELF greedy (small bases)'));
  const simulations = input('plan-simulations', { type: 'number', min: 100, max: 20000, value: 1000 });
  const out = h('div', { 'aria-live': 'polite' });
  const run = h('button', { type: 'submit', id: 'plan-run' }, 'Plan campaign');
  const label = (forId: string, text: string, control: HTMLElement) => h('label', { for: forId }, text, control);
  const form = h(
    'form',
    {
      class: 'filters',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        const body: Record<string, unknown> = { model: model.value, algorithm: algorithm.value, simulations: Number(simulations.value) };
        if (budget.value) {
          body.budget = Number(budget.value);
          body.costAttribute = costAttribute.value;
        } else body.k = Number(k.value);
        run.disabled = true;
        try {
          const plan = await api.post<Plan>('/v1/campaign-plans', body);
          show(out, await follow(plan.id, out));
        } catch (e) {
          mount(out, failure(e));
        } finally {
          run.disabled = false;
        }
      },
    },
    label('plan-k', 'Seeds (k)', k),
    label('plan-budget', 'or budget', budget),
    label('plan-cost', 'cost property', costAttribute),
    label('plan-model', 'Diffusion model', model),
    label('plan-algorithm', 'Algorithm', algorithm),
    label('plan-simulations', 'Simulations', simulations),
    run,
  );
  mount(el, h('h1', null, 'Campaign planner'), h('p', null, 'Chooses the customers to seed so that the expected reach is largest, and compares it with simply taking the top-k by influence.'), form, out);
}

async function follow(id: string, out: HTMLElement): Promise<Plan> {
  for (;;) {
    const plan = await api.get<Plan>(`/v1/campaign-plans/${encodeURIComponent(id)}`);
    if (plan.status !== 'queued' && plan.status !== 'running') {
      if (plan.status !== 'completed') throw new ApiError(500, `PLAN_${plan.status.toUpperCase()}`, plan.message ?? `The plan ${plan.status}`);
      return plan;
    }
    const p = plan.progress;
    mount(out, h('p', null, `Planning — ${p?.phase ?? plan.status}`), h('progress', { max: p?.total || 1, value: p?.done ?? 0, 'aria-label': 'Plan progress' }));
    await new Promise((r) => setTimeout(r, 700));
  }
}

function show(out: HTMLElement, plan: Plan) {
  const r = plan.result!;
  const band = (x: Reach) => `${fmt(x.expected)} (${fmt(x.low)}–${fmt(x.high)}), ${pct(x.share, 1)} of customers`;
  const csv = () =>
    ['rank,id,name,community,audience,influence,stance,cost,marginalGain,reason']
      .concat(r.seeds.map((s) => [s.rank, s.id, s.name ?? '', s.community ?? '', s.audience, s.influence, s.stance, s.cost ?? '', s.marginalGain, s.reason].map(cell).join(',')))
      .join('\n') + '\n';
  const saveOut = h('span', { 'aria-live': 'polite' });
  const campaign = h('select', { id: 'save-campaign' });
  const name = h('input', { id: 'save-name', value: `Plan ${plan.id.slice(0, 8)}`, size: 20 });
  const save = h('form', {
    class: 'inline',
    onsubmit: async (event: Event) => {
      event.preventDefault();
      try {
        const list = await api.post<{ id: string }>('/v1/influencer-lists', { name: name.value, campaignId: campaign.value, planId: plan.id });
        mount(saveOut, `Saved as list ${list.id}.`);
      } catch (e) {
        mount(saveOut, failure(e));
      }
    },
  }, h('label', { for: 'save-campaign' }, 'Campaign '), campaign, h('label', { for: 'save-name' }, ' List name '), name, h('button', { type: 'submit' }, 'Save as list'), saveOut);
  mount(
    out,
    h('div', { class: 'figures' },
      h('div', { class: 'figure', 'data-figure': 'reach' }, h('span', { class: 'value' }, fmt(r.reach.expected)), h('span', { class: 'label' }, `expected reach (${fmt(r.reach.low)}–${fmt(r.reach.high)})`)),
      h('div', { class: 'figure', 'data-figure': 'naive' }, h('span', { class: 'value' }, fmt(r.naive.reach.expected)), h('span', { class: 'label' }, 'naive top-k reach')),
      h('div', { class: 'figure', 'data-figure': 'gain' }, h('span', { class: 'value' }, `${r.gain >= 0 ? '+' : ''}${fmt(r.gain)}`), h('span', { class: 'label' }, 'gain over naive'))),
    h('p', null, `Plan: ${band(r.reach)}. ${r.naive.description}: ${band(r.naive.reach)}.${r.totalCost !== null ? ` Total cost ${fmt(r.totalCost, 2)}.` : ''}`),
    h('table', { class: 'ranking', id: 'plan-seeds' },
      h('thead', null, h('tr', null, ['#', 'Customer', 'Community', 'Audience', 'Influence', 'Stance', 'Marginal gain', 'Why'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', null, r.seeds.map((s) => h('tr', { 'data-id': s.id },
        h('td', null, s.rank), h('td', null, h('a', { href: `#/customers/${encodeURIComponent(s.id)}` }, s.name ?? s.id)), h('td', null, s.community ?? '—'),
        h('td', { class: 'num' }, fmt(s.audience)), h('td', { class: 'num' }, fmt(s.influence, 1)), h('td', null, s.stance), h('td', { class: 'num' }, fmt(s.marginalGain, 1)), h('td', null, s.reason))))),
    h('p', null, h('button', { type: 'button', id: 'plan-export', onclick: () => download(`plan-${plan.id}.csv`, csv()) }, 'Export CSV')),
    save,
  );
  void api
    .get<{ items: { id: string; name?: string }[] }>('/v1/campaigns?limit=100')
    .then((c) => {
      if (c.items.length === 0) mount(saveOut, 'Create a campaign first (POST /v1/campaigns/bulk) to save the seeds as its influencer list.');
      for (const x of c.items) campaign.append(h('option', { value: x.id }, x.name ?? x.id));
    })
    .catch((e) => mount(saveOut, failure(e)));
}

const cell = (v: unknown) => {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
