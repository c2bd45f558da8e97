/**
 * Input the schemas cannot see, refused before validation as 400 VALIDATION_FAILED with the path of
 * each problem:
 * - a lone UTF-16 surrogate in any string (or key) of the path parameters, the query or a JSON body
 *   — JSON.parse turns "\ud800" into one, and the database would silently replace it;
 * - an empty value for a numeric query parameter (`?community=`), which number coercion would read
 *   as 0.
 * Cost: one pass over the parsed input per request.
 */
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { AppError, type Problem } from '../../domain/errors.js';

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** True when the text holds a high surrogate without its low half, or a low one without its high half. */
export const hasLoneSurrogate = (text: string): boolean => LONE_SURROGATE.test(text);

const MAX_PROBLEMS = 20;

/** Paths of every string (or object key) holding a lone surrogate, up to MAX_PROBLEMS. */
export function loneSurrogatePaths(value: unknown): (string | number)[][] {
  const found: (string | number)[][] = [];
  const path: (string | number)[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      if (hasLoneSurrogate(v)) found.push([...path]);
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length && found.length < MAX_PROBLEMS; i++) {
        path.push(i);
        walk(v[i]);
        path.pop();
      }
    } else if (v !== null && typeof v === 'object' && !ArrayBuffer.isView(v) && typeof (v as { pipe?: unknown }).pipe !== 'function') {
      for (const key in v) {
        if (found.length >= MAX_PROBLEMS) break;
        if (!Object.prototype.hasOwnProperty.call(v, key)) continue;
        path.push(key);
        if (hasLoneSurrogate(key)) found.push([...path]);
        else walk((v as Record<string, unknown>)[key]);
        path.pop();
      }
    }
  };
  walk(value);
  return found;
}

interface ZodLike {
  _zod?: { def?: { type?: string; innerType?: ZodLike; in?: ZodLike; shape?: Record<string, ZodLike> } };
  shape?: Record<string, ZodLike>;
}

/** Whether a (possibly optional, defaulted or piped) zod schema reads a number. */
function isNumeric(schema: ZodLike | undefined): boolean {
  for (let depth = 0; schema && depth < 10; depth++) {
    const def = schema._zod?.def;
    if (!def) return false;
    if (def.type === 'number' || def.type === 'int' || def.type === 'bigint') return true;
    schema = def.innerType ?? def.in;
  }
  return false;
}

/** Names of the numeric fields of a route's querystring schema, computed once per schema. */
const numericFieldsCache = new WeakMap<object, Set<string>>();
function numericFields(schema: unknown): Set<string> {
  if (!schema || typeof schema !== 'object') return new Set();
  let fields = numericFieldsCache.get(schema);
  if (!fields) {
    const z = schema as ZodLike;
    const shape = z.shape ?? z._zod?.def?.shape ?? {};
    fields = new Set(Object.entries(shape).filter(([, field]) => isNumeric(field)).map(([name]) => name));
    numericFieldsCache.set(schema, fields);
  }
  return fields;
}

export const inputPlugin = fp(
  async (app: FastifyInstance) => {
    app.addHook('preValidation', async (request) => {
      const problems: Problem[] = [];
      const query = request.query as Record<string, unknown> | undefined;
      const numeric = numericFields(request.routeOptions.schema?.querystring);
      if (query && numeric.size > 0) {
        for (const name of numeric) {
          const value = query[name];
          const values = Array.isArray(value) ? value : [value];
          if (values.some((v) => typeof v === 'string' && v.trim() === '')) {
            problems.push({ path: ['query', name], message: 'must be a number; the value is empty', code: 'empty_number' });
          }
        }
      }
      for (const [part, value] of [
        ['params', request.params],
        ['query', query],
        ['body', request.body],
      ] as const) {
        for (const path of loneSurrogatePaths(value)) {
          problems.push({ path: [part, ...path], message: 'contains a lone UTF-16 surrogate (not valid Unicode text)', code: 'lone_surrogate' });
        }
      }
      if (problems.length > 0) {
        throw new AppError('VALIDATION_FAILED', 400, `The request is invalid: ${problems.length} problem(s)`, { problems });
      }
    });
  },
  { name: 'input', dependencies: ['errors'] },
);
