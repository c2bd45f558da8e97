/**
 * The ingestion format: one NDJSON file per kind, one object of the matching type per line.
 * Plain types (no runtime schema) shared by the generator and by the code that reads its files.
 * Timestamps are ISO 8601 strings in UTC; sentiments are in [-1, 1].
 */

export type CustomerSegment = 'consumer' | 'prosumer' | 'business' | 'vip';
export type Stance = 'advocate' | 'passive' | 'detractor';
export type TieKind = 'FOLLOWS' | 'KNOWS';
export type InteractionKind = 'mention' | 'reply' | 'share' | 'like' | 'comment';
export type ContentKind = 'post' | 'review' | 'video' | 'comment';
export type EngagementTargetKind = 'brand' | 'product' | 'content' | 'campaign';
export type EngagementKind =
  | 'like'
  | 'review'
  | 'share'
  | 'check-in'
  | 'complaint'
  | 'purchase'
  | 'click';

/** Flat attributes only (Neo4j properties cannot nest). */
export type CustomerAttributes = Record<string, string | number | boolean>;

export interface CustomerRow {
  id: string;
  name: string;
  handle: string;
  segment: CustomerSegment;
  region: string;
  optedOut: boolean;
  createdAt: string;
  attributes?: CustomerAttributes;
}

export interface BrandRow {
  id: string;
  name: string;
}

export interface ProductRow {
  id: string;
  name: string;
  brandId: string;
  category: string;
}

export interface TopicRow {
  id: string;
  name: string;
}

export interface CampaignRow {
  id: string;
  name: string;
  brandId: string;
  startsAt: string;
  endsAt: string;
}

/** A social tie. KNOWS is symmetric and appears once per pair, with `from < to`. */
export interface TieRow {
  from: string;
  to: string;
  kind: TieKind;
  since: string;
  /** Tie strength in (0, 1]. */
  weight: number;
}

/** `from` addressed or amplified `to` (`count` times, the last at `at`). */
export interface InteractionRow {
  id: string;
  from: string;
  to: string;
  kind: InteractionKind;
  at: string;
  count: number;
  sentiment: number;
}

export interface ContentRow {
  id: string;
  authorId: string;
  kind: ContentKind;
  createdAt: string;
  sentiment: number;
  topicIds: string[];
  brandId?: string;
  productId?: string;
}

export interface EngagementRow {
  id: string;
  customerId: string;
  targetKind: EngagementTargetKind;
  targetId: string;
  kind: EngagementKind;
  at: string;
  sentiment: number;
  channel: string;
}

/** An NPS survey answer, 0..10. */
export interface RatingRow {
  id: string;
  customerId: string;
  brandId: string;
  score: number;
  at: string;
}

/** Row type of each dataset kind. */
export interface DatasetRows {
  customers: CustomerRow;
  brands: BrandRow;
  products: ProductRow;
  topics: TopicRow;
  campaigns: CampaignRow;
  ties: TieRow;
  interactions: InteractionRow;
  content: ContentRow;
  engagements: EngagementRow;
  ratings: RatingRow;
}

export type DatasetKind = keyof DatasetRows;

/** Kinds in the order they are written (referenced entities first). */
export const DATASET_KINDS: readonly DatasetKind[] = [
  'customers',
  'brands',
  'products',
  'topics',
  'campaigns',
  'ties',
  'interactions',
  'content',
  'engagements',
  'ratings',
];

export const DATASET_FILES: { readonly [K in DatasetKind]: string } = {
  customers: 'customers.ndjson',
  brands: 'brands.ndjson',
  products: 'products.ndjson',
  topics: 'topics.ndjson',
  campaigns: 'campaigns.ndjson',
  ties: 'ties.ndjson',
  interactions: 'interactions.ndjson',
  content: 'content.ndjson',
  engagements: 'engagements.ndjson',
  ratings: 'ratings.ndjson',
};

export const GROUND_TRUTH_FILE = 'ground-truth.json';

/** What was planted, for tests and for judging the analytics against. */
export interface GroundTruth {
  seed: number;
  customers: number;
  /** Planted community index of every customer. */
  communities: Record<string, number>;
  /** Planted super users, in id order. */
  superUsers: string[];
  /** Planted stance of every customer toward the first brand (b1). */
  stances: Record<string, Stance>;
  /** The resolved options and the model parameters the dataset was drawn with. */
  params: GroundTruthParams;
}

export interface GroundTruthParams {
  options: ResolvedGenerateOptions;
  model: ModelParams;
  /** Planted community sizes, by community index. */
  communitySizes: number[];
  /** Stance mix [advocate, passive, detractor] each community was drawn from. */
  communityStanceMix: [number, number, number][];
  /** Favourite topic ids of each community. */
  communityTopics: string[][];
  /** Dominant region of each community. */
  communityRegions: string[];
  /** Customers in each participation tier (90-9-1). */
  participation: { lurkers: number; contributors: number; creators: number };
}

/** Options of `generateDataset`; everything but `customers` and `seed` has a default. */
export interface GenerateOptions {
  /** Number of customers, 100..5,000,000. */
  customers: number;
  /** Any safe integer; the same seed gives byte-identical files. */
  seed: number;
  /** Number of brands, 1..3 (default 2); `b1` is the brand whose stance is planted. */
  brands?: number;
  /** Mean number of tie rows per customer (default 10). */
  tiesPerCustomer?: number;
  /** Number of planted communities (default grows slowly with the customer count). */
  communities?: number;
  /** Share of customers planted as super users (default 0.0075). */
  superUserShare?: number;
  /** Share of customers who answered the NPS survey for b1 (default 0.3). */
  npsShare?: number;
  /** Share of customers who opted out (default 0.02). */
  optedOutShare?: number;
  /** Global stance mix toward b1, [advocate, passive, detractor] (default [0.35, 0.4, 0.25]). */
  stanceMix?: [number, number, number];
  /** Scales the number of interactions and engagements per customer (default 1). */
  activity?: number;
  /** The end of the time window, ISO 8601 (default 2025-06-30T00:00:00.000Z; fixed, so output is reproducible). */
  now?: string;
  /** Length of the time window in days (default 730). */
  days?: number;
}

export type ResolvedGenerateOptions = Required<GenerateOptions>;

/** Knobs of the network model (see README); fixed defaults, recorded in the ground truth. */
export interface ModelParams {
  /** Mixture of tie mechanisms for each outgoing tie: ring neighbour, popular member, super user, other community. */
  mechanism: { local: number; popular: number; superUser: number; crossCommunity: number };
  /** Probability that a super-user tie goes to a super user of the customer's own community. */
  superUserOwnCommunity: number;
  /** Half-width of the ring neighbourhood for local ties. */
  localWindow: number;
  /** Probability that a tie of each mechanism is KNOWS rather than FOLLOWS. */
  knows: { local: number; popular: number; crossCommunity: number; closure: number };
  /** Probability that a FOLLOWS tie of each mechanism is followed back. */
  followBack: { local: number; popular: number; superUser: number; crossCommunity: number; closure: number };
  /** Triadic-closure ties per existing tie (capped degree). */
  closureRate: number;
  /** Tail index of ordinary customers' popularity (Pareto) and its cap. */
  popularityAlpha: number;
  popularityCap: number;
  /** Tail index of super users' popularity among themselves. */
  superUserAlpha: number;
  /** Log-normal spread of outgoing activity. */
  activitySigma: number;
  /** Tail index and cap of the community size weights. */
  communityAlpha: number;
  communityCap: number;
  /** Dirichlet concentration of a community's stance mix around the global one. */
  stanceConcentration: number;
  /** Rounds and adoption probability of neighbour stance smoothing (voter model). */
  stanceRounds: number;
  stanceAdoption: number;
  /** Participation tiers (90-9-1). */
  creatorShare: number;
  contributorShare: number;
  /** Probability that a share or mention goes to a super user. */
  amplifySuperUser: number;
}
