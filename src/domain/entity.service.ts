/**
 * Reading stored entities, and the privacy operations on customers: export everything held about
 * one, or erase them with their ties, events, content and every stored score; listeners registered
 * with onErased (the read model, retained uploads) hear of each erasure before the request answers.
 */
import { AppError, notFound } from './errors.js';
import type { EntityRef } from './model.js';

export interface TieView {
  type: string;
  direction: 'in' | 'out';
  other: { label: string; id: string };
  properties: Record<string, unknown>;
}

export interface EntityView {
  properties: Record<string, unknown>;
  /** Relationship counts by type and direction. */
  counts: Record<string, { in: number; out: number }>;
  /** Up to 100 relationships, strongest first. */
  ties: TieView[];
}

export interface EntityListQuery {
  limit: number;
  /** Only ids after this one (the cursor). */
  after?: string;
  filters: Record<string, string | boolean | undefined>;
}

export interface EntityReadRepository {
  get(entity: EntityRef, id: string): Promise<EntityView | undefined>;
  list(entity: EntityRef, query: EntityListQuery): Promise<Record<string, unknown>[]>;
  count(entity: EntityRef): Promise<number>;
  exportCustomer(id: string): Promise<Record<string, unknown> | undefined>;
  eraseCustomer(id: string): Promise<{ erased: boolean; content: number; scores: number }>;
}

export interface Page<T> {
  items: T[];
  /** Pass as `cursor` to get the next page; absent on the last page. */
  nextCursor?: string;
}

export const encodeCursor = (value: string): string => Buffer.from(JSON.stringify({ a: value }), 'utf8').toString('base64url');

export function decodeCursor(cursor: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { a?: unknown };
    if (typeof parsed.a === 'string') return parsed.a;
  } catch {
    // fall through
  }
  throw new AppError('VALIDATION_FAILED', 400, 'The cursor is not valid', {
    problems: [{ path: ['query', 'cursor'], message: 'not a cursor this API returned', code: 'invalid_cursor' }],
  });
}

const ENTITY_NAMES: Record<EntityRef, string> = {
  customer: 'Customer',
  brand: 'Brand',
  product: 'Product',
  topic: 'Topic',
  campaign: 'Campaign',
  content: 'Content',
};

/** Told of each erasure after it has committed (the read model, retained uploads). */
export type ErasureListener = (id: string) => Promise<void> | void;

export class EntityService {
  private readonly erasureListeners: ErasureListener[] = [];

  constructor(private readonly repo: EntityReadRepository) {}

  /** Registers a listener run after each erasure, before the request answers. */
  onErased(listener: ErasureListener): void {
    this.erasureListeners.push(listener);
  }

  async get(entity: EntityRef, id: string): Promise<EntityView> {
    const view = await this.repo.get(entity, id);
    if (!view) throw notFound(ENTITY_NAMES[entity], id);
    return view;
  }

  async list(entity: EntityRef, limit: number, cursor: string | undefined, filters: EntityListQuery['filters']): Promise<Page<Record<string, unknown>>> {
    const items = await this.repo.list(entity, { limit: limit + 1, after: cursor ? decodeCursor(cursor) : undefined, filters });
    if (items.length <= limit) return { items };
    const page = items.slice(0, limit);
    return { items: page, nextCursor: encodeCursor(String(page[page.length - 1].id)) };
  }

  count(entity: EntityRef): Promise<number> {
    return this.repo.count(entity);
  }

  async exportCustomer(id: string): Promise<Record<string, unknown>> {
    const doc = await this.repo.exportCustomer(id);
    if (!doc) throw notFound('Customer', id);
    return { exportedAt: new Date().toISOString(), ...doc };
  }

  async eraseCustomer(id: string): Promise<{ id: string; erased: true; content: number; scores: number }> {
    const result = await this.repo.eraseCustomer(id);
    if (!result.erased) throw notFound('Customer', id);
    // Every listener runs even when one fails; the first failure is then reported.
    const outcomes = await Promise.allSettled(this.erasureListeners.map(async (listener) => listener(id)));
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failed) throw failed.reason;
    return { id, erased: true, content: result.content, scores: result.scores };
  }
}
