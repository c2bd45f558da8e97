/**
 * The customer page's stance section: for a brand chosen in a select (every brand the last run
 * scored), the current stance with its score, confidence and latest NPS; the evidence list, each
 * item with its date, what it is, its signal, weight and contribution to the score (a bar) and the
 * sentence that explains it, with the sum of contributions; and the stance in each kept run as a
 * sparkline and a table. Long evidence lists show 15 items and a button for the rest.
 */
import { api } from '../api.js';
import { fmt, h, mount } from '../dom.js';
import { empty, failure } from '../states.js';

interface EvidenceItem {
  kind: 'rating' | 'engagement' | 'content';
  id: string | null;
  at: string;
  value: number;
  engagementKind?: string;
  target?: { kind: string; id: string | null };
  ageDays: number;
  signal: number;
  weight: number;
  contribution: number;
  explanation: string;
}
interface BrandStance {
  brand: string;
  current: { stance: string; score: number | null; confidence: number; latestNps: number | null; npsClass: string | null; positive: number; negative: number; neutral: number };
  evidence: { items: EvidenceItem[]; totalWeight: number; contributionSum: number; matchesRun: boolean; laterEvidence: number };
  history: { runId: string; finishedAt: string; stance: string; score: number | null; latestNps: number | null }[];
}
interface CustomerStance {
  customerId: string;
  runId: string;
  computedAt: string;
  asOf: string | null;
  params: { halfLifeDays: number; npsWeight: number; engagementWeight: number; contentWeight: number; advocateThreshold: number; detractorThreshold: number };
  brands: BrandStance[];
}

/** Items shown before "Show all". */
const FIRST_ITEMS = 15;

const signed = (x: number | null, digits = 2) => (x === null ? '—' : `${x > 0 ? '+' : ''}${fmt(x, digits)}`);
const day = (iso: string) => iso.slice(0, 10);
const KIND_LABEL = { rating: 'NPS answer', engagement: 'Engagement', content: 'Post' } as const;

export async function renderStance(section: HTMLElement, id: string, wanted: string | null): Promise<void> {
  const title = section.firstElementChild!;
  try {
    const [s, names] = await Promise.all([
      api.get<CustomerStance>(`/v1/customers/${encodeURIComponent(id)}/stance`),
      api.get<{ items: { id: string; name?: string }[] }>('/v1/brands?limit=50').catch(() => ({ items: [] })),
    ]);
    if (s.brands.length === 0) {
      mount(section, title, empty('No brand scored', 'The last analytics run scored no brand. Load brands with NPS answers or engagements, then run analytics again.'));
      return;
    }
    const nameOf = new Map(names.items.map((b) => [b.id, b.name ?? b.id]));
    const select = h('select', { id: 'customer-stance-brand' }, s.brands.map((b) => h('option', { value: b.brand }, nameOf.get(b.brand) ?? b.brand)));
    if (wanted && s.brands.some((b) => b.brand === wanted)) select.value = wanted;
    const body = h('div');
    const show = () => mount(body, brandView(s, s.brands.find((b) => b.brand === select.value)!, nameOf.get(select.value) ?? select.value));
    select.addEventListener('change', show);
    mount(
      section,
      title,
      h('p', { class: 'inline' }, h('label', { for: 'customer-stance-brand' }, 'Brand'), select),
      h('p', { class: 'hint' }, `From run ${s.runId} (${new Date(s.computedAt).toLocaleString()}), evidence weighed as of ${s.asOf ? day(s.asOf) : '—'} with a half-life of ${fmt(s.params.halfLifeDays)} days.`),
      body,
    );
    show();
  } catch (e) {
    mount(section, title, failure(e));
  }
}

function brandView(s: CustomerStance, b: BrandStance, name: string) {
  const c = b.current;
  const row = (label: string, value: Node | string) => [h('dt', null, label), h('dd', null, value)];
  return h(
    'div',
    { class: 'brand-stance', 'data-brand': b.brand, 'data-current-stance': c.stance },
    h(
      'dl',
      { class: 'metrics' },
      row(`Stance toward ${name}`, h('strong', { class: `stance ${c.stance}` }, c.stance)),
      row('Score', `${signed(c.score)} (advocate ≥ ${signed(s.params.advocateThreshold)}, detractor ≤ ${signed(s.params.detractorThreshold)})`),
      row('Confidence', fmt(c.confidence, 2)),
      row('Latest NPS', c.latestNps === null ? 'no answer' : `${c.latestNps} (${c.npsClass})`),
      row('Evidence', `${c.positive} positive · ${c.negative} negative · ${c.neutral} neutral`),
    ),
    h('h3', null, `Evidence (${b.evidence.items.length})`),
    evidenceList(b, name),
    h('h3', null, 'History'),
    history(b),
  );
}

function evidenceList(b: BrandStance, name: string) {
  const later = b.evidence.laterEvidence > 0 ? ` ${b.evidence.laterEvidence} more item${b.evidence.laterEvidence > 1 ? 's are' : ' is'} dated after the run and will count in the next one.` : '';
  if (b.evidence.items.length === 0) {
    return empty('No stance evidence', `The run found no NPS answer, engagement or post about ${name} from this customer, so the stance is unknown.${later}`);
  }
  const max = Math.max(...b.evidence.items.map((x) => Math.abs(x.contribution)), 1e-9);
  const rowOf = (x: EvidenceItem) => {
    const what =
      x.kind === 'rating'
        ? `${x.value} / 10`
        : x.kind === 'engagement'
          ? `${x.engagementKind ?? ''}${x.target ? ` on ${x.target.kind} ${x.target.id ?? ''}` : ''}`
          : `sentiment ${signed(x.value)}`;
    const width = Math.round((Math.abs(x.contribution) / max) * 60);
    return h(
      'tr',
      { 'data-kind': x.kind, 'data-id': x.id ?? '' },
      h('td', null, day(x.at)),
      h('td', null, KIND_LABEL[x.kind]),
      h('td', null, what),
      h('td', { class: 'num' }, signed(x.signal)),
      h('td', { class: 'num' }, fmt(x.weight, 3)),
      h(
        'td',
        { class: 'num contribution' },
        h('span', { class: `bar ${x.contribution >= 0 ? 'pos' : 'neg'}`, style: `width:${width}px`, 'aria-hidden': 'true' }),
        signed(x.contribution, 3),
      ),
      h('td', { class: 'why' }, x.explanation),
    );
  };
  const tbody = h('tbody', null, b.evidence.items.slice(0, FIRST_ITEMS).map(rowOf));
  const rest = b.evidence.items.length - FIRST_ITEMS;
  const more =
    rest > 0
      ? h(
          'button',
          {
            type: 'button',
            class: 'link',
            onclick: (event: Event) => {
              tbody.append(...b.evidence.items.slice(FIRST_ITEMS).map(rowOf));
              (event.currentTarget as HTMLElement).remove();
            },
          },
          `Show all ${b.evidence.items.length} items`,
        )
      : null;
  return h(
    'div',
    null,
    h(
      'table',
      { class: 'compact evidence' },
      h('caption', null, `Each item’s contribution = weight × signal ÷ total weight (${fmt(b.evidence.totalWeight, 3)}); they sum to ${signed(b.evidence.contributionSum, 3)}, the stance score${b.evidence.matchesRun ? '' : ' (evidence changed since the run)'}.`),
      h(
        'thead',
        null,
        h('tr', null, ['Date', 'Kind', 'What', 'Signal', 'Weight', 'Contribution', 'Why'].map((t) => h('th', { scope: 'col' }, t))),
      ),
      tbody,
    ),
    more,
    later ? h('p', { class: 'hint' }, later.trim()) : null,
  );
}

/** The stance score over the kept runs (oldest left), with the ±thresholds, and the table behind it. */
function history(b: BrandStance) {
  if (b.history.length === 0) return h('p', { class: 'hint' }, 'No kept run has a stance for this customer yet.');
  const rows = [...b.history].reverse();
  const W = 240;
  const H = 60;
  const x = (i: number) => (rows.length === 1 ? W / 2 : (i / (rows.length - 1)) * (W - 16) + 8);
  const y = (v: number) => H - 6 - ((v + 1) / 2) * (H - 12);
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.setAttribute('class', 'sparkline');
  svg.setAttribute('aria-hidden', 'true');
  const zero = document.createElementNS('http://www.w3.org/2000/svg', 'line');
  for (const [k, v] of Object.entries({ x1: 0, x2: W, y1: y(0), y2: y(0) })) zero.setAttribute(k, String(v));
  const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
  line.setAttribute('points', rows.map((r, i) => (r.score === null ? null : `${x(i)},${y(r.score)}`)).filter(Boolean).join(' '));
  svg.append(zero, line);
  rows.forEach((r, i) => {
    if (r.score === null) return;
    const dot = document.createElementNS('http://www.w3.org/2000/svg', 'circle');
    dot.setAttribute('cx', String(x(i)));
    dot.setAttribute('cy', String(y(r.score)));
    dot.setAttribute('r', '3');
    dot.setAttribute('class', r.stance);
    svg.append(dot);
  });
  return h(
    'figure',
    null,
    svg,
    h('figcaption', { class: 'hint' }, b.history.length < 2 ? 'The trend appears after a second run.' : 'Stance score per run, oldest on the left (−1 to +1; the line marks 0).'),
    h(
      'table',
      { class: 'compact history' },
      h('thead', null, h('tr', null, ['Run finished', 'Stance', 'Score', 'Latest NPS'].map((t) => h('th', { scope: 'col' }, t)))),
      h(
        'tbody',
        null,
        b.history.map((r) =>
          h(
            'tr',
            { 'data-run-id': r.runId },
            h('td', null, new Date(r.finishedAt).toLocaleString()),
            h('td', null, h('span', { class: `stance ${r.stance}` }, r.stance)),
            h('td', { class: 'num' }, signed(r.score)),
            h('td', { class: 'num' }, r.latestNps === null ? '—' : String(r.latestNps)),
          ),
        ),
      ),
    ),
  );
}
