/**
 * Calls the public /v1 API with the key the user typed (kept in sessionStorage only, never in the
 * page). Failures become ApiError with the HTTP status and the problem+json code.
 */
const KEY = 'influence-graph.api-key';

export const session = {
  key: (): string | null => sessionStorage.getItem(KEY),
  set: (key: string) => sessionStorage.setItem(KEY, key),
  clear: () => sessionStorage.removeItem(KEY),
};

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function call(method: string, path: string, body?: unknown, accept = 'application/json'): Promise<Response> {
  const headers: Record<string, string> = { accept };
  const key = session.key();
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'UNREACHABLE', 'The service cannot be reached. Is it running?');
  }
  if (!res.ok) {
    let code = 'HTTP_' + res.status;
    let message = res.statusText;
    try {
      const problem = (await res.json()) as { code?: string; detail?: string; title?: string; message?: string };
      code = problem.code ?? code;
      message = problem.detail ?? problem.message ?? problem.title ?? message;
    } catch {
      /* not problem+json */
    }
    throw new ApiError(res.status, code, message);
  }
  return res;
}

export const api = {
  get: async <T>(path: string): Promise<T> => (await call('GET', path)).json() as Promise<T>,
  post: async <T>(path: string, body: unknown = {}): Promise<T> => (await call('POST', path, body)).json() as Promise<T>,
  text: async (path: string): Promise<string> => (await call('GET', path, undefined, 'text/csv')).text(),
};

/** A query string from the defined, non-empty values. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
