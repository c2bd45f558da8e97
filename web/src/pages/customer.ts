/**
 * Customer page: metrics with percentiles and change since the previous run, the stance toward
 * each brand with the evidence behind it (each item's weight and contribution) and its history
 * over runs (/v1/customers/{id}/stance), social proof for a chosen brand or product, and advocate
 * paths / detractor exposure drawn as small path diagrams, each hop explained (who listens to whom
 * and why).
 */
import { api, query } from '../api.js';
import { fmt, h, mount } from '../dom.js';
import { empty, failure, loading } from '../states.js';
import { renderStance } from './customer-stance.js';

interface Change {
  value: number | null;
  percentile: number | null;
  previous: number | null;
  change: number | null;
}
interface Metrics {
  id: string;
  name: string | null;
  runId: string;
  previousRunId: string | null;
  followers: number | null;
  following: number | null;
  reach: { oneHop: Change; twoHops: Change };
  amplification: { received: Change; given: Change };
  participationTier: string | null;
  influence: Change & { score: number; rank: number; of: number };
  community: { id: number | null; size: number | null; previous: number | null; changed: boolean | null };
  topics: string[];
  centralities: Record<string, Change>;
}
type Person = { id: string; name: string | null; stance: string } | { id: null; optedOut: true };
interface Step {
  from: Person;
  to: Person;
  tie: { kinds: string[]; weight: number | null; interactions: number; sentiment: number | null; attentionWeight: number; strength: number };
}
interface PathItem {
  hops: number;
  path: { hops: number; strength: number; steps: Step[] };
  advocate?: { id: string; name: string | null; influence: number };
  detractor?: { id: string; name: string | null; influence: number };
}
interface PathAnswer {
  brand: string;
  customer: { id: string; name: string | null; stance: string };
  total?: number;
  reachedBy?: number;
  detractors?: { total: number; share: number };
  items: PathItem[];
}

const changeText = (c: Change, digits = 0) =>
  `${fmt(c.value, digits)}${c.percentile !== null ? ` · p${fmt(c.percentile, 0)}` : ''}${c.change !== null && c.change !== 0 ? ` · ${c.change > 0 ? '+' : ''}${fmt(c.change, digits)} since previous run` : ''}`;

export async function customerPage(el: HTMLElement, id: string, params: URLSearchParams): Promise<void> {
  if (!id) {
    mount(el, empty('No customer chosen', 'Open a customer from a ranked list or the community map.'));
    return;
  }
  mount(el, loading());
  let m: Metrics;
  try {
    m = await api.get<Metrics>(`/v1/customers/${encodeURIComponent(id)}/metrics`);
  } catch (e) {
    mount(el, h('h1', null, `Customer ${id}`), failure(e));
    return;
  }
  const row = (label: string, value: string) => [h('dt', null, label), h('dd', null, value)];
  const metrics = h(
    'section',
    { 'aria-labelledby': 'metrics-title' },
    h('h2', { id: 'metrics-title' }, 'Metrics'),
    h(
      'dl',
      { class: 'metrics' },
      row('Influence', `${fmt(m.influence.score, 1)} — rank ${fmt(m.influence.rank)} of ${fmt(m.influence.of)}${m.influence.change ? ` (${m.influence.change > 0 ? '+' : ''}${fmt(m.influence.change, 1)})` : ''}`),
      row('Followers / following', `${fmt(m.followers)} / ${fmt(m.following)}`),
      row('Reach, 1 hop', changeText(m.reach.oneHop)),
      row('Reach, 2 hops', changeText(m.reach.twoHops)),
      row('Amplification received', changeText(m.amplification.received, 2)),
      row('Amplification given', changeText(m.amplification.given, 2)),
      row('Participation tier', m.participationTier ?? '—'),
      row('Community', m.community.id === null ? '—' : `${m.community.id} (${fmt(m.community.size)} members)${m.community.changed ? `, was ${m.community.previous}` : ''}`),
      row('Topics', m.topics.join(', ') || '—'),
      Object.entries(m.centralities).map(([k, c]) => row(k, changeText(c, 4))),
    ),
    m.community.id !== null ? h('p', null, h('a', { href: `#/map/${m.community.id}` }, `See community ${m.community.id} on the map`)) : null,
  );
  const stanceSection = h('section', { 'aria-labelledby': 'evidence-title', id: 'customer-stance' }, h('h2', { id: 'evidence-title' }, 'Stance, evidence and history'), loading());
  const brandSection = h('section', { 'aria-labelledby': 'stance-title' }, h('h2', { id: 'stance-title' }, 'Stance and paths'), loading());
  const proofSection = h('section', { 'aria-labelledby': 'proof-title' }, h('h2', { id: 'proof-title' }, 'Social proof'));
  mount(el, h('h1', null, m.name ?? m.id, h('small', null, ` ${m.id}`)), metrics, stanceSection, brandSection, proofSection);
  await Promise.all([
    renderStance(stanceSection, id, params.get('brand')),
    renderPaths(brandSection, id, params.get('brand')),
    renderProof(proofSection, id, params.get('target')),
  ]);
}

async function renderPaths(section: HTMLElement, id: string, brand: string | null) {
  const title = section.firstElementChild!;
  try {
    const [advocates, detractors] = await Promise.all([
      api.get<PathAnswer>(`/v1/customers/${encodeURIComponent(id)}/advocate-paths${query({ brand, limit: 5 })}`),
      api.get<PathAnswer>(`/v1/customers/${encodeURIComponent(id)}/detractor-exposure${query({ brand, limit: 5 })}`),
    ]);
    mount(
      section,
      title,
      h('p', { 'data-stance': advocates.customer.stance }, `Stance toward ${advocates.brand}: `, h('strong', { class: `stance ${advocates.customer.stance}` }, advocates.customer.stance)),
      h('h3', null, `Advocates who reach this customer (${fmt(advocates.total)})`),
      advocates.items.length ? advocates.items.map((p) => pathDiagram(p)) : h('p', { class: 'hint' }, 'No advocate reaches this customer within the hop limit.'),
      h('h3', null, `Detractor exposure (${fmt(detractors.reachedBy)} detractors)`),
      detractors.items.length ? detractors.items.map((p) => pathDiagram(p)) : h('p', { class: 'hint' }, 'No detractor reaches this customer within the hop limit.'),
    );
  } catch (e) {
    mount(section, title, failure(e));
  }
}

const personName = (p: Person) => (p.id === null ? 'an opted-out customer' : (p.name ?? p.id));
const personNode = (p: Person) =>
  p.id === null ? h('span', { class: 'hop-node opted-out' }, 'opted out') : h('a', { class: `hop-node ${p.stance}`, href: `#/customers/${encodeURIComponent(p.id)}` }, p.name ?? p.id);

/** One path as a row of people joined by arrows; each arrow says why the listener listens. */
function pathDiagram(item: PathItem) {
  const steps = item.path.steps;
  const parts: Node[] = [];
  steps.forEach((s, i) => {
    if (i === 0) parts.push(personNode(s.from));
    const why = `${personName(s.to)} ${s.tie.kinds.map((k) => k.toLowerCase()).join(' + ')} ${personName(s.from)}${s.tie.interactions ? `, ${s.tie.interactions} interactions` : ''}${s.tie.sentiment !== null ? `, sentiment ${fmt(s.tie.sentiment, 2)}` : ''}; strength ${fmt(s.tie.strength, 2)}`;
    parts.push(h('span', { class: 'hop-arrow', title: why }, '→', h('span', { class: 'hop-why' }, why)));
    parts.push(personNode(s.to));
  });
  return h('div', { class: 'path' }, h('div', { class: 'hops' }, parts), h('p', { class: 'hint' }, `${item.hops} hop${item.hops > 1 ? 's' : ''}, path strength ${fmt(item.path.strength, 3)}`));
}

async function renderProof(section: HTMLElement, id: string, initial: string | null) {
  const title = section.firstElementChild!;
  const input = h('input', { id: 'proof-target', value: initial ?? '', placeholder: 'product:p1 or brand:b1', size: 24 });
  const out = h('div', { 'aria-live': 'polite' });
  const show = async () => {
    if (!input.value.trim()) {
      mount(out, h('p', { class: 'hint' }, 'Choose a brand or product (kind:id) to see how many of this customer’s connections engaged with it.'));
      return;
    }
    mount(out, loading());
    try {
      const p = await api.get<{ connections: number; engaged: number; positive: number; message: string; closest: { id: string; name: string | null; tie: { kind: string }; engagement: { kind: string; positive: boolean } }[] }>(
        `/v1/customers/${encodeURIComponent(id)}/social-proof${query({ target: input.value.trim() })}`,
      );
      mount(
        out,
        h('p', null, p.message),
        h('ul', null, p.closest.map((c) => h('li', null, h('a', { href: `#/customers/${encodeURIComponent(c.id)}` }, c.name ?? c.id), ` (${c.tie.kind.toLowerCase()}) — ${c.engagement.kind}${c.engagement.positive ? ', positive' : ''}`))),
      );
    } catch (e) {
      mount(out, failure(e));
    }
  };
  const form = h('form', { onsubmit: (e: Event) => (e.preventDefault(), void show()) }, h('label', { for: 'proof-target' }, 'Brand or product '), input, h('button', { type: 'submit' }, 'Show'));
  try {
    if (!initial) {
      const products = await api.get<{ items: { id: string }[] }>('/v1/products?limit=1');
      if (products.items[0]) input.value = `product:${products.items[0].id}`;
    }
  } catch {
    /* the form still works by hand */
  }
  mount(section, title, form, out);
  await show();
}
