/**
 * The dashboard shell: the key prompt, the navigation and a hash router (#/overview,
 * #/super-users, #/customers/<id>, #/map, #/map/<community>, #/planner). Pages are functions that
 * fill a container; every page handles its own empty and error states.
 */
import './styles.css';
import { api, ApiError, session } from './api.js';
import { h, mount } from './dom.js';
import { failure } from './states.js';
import { overviewPage } from './pages/overview.js';
import { rankingsPage } from './pages/rankings.js';
import { customerPage } from './pages/customer.js';
import { mapPage } from './pages/map.js';
import { plannerPage } from './pages/planner.js';

const root = document.getElementById('root')!;
const NAV = [
  ['overview', 'Overview'],
  ['super-users', 'Super users'],
  ['map', 'Community map'],
  ['planner', 'Campaign planner'],
] as const;

export interface Me {
  name: string;
  scope: 'read' | 'write' | 'admin';
}
let me: Me | undefined;
export const currentScope = () => me?.scope;

function keyPrompt(message?: string) {
  const input = h('input', { id: 'api-key', name: 'api-key', type: 'password', autocomplete: 'off', required: true, 'aria-describedby': 'key-help' });
  const error = h('p', { class: 'form-error', role: 'alert' }, message ?? '');
  const form = h(
    'form',
    {
      class: 'key-prompt',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        session.set(input.value.trim());
        try {
          me = await api.get<Me>('/v1/me');
          if (!location.hash || location.hash === '#/key') location.hash = '#/overview';
          else await route();
        } catch (e) {
          session.clear();
          error.textContent = e instanceof ApiError && e.status === 401 ? 'This key is not valid.' : e instanceof Error ? e.message : String(e);
          input.focus();
        }
      },
    },
    h('h1', null, 'Influence graph'),
    h('label', { for: 'api-key' }, 'API key'),
    input,
    h('p', { id: 'key-help', class: 'hint' }, 'Paste the key printed when the service started (or one your administrator gave you). It stays in this browser tab only and is sent to the API, never stored in the page.'),
    error,
    h('button', { type: 'submit' }, 'Open dashboard'),
  );
  mount(root, h('main', { id: 'main' }, form));
  input.focus();
}

function shell(active: string, content: HTMLElement) {
  const nav = h(
    'nav',
    { 'aria-label': 'Pages' },
    NAV.map(([id, label]) => h('a', { href: `#/${id}`, 'aria-current': id === active ? 'page' : undefined }, label)),
  );
  const header = h(
    'header',
    null,
    h('span', { class: 'brand' }, 'Influence graph'),
    nav,
    h(
      'span',
      { class: 'who' },
      me ? `${me.name} (${me.scope})` : '',
      h('button', { type: 'button', class: 'link', onclick: () => { session.clear(); me = undefined; location.hash = '#/key'; } }, 'Forget key'),
    ),
  );
  const main = h('main', { id: 'main', tabindex: -1 }, content);
  mount(root, header, main);
  // After a navigation, keyboard focus starts at the new page's content.
  if (navigated) main.focus({ preventScroll: true });
}

let navigated = false;

async function route(): Promise<void> {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path, search = ''] = hash.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(search);
  if (!session.key() || parts[0] === 'key') return keyPrompt(parts[0] === 'key' ? undefined : undefined);
  if (!me) {
    try {
      me = await api.get<Me>('/v1/me');
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        session.clear();
        return keyPrompt('The key kept in this tab is no longer valid.');
      }
      const content = h('div');
      shell('', content);
      mount(content, failure(e));
      return;
    }
  }
  const content = h('div', { class: 'page' });
  const page = parts[0] ?? 'overview';
  shell(page === 'customers' ? 'super-users' : page, content);
  switch (page) {
    case 'super-users':
      return rankingsPage(content, params);
    case 'customers':
      return customerPage(content, parts[1] ?? '', params);
    case 'map':
      return mapPage(content, parts[1]);
    case 'planner':
      return plannerPage(content);
    default:
      return overviewPage(content);
  }
}

window.addEventListener('hashchange', () => {
  navigated = true;
  void route();
});
void route();
