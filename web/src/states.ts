/** Empty, loading and error states shared by every page: each failure says what to do next. */
import { ApiError } from './api.js';
import { h } from './dom.js';

export const loading = (what = 'Loading…') => h('p', { class: 'state loading', role: 'status', 'aria-live': 'polite' }, what);

export function empty(title: string, text: string, ...actions: Node[]) {
  return h('section', { class: 'state empty', 'data-state': 'empty', role: 'status' }, h('h2', null, title), h('p', null, text), actions.length ? h('p', null, actions) : null);
}

/** The state to show for a failed call. */
export function failure(error: unknown) {
  const e = error instanceof ApiError ? error : new ApiError(-1, 'CLIENT', error instanceof Error ? error.message : String(error));
  const box = (state: string, title: string, text: string, ...actions: Node[]) =>
    h('section', { class: `state error ${state}`, 'data-state': state, role: 'alert' }, h('h2', null, title), h('p', null, text), actions.length ? h('p', null, actions) : null);
  if (e.status === 401) {
    return box('unauthenticated', 'Your API key is missing or not valid', e.message, h('a', { class: 'button', href: '#/key' }, 'Enter a key'));
  }
  if (e.status === 403) return box('forbidden', 'Your key does not allow this', e.message, h('a', { class: 'button', href: '#/key' }, 'Use another key'));
  if (e.code === 'NO_COMPLETED_RUN') {
    return box(
      'no-run',
      'No completed analytics run yet',
      'Scores, rankings and the map come from the last completed analytics run. Load data, then start a run from the Overview page (needs a key with the write scope).',
      h('a', { class: 'button', href: '#/overview' }, 'Go to Overview'),
    );
  }
  if (e.status === 503) return box('unavailable', 'The database is not available', `${e.message} Try again in a moment.`, retryButton());
  if (e.status === 0) return box('unreachable', 'The service cannot be reached', e.message, retryButton());
  if (e.status === 404) return box('not-found', 'Not found', e.message);
  return box('failed', 'Something went wrong', `${e.message} (${e.code})`, retryButton());
}

const retryButton = () => h('button', { type: 'button', onclick: () => window.dispatchEvent(new HashChangeEvent('hashchange')) }, 'Retry');
