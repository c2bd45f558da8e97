/**
 * The customer graph model: one zod schema per kind of row the product accepts, shared by the
 * REST API, the NDJSON import and the CLI. Each kind states how it is keyed, what it references,
 * and how an event's id is derived when the caller gives none (so the same event sent twice is
 * stored once).
 *
 *   (:Customer)-[:FOLLOWS {since, weight}]->(:Customer)          directed
 *   (:Customer)-[:KNOWS {since, weight}]->(:Customer)            symmetric, stored once (from < to)
 *   (:Customer)-[:INTERACTED {id, kind, at, count, sentiment}]->(:Customer)
 *   (:Customer)-[:ENGAGED {id, kind, at, sentiment, channel}]->(:Brand|:Product|:Content|:Campaign)
 *   (:Customer)-[:RATED {id, score, at}]->(:Brand)               NPS answer 0..10
 *   (:Customer)-[:POSTED]->(:Content)-[:ABOUT]->(:Topic)
 *   (:Content)-[:MENTIONS]->(:Brand|:Product)
 *   (:Brand)-[:OFFERS]->(:Product), (:Brand)-[:RUNS]->(:Campaign)
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';

const idText = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[^\s]+$/, 'must not contain whitespace');
/** An external id: text, or an integer (kept as its decimal text, so 7 and "7" are the same id). */
const id = z
  .union([idText, z.int().transform((n) => String(n))], { error: 'must be text without whitespace (1 to 128 characters) or a safe integer' })
  .describe('Text without whitespace, or an integer (stored as text)');
const name = z.string().min(1).max(200);

/** The widest UTC offset a stored date-time can carry (the database refuses more). */
export const MAX_OFFSET_MINUTES = 18 * 60;
/** Epoch numbers from this value up are milliseconds; below it, seconds (1e11 s is the year 5138, 1e11 ms is 1973). */
export const EPOCH_MS_THRESHOLD = 1e11;
/** 9999-12-31T23:59:59.999Z: four-digit years only. */
const MAX_EPOCH_MS = 253_402_300_799_999;

/** Minutes of a date-time's UTC offset (0 for Z), or undefined when it has none. */
export function offsetMinutes(text: string): number | undefined {
  if (/z$/i.test(text)) return 0;
  const m = /([+-])(\d{2}):?(\d{2})$/.exec(text);
  return m ? Number(m[2]) * 60 + Number(m[3]) : undefined;
}

/** An epoch number (seconds below EPOCH_MS_THRESHOLD, milliseconds from it) as an ISO 8601 UTC date-time. */
export function epochToIso(value: number): string {
  return new Date(value >= EPOCH_MS_THRESHOLD ? value : value * 1000).toISOString();
}

const isoTimestamp = z.iso
  .datetime({ offset: true })
  .refine((t) => (offsetMinutes(t) ?? 0) <= MAX_OFFSET_MINUTES, 'the UTC offset must be between -18:00 and +18:00')
  .refine((t) => !/\.\d{10,}/.test(t), 'fractions of a second have at most 9 digits (nanoseconds)');
const epochTimestamp = z
  .number()
  .min(0, 'epoch times must not be negative')
  // seconds below EPOCH_MS_THRESHOLD all fall before the year 9999, so one bound on the number states it
  .max(MAX_EPOCH_MS, 'is after the year 9999')
  .transform(epochToIso);
const timestamp = z
  .union([isoTimestamp, epochTimestamp], {
    error: 'must be an ISO 8601 date-time with offset, or epoch seconds or milliseconds from 0 up to the year 9999',
  })
  .describe('ISO 8601 date-time with offset (at most ±18:00, at most 9 fraction digits), or epoch seconds (< 1e11) or milliseconds (≥ 1e11)');
const sentiment = z.number().min(-1, 'must be between -1 and 1').max(1, 'must be between -1 and 1');
const weight = z.number().gt(0, 'must be greater than 0').max(1000);
const attributeValue = z.union([z.string().max(500), z.number(), z.boolean()]);

/** A customer's free attributes: at most 50, named like identifiers, each value as `value` states. */
function attributesSchema(value: z.ZodType) {
  return z
    .record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,39}$/, 'attribute names are identifiers'), value)
    .refine((a) => Object.keys(a).length <= 50, 'at most 50 attributes');
}

/** The attributes of a merge patch: a null value removes that attribute (RFC 7396). */
export const ATTRIBUTES_PATCH = attributesSchema(attributeValue.nullable());

export const CONTENT_KINDS = ['post', 'review', 'video', 'comment'] as const;

/** The fields of each entity kind besides its id (shared by the upsert-one body and the bulk row). */
export const ENTITY_SHAPES = {
  customers: {
    name: name.optional(),
    handle: z.string().min(1).max(100).optional(),
    segment: z.string().min(1).max(50).optional(),
    region: z.string().min(1).max(50).optional(),
    optedOut: z.boolean().default(false).describe('Opted-out customers stay in the graph but are never listed'),
    createdAt: timestamp.optional(),
    attributes: attributesSchema(attributeValue).optional(),
  },
  brands: { name },
  products: { name, brandId: id.optional(), category: z.string().min(1).max(100).optional() },
  topics: { name },
  campaigns: { name, brandId: id.optional(), startsAt: timestamp.optional(), endsAt: timestamp.optional() },
  content: {
    authorId: id.describe('The Customer who posted it'),
    kind: z.enum(CONTENT_KINDS),
    createdAt: timestamp,
    sentiment: sentiment.optional(),
    topicIds: z.array(id).max(20).default([]),
    brandId: id.optional(),
    productId: id.optional(),
    text: z.string().max(10_000).optional(),
  },
} as const;
export type EntityKindName = keyof typeof ENTITY_SHAPES;

const campaignDates = (c: { startsAt?: string; endsAt?: string }) => !c.startsAt || !c.endsAt || Date.parse(c.startsAt) <= Date.parse(c.endsAt);
const CAMPAIGN_DATES = { message: 'must not be before startsAt', path: ['endsAt'] };

/** An entity row; `idRequired: false` gives the body of an upsert-one request (the id is in the path). */
export function entitySchema<K extends EntityKindName>(kind: K, idRequired = true) {
  const object = z.object({ id: idRequired ? id : id.optional(), ...ENTITY_SHAPES[kind] }).strict();
  return kind === 'campaigns' ? object.refine(campaignDates as (v: unknown) => boolean, CAMPAIGN_DATES) : object;
}

export const CustomerSchema = z.object({ id, ...ENTITY_SHAPES.customers }).strict().meta({ id: 'Customer' });
export const BrandSchema = z.object({ id, ...ENTITY_SHAPES.brands }).strict().meta({ id: 'Brand' });
export const ProductSchema = z.object({ id, ...ENTITY_SHAPES.products }).strict().meta({ id: 'Product' });
export const TopicSchema = z.object({ id, ...ENTITY_SHAPES.topics }).strict().meta({ id: 'Topic' });
export const CampaignSchema = z
  .object({ id, ...ENTITY_SHAPES.campaigns })
  .strict()
  .refine(campaignDates, CAMPAIGN_DATES)
  .meta({ id: 'Campaign' });
export const ContentSchema = z.object({ id, ...ENTITY_SHAPES.content }).strict().meta({ id: 'Content' });

export const TIE_KINDS = ['FOLLOWS', 'KNOWS'] as const;
export const TieSchema = z
  .object({
    from: id,
    to: id,
    kind: z.enum(TIE_KINDS),
    since: timestamp.optional(),
    weight: weight.default(1),
  })
  .strict()
  .refine((t) => t.from !== t.to, { message: 'a customer cannot tie to themselves', path: ['to'] })
  .meta({ id: 'Tie' });

export const INTERACTION_KINDS = ['mention', 'reply', 'share', 'like', 'comment', 'quote'] as const;
export const InteractionSchema = z
  .object({
    id: id.optional().describe('Derived from from, to, kind and at when absent'),
    from: id,
    to: id,
    kind: z.enum(INTERACTION_KINDS),
    at: timestamp,
    count: z.number().int().min(1).max(1_000_000).default(1),
    sentiment: sentiment.default(0),
  })
  .strict()
  .refine((i) => i.from !== i.to, { message: 'a customer cannot interact with themselves', path: ['to'] })
  .meta({ id: 'Interaction' });

export const ENGAGEMENT_TARGETS = ['brand', 'product', 'content', 'campaign'] as const;
export const ENGAGEMENT_KINDS = ['like', 'review', 'share', 'check-in', 'complaint', 'purchase', 'click', 'comment'] as const;
export const EngagementSchema = z
  .object({
    id: id.optional().describe('Derived from customerId, targetKind, targetId, kind and at when absent'),
    customerId: id,
    targetKind: z.enum(ENGAGEMENT_TARGETS),
    targetId: id,
    kind: z.enum(ENGAGEMENT_KINDS),
    at: timestamp,
    sentiment: sentiment.default(0),
    channel: z.string().min(1).max(50).optional(),
  })
  .strict()
  .meta({ id: 'Engagement' });

export const RatingSchema = z
  .object({
    id: id.optional().describe('Derived from customerId, brandId and at when absent'),
    customerId: id,
    brandId: id,
    score: z.number().int().min(0, 'an NPS answer is 0..10').max(10, 'an NPS answer is 0..10'),
    at: timestamp,
  })
  .strict()
  .meta({ id: 'Rating' });

export type Customer = z.infer<typeof CustomerSchema>;
export type Brand = z.infer<typeof BrandSchema>;
export type Product = z.infer<typeof ProductSchema>;
export type Topic = z.infer<typeof TopicSchema>;
export type Campaign = z.infer<typeof CampaignSchema>;
export type Content = z.infer<typeof ContentSchema>;
export type Tie = z.infer<typeof TieSchema>;
export type Interaction = z.infer<typeof InteractionSchema>;
export type Engagement = z.infer<typeof EngagementSchema>;
export type Rating = z.infer<typeof RatingSchema>;

/** Node labels of the referenceable entities, keyed by the names used in references. */
export const LABELS = {
  customer: 'Customer',
  brand: 'Brand',
  product: 'Product',
  topic: 'Topic',
  campaign: 'Campaign',
  content: 'Content',
} as const;
export type EntityRef = keyof typeof LABELS;

export interface Reference {
  entity: EntityRef;
  id: string;
  /** Field of the row that holds the reference, for the error path. */
  field: string;
}

interface KindSpec<S extends z.ZodType> {
  /** Plural path segment and CLI name. */
  kind: string;
  schema: S;
  /** Entity kinds are upserted by id and can be read back; event kinds are appended idempotently. */
  entity: EntityRef | null;
  references(row: z.infer<S>): Reference[];
}

const spec = <S extends z.ZodType>(s: KindSpec<S>) => s;

/** Every kind of row, in the order a full load should follow (entities before what references them). */
export const KINDS = {
  brands: spec({ kind: 'brands', schema: BrandSchema, entity: 'brand', references: () => [] }),
  topics: spec({ kind: 'topics', schema: TopicSchema, entity: 'topic', references: () => [] }),
  products: spec({
    kind: 'products',
    schema: ProductSchema,
    entity: 'product',
    references: (r) => (r.brandId ? [{ entity: 'brand', id: r.brandId, field: 'brandId' }] : []),
  }),
  campaigns: spec({
    kind: 'campaigns',
    schema: CampaignSchema,
    entity: 'campaign',
    references: (r) => (r.brandId ? [{ entity: 'brand', id: r.brandId, field: 'brandId' }] : []),
  }),
  customers: spec({ kind: 'customers', schema: CustomerSchema, entity: 'customer', references: () => [] }),
  content: spec({
    kind: 'content',
    schema: ContentSchema,
    entity: 'content',
    references: (r) => [
      { entity: 'customer', id: r.authorId, field: 'authorId' },
      ...r.topicIds.map((t, i) => ({ entity: 'topic' as const, id: t, field: `topicIds.${i}` })),
      ...(r.brandId ? [{ entity: 'brand' as const, id: r.brandId, field: 'brandId' }] : []),
      ...(r.productId ? [{ entity: 'product' as const, id: r.productId, field: 'productId' }] : []),
    ],
  }),
  ties: spec({
    kind: 'ties',
    schema: TieSchema,
    entity: null,
    references: (r) => [
      { entity: 'customer', id: r.from, field: 'from' },
      { entity: 'customer', id: r.to, field: 'to' },
    ],
  }),
  interactions: spec({
    kind: 'interactions',
    schema: InteractionSchema,
    entity: null,
    references: (r) => [
      { entity: 'customer', id: r.from, field: 'from' },
      { entity: 'customer', id: r.to, field: 'to' },
    ],
  }),
  engagements: spec({
    kind: 'engagements',
    schema: EngagementSchema,
    entity: null,
    references: (r) => [
      { entity: 'customer', id: r.customerId, field: 'customerId' },
      { entity: r.targetKind, id: r.targetId, field: 'targetId' },
    ],
  }),
  ratings: spec({
    kind: 'ratings',
    schema: RatingSchema,
    entity: null,
    references: (r) => [
      { entity: 'customer', id: r.customerId, field: 'customerId' },
      { entity: 'brand', id: r.brandId, field: 'brandId' },
    ],
  }),
};

export type KindName = keyof typeof KINDS;
export const KIND_NAMES = Object.keys(KINDS) as KindName[];
export type RowOf<K extends KindName> = z.infer<(typeof KINDS)[K]['schema']>;

/** A stable id for an event row without one: a hash of the fields that make it the same event. */
export function deriveEventId(prefix: string, ...parts: (string | number)[]): string {
  return `${prefix}_${createHash('sha1').update(parts.join('\u0000')).digest('hex').slice(0, 20)}`;
}

/** Fills in derived ids and canonical orientation, so that equal events get equal keys. */
export function normalizeRow<K extends KindName>(kind: K, row: RowOf<K>): RowOf<K> {
  switch (kind) {
    case 'ties': {
      const t = row as Tie;
      return (t.kind === 'KNOWS' && t.from > t.to ? { ...t, from: t.to, to: t.from } : t) as RowOf<K>;
    }
    case 'interactions': {
      const i = row as Interaction;
      return { ...i, id: i.id ?? deriveEventId('i', i.from, i.to, i.kind, Date.parse(i.at)) } as RowOf<K>;
    }
    case 'engagements': {
      const e = row as Engagement;
      return { ...e, id: e.id ?? deriveEventId('e', e.customerId, e.targetKind, e.targetId, e.kind, Date.parse(e.at)) } as RowOf<K>;
    }
    case 'ratings': {
      const r = row as Rating;
      return { ...r, id: r.id ?? deriveEventId('r', r.customerId, r.brandId, Date.parse(r.at)) } as RowOf<K>;
    }
    default:
      return row;
  }
}
