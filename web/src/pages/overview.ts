/**
 * Overview: customers, ties, communities and modularity from /v1/metrics/network; NPS beside
 * influence-weighted NPS with their trend and the advocate/passive/detractor split from
 * /v1/brands/{id}/stance; the last analytics run with its phases and a button that starts one
 * and follows its progress.
 */
import { api, ApiError } from '../api.js';
import { fmt, h, mount } from '../dom.js';
import { empty, failure, loading } from '../states.js';

interface Network {
  runId: string;
  computedAt: string;
  customers: number;
  ties: { follows: number; knows: number };
  interactions: number;
  communities: { count: number; modularity: number } | null;
}
interface Stance {
  brandId: string;
  advocates: number;
  passives: number;
  detractors: number;
  unknown: number;
  nps: number | null;
  weightedNps: number | null;
  trend: { runId: string; finishedAt: string; nps: number | null; weightedNps: number | null }[];
}
export interface Run {
  id: string;
  status: string;
  startedAt: string;
  finishedAt?: string;
  progress: number;
  phases: { name: string; status: string; ms?: number }[];
  message?: string;
}

const figure = (label: string, value: string, key: string) =>
  h('div', { class: 'figure', 'data-figure': key }, h('span', { class: 'value' }, value), h('span', { class: 'label' }, label));

export async function overviewPage(el: HTMLElement): Promise<void> {
  const figures = h('section', { 'aria-labelledby': 'figures-title' }, h('h2', { id: 'figures-title' }, 'Network'), loading());
  const stance = h('section', { 'aria-labelledby': 'stance-title' }, h('h2', { id: 'stance-title' }, 'Stance'), loading());
  const runs = h('section', { 'aria-labelledby': 'runs-title' }, h('h2', { id: 'runs-title' }, 'Analytics runs'), loading());
  mount(el, h('h1', null, 'Overview'), figures, stance, runs);
  await Promise.all([renderFigures(figures), renderStance(stance), renderRuns(runs, () => overviewPage(el))]);
}

async function renderFigures(section: HTMLElement) {
  const title = section.firstElementChild!;
  try {
    const n = await api.get<Network>('/v1/metrics/network');
    const body =
      n.customers === 0
        ? empty('No data yet', 'The last analytics run found no customers. Load customers and ties (POST /v1/imports/… or the CLI import), then run analytics again.')
        : h(
            'div',
            { class: 'figures' },
            figure('customers', fmt(n.customers), 'customers'),
            figure('ties (follows + knows)', fmt(n.ties.follows + n.ties.knows), 'ties'),
            figure('communities', fmt(n.communities?.count), 'communities'),
            figure('modularity', fmt(n.communities?.modularity, 3), 'modularity'),
          );
    mount(section, title, body, h('p', { class: 'hint' }, `From run ${n.runId}, ${new Date(n.computedAt).toLocaleString()}.`));
  } catch (e) {
    mount(section, title, failure(e));
  }
}

async function renderStance(section: HTMLElement) {
  const title = section.firstElementChild!;
  try {
    const brands = await api.get<{ items: { id: string; name?: string }[] }>('/v1/brands?limit=50');
    if (brands.items.length === 0) {
      mount(section, title, empty('No brands yet', 'Stance (NPS, advocates, detractors) is measured toward a brand. Load brands and ratings to see it.'));
      return;
    }
    const select = h('select', { id: 'stance-brand' }, brands.items.map((b) => h('option', { value: b.id }, b.name ?? b.id)));
    const body = h('div');
    const show = async () => {
      mount(body, loading());
      try {
        const s = await api.get<Stance>(`/v1/brands/${encodeURIComponent(select.value)}/stance`);
        const total = s.advocates + s.passives + s.detractors + s.unknown || 1;
        const bar = (cls: string, n: number, label: string) => h('span', { class: `split ${cls}`, style: `flex-grow:${n}`, title: `${label}: ${fmt(n)}` }, n / total > 0.06 ? label : '');
        mount(
          body,
          h('div', { class: 'figures' }, figure('NPS', fmt(s.nps, 1), 'nps'), figure('influence-weighted NPS', fmt(s.weightedNps, 1), 'weightedNps')),
          h('div', { class: 'splitbar', role: 'img', 'aria-label': `Advocates ${s.advocates}, passives ${s.passives}, detractors ${s.detractors}, unknown ${s.unknown}` },
            bar('advocate', s.advocates, 'advocates'), bar('passive', s.passives, 'passives'), bar('detractor', s.detractors, 'detractors'), bar('unknown', s.unknown, 'unknown')),
          h('p', { class: 'legend' }, `${fmt(s.advocates)} advocates · ${fmt(s.passives)} passives · ${fmt(s.detractors)} detractors · ${fmt(s.unknown)} unknown`),
          trend(s.trend),
        );
      } catch (e) {
        mount(body, failure(e));
      }
    };
    select.addEventListener('change', () => void show());
    mount(section, title, h('label', { for: 'stance-brand' }, 'Brand '), select, body);
    await show();
  } catch (e) {
    mount(section, title, failure(e));
  }
}

/** NPS and weighted NPS over runs, oldest left: a small SVG line chart and the table behind it. */
function trend(points: Stance['trend']) {
  const rows = [...points].reverse();
  if (rows.length < 2) return h('p', { class: 'hint' }, 'The trend appears after a second run.');
  const W = 320;
  const H = 80;
  const x = (i: number) => (i / (rows.length - 1)) * (W - 20) + 10;
  const y = (v: number) => H - 10 - ((v + 100) / 200) * (H - 20);
  const line = (key: 'nps' | 'weightedNps', cls: string) => {
    const pts = rows.map((r, i) => (r[key] === null ? null : `${x(i)},${y(r[key]!)}`)).filter(Boolean).join(' ');
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
    svg.setAttribute('points', pts);
    svg.setAttribute('class', cls);
    return svg;
  };
  const chart = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  chart.setAttribute('viewBox', `0 0 ${W} ${H}`);
  chart.setAttribute('class', 'trend');
  chart.setAttribute('aria-hidden', 'true');
  chart.append(line('nps', 'nps'), line('weightedNps', 'weighted'));
  return h(
    'figure',
    null,
    chart,
    h('figcaption', null, 'NPS (dark) and influence-weighted NPS (light), oldest run on the left'),
    h('table', { class: 'compact' }, h('thead', null, h('tr', null, h('th', null, 'Run finished'), h('th', null, 'NPS'), h('th', null, 'Weighted NPS'))),
      h('tbody', null, rows.map((r) => h('tr', null, h('td', null, new Date(r.finishedAt).toLocaleString()), h('td', null, fmt(r.nps, 1)), h('td', null, fmt(r.weightedNps, 1)))))),
  );
}

export function phasesList(run: Run) {
  return h('ol', { class: 'phases' }, run.phases.map((p) => h('li', { class: `phase ${p.status}` }, `${p.name}: ${p.status}${p.ms !== undefined && p.ms !== null ? ` (${fmt(p.ms / 1000, 1)} s)` : ''}`)));
}

async function renderRuns(section: HTMLElement, refresh: () => void) {
  const title = section.firstElementChild!;
  try {
    const { items } = await api.get<{ items: Run[] }>('/v1/analytics/runs?limit=5');
    const last = items[0];
    const status = h('div', { 'aria-live': 'polite' });
    const start = h('button', {
      type: 'button',
      id: 'start-run',
      onclick: async () => {
        start.disabled = true;
        try {
          const run = await api.post<Run>('/v1/analytics/runs', {});
          await follow(run.id, status);
          refresh();
        } catch (e) {
          mount(status, failure(e));
          start.disabled = false;
        }
      },
    }, 'Start an analytics run');
    mount(
      section,
      title,
      last
        ? h('div', { class: 'run', 'data-run-status': last.status, 'data-run-id': last.id }, h('p', null, h('strong', null, `Last run ${last.status}`), ` — started ${new Date(last.startedAt).toLocaleString()}`, last.message ? ` — ${last.message}` : ''), phasesList(last))
        : empty('No analytics run yet', 'Rankings, stance and the map appear after the first completed run.'),
      start,
      status,
    );
    if (last?.status === 'running') {
      start.disabled = true;
      await follow(last.id, status);
      refresh();
    }
  } catch (e) {
    mount(section, title, failure(e));
  }
}

/** Polls a run until it ends, showing its progress. */
async function follow(id: string, status: HTMLElement): Promise<Run> {
  for (;;) {
    const run = await api.get<Run>(`/v1/analytics/runs/${encodeURIComponent(id)}`);
    const progress = h('progress', { max: 1, value: run.progress, 'aria-label': 'Run progress' });
    mount(status, h('p', null, `Run ${run.status} — ${Math.round(run.progress * 100)}%`), progress, phasesList(run));
    if (run.status !== 'running') {
      if (run.status !== 'completed') throw new ApiError(500, 'RUN_' + run.status.toUpperCase(), run.message ?? `The run ${run.status}`);
      return run;
    }
    await new Promise((r) => setTimeout(r, 700));
  }
}
