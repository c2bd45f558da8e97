/**
 * The brand side of the dataset: brands, their products and campaigns, and the topic list.
 * Small and built eagerly; the customer-side generators sample from it.
 */
import { AliasTable } from './alias.js';
import { Rng } from './prng.js';
import { DAY_MS, iso } from './time.js';
import type { BrandRow, CampaignRow, ProductRow, ResolvedGenerateOptions, TopicRow } from './types.js';
import {
  BRAND_NAMES,
  BRAND_SHORT,
  CAMPAIGN_THEMES,
  PRODUCT_CATEGORIES,
  PRODUCT_MODELS,
  PRODUCT_VARIANTS,
  TOPIC_NAMES,
} from './vocab.js';

export interface Catalog {
  brands: BrandRow[];
  products: ProductRow[];
  /** Product indexes of each brand, most popular first. */
  productsByBrand: number[][];
  /** Zipf-like popularity over `productsByBrand[b]`. */
  productPopularity: AliasTable[];
  topics: TopicRow[];
  campaigns: CampaignRow[];
  campaignBrand: number[];
  campaignStart: number[];
  campaignEnd: number[];
  campaignsByBrand: number[][];
}

/** A theme suiting the month if one is left, else any unused one. */
function pickTheme(rng: Rng, month: number, used: Set<number>): number {
  const free = [...CAMPAIGN_THEMES.keys()].filter((t) => !used.has(t));
  const seasonal = free.filter((t) => CAMPAIGN_THEMES[t].months.includes(month));
  const generic = free.filter((t) => CAMPAIGN_THEMES[t].months.length === 0);
  const pool = seasonal.length > 0 && rng.next() < 0.8 ? seasonal : generic.length > 0 ? generic : free;
  const theme = pool[rng.int(pool.length)];
  used.add(theme);
  return theme;
}

export function buildCatalog(o: ResolvedGenerateOptions, startMs: number, nowMs: number): Catalog {
  const rng = Rng.stream(o.seed, 'catalog');
  const brands: BrandRow[] = [];
  const products: ProductRow[] = [];
  const productsByBrand: number[][] = [];
  const productPopularity: AliasTable[] = [];
  const campaigns: CampaignRow[] = [];
  const campaignBrand: number[] = [];
  const campaignStart: number[] = [];
  const campaignEnd: number[] = [];
  const campaignsByBrand: number[][] = [];

  for (let b = 0; b < o.brands; b++) {
    const brandId = `b${b + 1}`;
    brands.push({ id: brandId, name: BRAND_NAMES[b] });

    const models = rng.shuffle(Int32Array.from(PRODUCT_MODELS.keys()));
    const productCount = 6 + rng.int(7);
    const own: number[] = [];
    const weights: number[] = [];
    for (let k = 0; k < productCount; k++) {
      const variant = k < 4 ? '' : PRODUCT_VARIANTS[1 + rng.int(PRODUCT_VARIANTS.length - 1)];
      own.push(products.length);
      weights.push(1 / Math.pow(k + 1, 1.1));
      products.push({
        id: `p${String(products.length + 1).padStart(3, '0')}`,
        name: `${BRAND_SHORT[b]} ${PRODUCT_MODELS[models[k]]}${variant}`,
        brandId,
        category: PRODUCT_CATEGORIES[k < PRODUCT_CATEGORIES.length ? k : rng.int(PRODUCT_CATEGORIES.length)],
      });
    }
    productsByBrand.push(own);
    productPopularity.push(new AliasTable(weights));

    const usedThemes = new Set<number>();
    const campaignCount = 5 + rng.int(4);
    const ownCampaigns: number[] = [];
    for (let k = 0; k < campaignCount; k++) {
      // spread over the window, each 2 to 8 weeks long; the last may still be running
      const slot = (nowMs - startMs) / campaignCount;
      const starts = startMs + slot * (k + rng.uniform(0.05, 0.7));
      const ends = starts + DAY_MS * (14 + rng.int(43));
      const theme = pickTheme(rng, new Date(starts).getUTCMonth() + 1, usedThemes);
      const c = campaigns.length;
      ownCampaigns.push(c);
      campaignBrand.push(b);
      campaignStart.push(Math.floor(starts / 1000) * 1000);
      campaignEnd.push(Math.floor(ends / 1000) * 1000);
      campaigns.push({
        id: `cmp${String(c + 1).padStart(2, '0')}`,
        name: `${BRAND_SHORT[b]} ${CAMPAIGN_THEMES[theme].name} ${new Date(starts).getUTCFullYear()}`,
        brandId,
        startsAt: iso(starts),
        endsAt: iso(ends),
      });
    }
    campaignsByBrand.push(ownCampaigns);
  }

  const topics: TopicRow[] = TOPIC_NAMES.map((name, k) => ({
    id: `t${String(k + 1).padStart(2, '0')}`,
    name,
  }));

  return {
    brands,
    products,
    productsByBrand,
    productPopularity,
    topics,
    campaigns,
    campaignBrand,
    campaignStart,
    campaignEnd,
    campaignsByBrand,
  };
}
