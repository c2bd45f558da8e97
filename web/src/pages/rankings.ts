/**
 * Super users and the other ranked lists (advocates, detractors, trust, topic experts): the
 * filters and weights the API offers, sorting, cursor paging, each row's explanation and
 * components, and "Export CSV" (the same query with format=csv, fetched with the key).
 * The whole state lives in the URL (#/super-users?tab=…&segment=…), so a view can be shared.
 */
import { api, query } from '../api.js';
import { download, fmt, h, mount } from '../dom.js';
import { empty, failure, loading } from '../states.js';

interface Component {
  value: number | null;
  percentile: number;
  weight: number;
}
interface Row {
  rank: number;
  id: string;
  name: string | null;
  segment: string | null;
  region: string | null;
  community: number | null;
  influence: number;
  reach1?: number | null;
  reach2?: number | null;
  score?: number;
  components?: Record<string, Component>;
  explanation: string;
  stance?: { stance: string; score: number | null };
  trust?: { trust: number | null; distrust: number | null; netTrust: number | null };
}

const TABS = {
  'super-users': { label: 'Super users', path: '/v1/super-users', weights: true, sorts: ['influence', 'pagerank', 'reach', 'amplification', 'bridging'] },
  advocates: { label: 'Advocates', path: '/v1/advocates', weights: true, sorts: [] },
  detractors: { label: 'Detractors', path: '/v1/detractors', weights: true, sorts: [] },
  trust: { label: 'Trust', path: '/v1/trust', weights: true, sorts: ['netTrust', 'trust', 'distrust'] },
  experts: { label: 'Topic experts', path: '', weights: false, sorts: [] },
} as const;
type Tab = keyof typeof TABS;

const FILTERS = ['community', 'segment', 'region', 'tier', 'minReach'] as const;
const WEIGHTS = ['pagerankWeight', 'reachWeight', 'amplificationWeight', 'bridgingWeight'] as const;
const TIERS = ['', 'creator', 'contributor', 'lurker'];

export async function rankingsPage(el: HTMLElement, params: URLSearchParams): Promise<void> {
  const tab = (params.get('tab') ?? 'super-users') as Tab;
  const spec = TABS[tab] ?? TABS['super-users'];
  const go = (next: URLSearchParams) => (location.hash = `#/super-users?${next.toString()}`);

  const tabs = h(
    'div',
    { class: 'tabs', role: 'navigation', 'aria-label': 'Lists' },
    (Object.keys(TABS) as Tab[]).map((t) =>
      h('a', { href: `#/super-users?tab=${t}`, 'aria-current': t === tab ? 'page' : undefined, class: t === tab ? 'active' : '' }, TABS[t].label),
    ),
  );

  const field = (name: string, label: string, input: HTMLInputElement | HTMLSelectElement) => {
    input.id = `f-${name}`;
    input.name = name;
    return h('label', { for: input.id }, label, input);
  };
  const text = (name: string, type = 'text') => h('input', { type, value: params.get(name) ?? '', min: type === 'number' ? 0 : undefined, size: 8 });
  const controls: (HTMLInputElement | HTMLSelectElement)[] = [];
  const add = <T extends HTMLInputElement | HTMLSelectElement>(c: T) => (controls.push(c), c);

  let topicSelect: HTMLSelectElement | undefined;
  if (tab === 'experts') {
    topicSelect = add(h('select', null, h('option', { value: '' }, 'Choose a topic')));
    topicSelect.value = '';
    try {
      const topics = await api.get<{ items: { id: string; name?: string }[] }>('/v1/topics?limit=200');
      for (const t of topics.items) topicSelect.append(h('option', { value: t.id, selected: t.id === params.get('topic') }, t.name ?? t.id));
    } catch (e) {
      mount(el, h('h1', null, 'Ranked customers'), tabs, failure(e));
      return;
    }
  }

  const form = h(
    'form',
    {
      class: 'filters',
      onsubmit: (event: Event) => {
        event.preventDefault();
        const next = new URLSearchParams({ tab });
        for (const c of controls) if (c.value !== '') next.set(c.name, c.value);
        go(next);
      },
    },
    topicSelect ? field('topic', 'Topic', topicSelect) : null,
    FILTERS.map((f) =>
      f === 'tier'
        ? field(f, 'Tier', add(h('select', null, TIERS.map((t) => h('option', { value: t, selected: params.get(f) === t }, t || 'any')))))
        : field(f, f === 'minReach' ? 'Min. reach (2 hops)' : f[0].toUpperCase() + f.slice(1), add(text(f, f === 'community' || f === 'minReach' ? 'number' : 'text'))),
    ),
    spec.weights
      ? h('fieldset', null, h('legend', null, 'Weights (0–100; leave empty for the defaults)'), WEIGHTS.map((w) => field(w, w.replace('Weight', ''), add(text(w, 'number')))))
      : null,
    spec.sorts.length
      ? field('sort', 'Sort by', add(h('select', null, spec.sorts.map((s) => h('option', { value: s, selected: params.get('sort') === s }, s)))))
      : null,
    h('button', { type: 'submit' }, 'Apply'),
  );

  const results = h('div', { class: 'results' }, loading());
  mount(el, h('h1', null, 'Ranked customers'), tabs, form, results);

  if (tab === 'experts' && !params.get('topic')) {
    mount(results, empty('Choose a topic', 'Topic experts are ranked per topic: pick one above and apply.'));
    return;
  }
  const base = tab === 'experts' ? `/v1/topics/${encodeURIComponent(params.get('topic')!)}/experts` : spec.path;
  const q: Record<string, string> = {};
  for (const [k, v] of params) if (k !== 'tab' && k !== 'cursor' && (k !== 'topic' || tab !== 'experts')) q[k] = v;
  const limit = 25;
  try {
    const page = await api.get<{ items: Row[]; nextCursor?: string; runId: string }>(base + query({ ...q, limit, cursor: params.get('cursor') }));
    const exportButton = h('button', {
      type: 'button',
      id: 'export-csv',
      onclick: async () => {
        exportButton.disabled = true;
        try {
          download(`${tab}.csv`, await api.text(base + query({ ...q, format: 'csv', limit: 100000 })));
        } catch (e) {
          results.prepend(failure(e));
        } finally {
          exportButton.disabled = false;
        }
      },
    }, 'Export CSV');
    if (page.items.length === 0) {
      mount(results, empty('No customers match', 'Nobody in the last run matches these filters. Loosen them and apply again.'));
      return;
    }
    const nav = h(
      'p',
      { class: 'paging' },
      params.get('cursor') ? h('a', { class: 'button', href: `#/super-users?${without(params, 'cursor')}` }, 'First page') : null,
      page.nextCursor ? h('a', { class: 'button', id: 'next-page', href: `#/super-users?${withParam(params, 'cursor', page.nextCursor)}` }, 'Next page') : null,
      exportButton,
    );
    mount(results, table(tab, page.items), nav, h('p', { class: 'hint' }, `From run ${page.runId}.`));
  } catch (e) {
    mount(results, failure(e));
  }
}

function table(tab: Tab, rows: Row[]) {
  const extra = tab === 'trust' ? 'Net trust' : tab === 'advocates' || tab === 'detractors' ? 'Stance' : tab === 'experts' ? 'Expert score' : 'Reach (1 / 2 hops)';
  return h(
    'table',
    { class: 'ranking', 'data-tab': tab },
    h('caption', { class: 'sr-only' }, TABS[tab].label),
    h('thead', null, h('tr', null, ['#', 'Customer', 'Segment', 'Region', 'Community', 'Influence', extra, 'Why'].map((c) => h('th', { scope: 'col' }, c)))),
    h(
      'tbody',
      null,
      rows.map((r) =>
        h(
          'tr',
          { 'data-id': r.id },
          h('td', null, r.rank),
          h('td', null, h('a', { href: `#/customers/${encodeURIComponent(r.id)}` }, r.name ?? r.id)),
          h('td', null, r.segment ?? '—'),
          h('td', null, r.region ?? '—'),
          h('td', null, r.community === null ? '—' : h('a', { href: `#/map/${r.community}` }, String(r.community))),
          h('td', { class: 'num' }, fmt(r.influence, 1)),
          h(
            'td',
            { class: 'num' },
            tab === 'trust' ? fmt(r.trust?.netTrust, 3) : r.stance ? `${r.stance.stance} (${fmt(r.stance.score, 2)})` : tab === 'experts' ? fmt(r.score, 2) : `${fmt(r.reach1)} / ${fmt(r.reach2)}`,
          ),
          h(
            'td',
            null,
            h(
              'details',
              null,
              h('summary', null, r.explanation),
              r.components
                ? h('dl', { class: 'components' }, Object.entries(r.components).map(([k, c]) => [h('dt', null, k), h('dd', null, `value ${fmt(c.value, 4)}, percentile ${fmt(c.percentile, 1)}, weight ${fmt(c.weight, 2)}`)]))
                : null,
            ),
          ),
        ),
      ),
    ),
  );
}

function without(params: URLSearchParams, key: string) {
  const next = new URLSearchParams(params);
  next.delete(key);
  return next.toString();
}
function withParam(params: URLSearchParams, key: string, value: string) {
  const next = new URLSearchParams(params);
  next.set(key, value);
  return next.toString();
}
