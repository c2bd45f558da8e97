/**
 * Community map drawn with sigma.js (WebGL) from a graphology graph. Positions come from the
 * server (a ForceAtlas2 layout computed once per analytics run), never from the browser.
 * #/map shows communities as nodes (size = members, ties between communities as weighted edges);
 * #/map/<id> opens one community's members, coloured by community, sized by influence, with
 * detractors marked. Clicking (or choosing in the list, by keyboard) opens the community or the
 * customer page.
 */
import Graph from 'graphology';
import Sigma from 'sigma';
import { api } from '../api.js';
import { fmt, h, mount } from '../dom.js';
import { empty, failure, loading } from '../states.js';

interface MapEdge {
  source: string;
  target: string;
  weight: number;
}
interface CommunityNode {
  id: number;
  size: number;
  x: number;
  y: number;
  influence: number;
  detractors: number;
  topMember: { id: string; name: string | null } | null;
}
interface MemberNode {
  id: string;
  name: string | null;
  x: number;
  y: number;
  influence: number;
  community: number;
  detractor: boolean;
}

const PALETTE = ['#1f77b4', '#ff7f0e', '#9467bd', '#17becf', '#8c564b', '#e377c2', '#bcbd22', '#7f7f7f', '#393b79', '#3182bd', '#8c6d31', '#6b6ecf'];
const DETRACTOR = '#d62728';
export const communityColour = (c: number) => PALETTE[((c % PALETTE.length) + PALETTE.length) % PALETTE.length];

let active: Sigma | undefined;

export async function mapPage(el: HTMLElement, community?: string): Promise<void> {
  active?.kill();
  active = undefined;
  const stage = h('div', { class: 'map-stage', id: 'map-stage', role: 'img', 'aria-label': 'Community map' });
  const side = h('aside', { class: 'map-side' }, loading());
  const title = h('h1', null, community === undefined ? 'Community map' : `Community ${community}`);
  mount(el, title, h('div', { class: 'map' }, stage, side));
  try {
    if (community === undefined) await aggregated(stage, side);
    else await members(stage, side, Number(community));
  } catch (e) {
    stage.remove();
    mount(side, failure(e));
  }
}

async function aggregated(stage: HTMLElement, side: HTMLElement) {
  const view = await api.get<{ runId: string; customers: number; nodes: CommunityNode[]; edges: MapEdge[] }>('/v1/map/communities?limit=500');
  if (view.nodes.length === 0) {
    stage.remove();
    mount(side, empty('No communities', 'The last run found no communities (no customers or no ties).'));
    return;
  }
  const graph = new Graph({ type: 'undirected', multi: false });
  const maxSize = Math.max(...view.nodes.map((n) => n.size));
  for (const n of view.nodes) {
    graph.addNode(String(n.id), {
      x: n.x,
      y: n.y,
      size: 4 + 22 * Math.sqrt(n.size / maxSize),
      color: communityColour(n.id),
      label: `${n.id} · ${fmt(n.size)} members${n.detractors ? ` · ${fmt(n.detractors)} detractors` : ''}`,
    });
  }
  const maxW = Math.max(1, ...view.edges.map((e) => e.weight));
  for (const e of view.edges) {
    if (graph.hasNode(e.source) && graph.hasNode(e.target) && !graph.hasEdge(e.source, e.target)) graph.addEdge(e.source, e.target, { size: 0.5 + 4 * (e.weight / maxW), color: '#ccc' });
  }
  draw(stage, graph, (node) => (location.hash = `#/map/${node}`));
  mount(
    side,
    h('p', null, `${fmt(view.nodes.length)} communities, ${fmt(view.customers)} customers, run ${view.runId}. Size = members; edges = ties between communities. Choose one to open its members.`),
    h('ol', { class: 'map-list' }, view.nodes.slice(0, 30).map((n) =>
      h('li', null, h('a', { href: `#/map/${n.id}` }, h('span', { class: 'swatch', style: `background:${communityColour(n.id)}` }), `Community ${n.id}`), ` — ${fmt(n.size)} members${n.topMember ? `, led by ${n.topMember.name ?? n.topMember.id}` : ''}${n.detractors ? `, ${fmt(n.detractors)} detractors` : ''}`),
    )),
  );
}

async function members(stage: HTMLElement, side: HTMLElement, community: number) {
  const view = await api.get<{ runId: string; community: number; total: number; nodes: MemberNode[]; edges: MapEdge[] }>(`/v1/map/communities/${community}?limit=3000`);
  if (view.nodes.length === 0) {
    stage.remove();
    mount(side, empty('No members to show', 'Every member of this community has opted out or been erased.'));
    return;
  }
  const graph = new Graph({ type: 'undirected', multi: false });
  const maxInfluence = Math.max(1, ...view.nodes.map((n) => n.influence));
  for (const n of view.nodes) {
    graph.addNode(n.id, {
      x: n.x,
      y: n.y,
      size: 2 + 12 * (n.influence / maxInfluence),
      color: n.detractor ? DETRACTOR : communityColour(n.community),
      label: `${n.name ?? n.id}${n.detractor ? ' (detractor)' : ''}`,
    });
  }
  for (const e of view.edges) if (graph.hasNode(e.source) && graph.hasNode(e.target) && !graph.hasEdge(e.source, e.target)) graph.addEdge(e.source, e.target, { size: 0.5, color: '#ddd' });
  draw(stage, graph, (node) => (location.hash = `#/customers/${encodeURIComponent(node)}`));
  const top = [...view.nodes].sort((a, b) => b.influence - a.influence).slice(0, 25);
  mount(
    side,
    h('p', null, h('a', { href: '#/map' }, '← All communities')),
    h('p', null, `${fmt(view.nodes.length)} of ${fmt(view.total)} members drawn (most influential first), run ${view.runId}. Size = influence; `, h('span', { class: 'swatch', style: `background:${DETRACTOR}` }), ' detractors.'),
    h('ol', { class: 'map-list' }, top.map((n) => h('li', null, h('a', { href: `#/customers/${encodeURIComponent(n.id)}` }, n.name ?? n.id), ` — influence ${fmt(n.influence, 1)}${n.detractor ? ' — detractor' : ''}`))),
  );
}

function draw(stage: HTMLElement, graph: Graph, open: (node: string) => void) {
  const sigma = new Sigma(graph, stage, { renderEdgeLabels: false, labelRenderedSizeThreshold: 10, hideEdgesOnMove: graph.size > 20_000 });
  sigma.on('clickNode', ({ node }) => open(node));
  sigma.on('enterNode', () => (stage.style.cursor = 'pointer'));
  sigma.on('leaveNode', () => (stage.style.cursor = ''));
  stage.dataset.nodes = String(graph.order);
  active = sigma;
}
