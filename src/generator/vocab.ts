/**
 * Word lists the generator draws names and labels from. Plain ASCII without quotes or
 * backslashes, so rows serialise without escaping.
 */

export const SEGMENTS = ['consumer', 'prosumer', 'business', 'vip'] as const;
export type Segment = (typeof SEGMENTS)[number];
/** Share of each segment among ordinary customers and among super users. */
export const SEGMENT_WEIGHTS = [0.7, 0.18, 0.09, 0.03] as const;
export const SUPER_USER_SEGMENT_WEIGHTS = [0.2, 0.5, 0.05, 0.25] as const;

export const REGIONS = [
  'na-east',
  'na-west',
  'latam',
  'uk-ie',
  'dach',
  'france-benelux',
  'nordics',
  'apac',
] as const;
export type Region = (typeof REGIONS)[number];
export const REGION_WEIGHTS = [0.2, 0.17, 0.1, 0.12, 0.12, 0.1, 0.07, 0.12] as const;
/** Main language per region, for the customer attributes. */
export const REGION_LANGUAGES: readonly (readonly string[])[] = [
  ['en', 'es'],
  ['en', 'es'],
  ['es', 'pt'],
  ['en'],
  ['de'],
  ['fr', 'nl'],
  ['sv', 'da', 'no', 'fi'],
  ['en', 'ja', 'ko', 'zh'],
];

export const FIRST_NAMES = [
  'Ava', 'Liam', 'Noah', 'Emma', 'Mia', 'Lucas', 'Sofia', 'Mateo', 'Zoe', 'Ethan',
  'Amara', 'Kenji', 'Yuki', 'Hana', 'Ravi', 'Priya', 'Arjun', 'Leila', 'Omar', 'Nadia',
  'Jonas', 'Elin', 'Freya', 'Lars', 'Ines', 'Tomas', 'Clara', 'Hugo', 'Lena', 'Felix',
  'Chloe', 'Jules', 'Camille', 'Bruno', 'Marta', 'Pablo', 'Lucia', 'Diego', 'Valentina', 'Thiago',
  'Grace', 'Oscar', 'Isla', 'Finn', 'Ruby', 'Leo', 'Maya', 'Elias', 'Nora', 'Kai',
  'Aisha', 'Tariq', 'Mei', 'Wei', 'Jin', 'Sora', 'Ana', 'Joao', 'Beatriz', 'Rafael',
  'Anouk', 'Daan', 'Sanne', 'Milan', 'Astrid', 'Erik', 'Sienna', 'Theo', 'Iris', 'Max',
];

export const LAST_NAMES = [
  'Smith', 'Johnson', 'Garcia', 'Martinez', 'Brown', 'Lee', 'Nguyen', 'Patel', 'Kim', 'Chen',
  'Silva', 'Santos', 'Costa', 'Rossi', 'Bianchi', 'Moreau', 'Dubois', 'Laurent', 'Muller', 'Schmidt',
  'Fischer', 'Weber', 'Novak', 'Horvat', 'Kowalski', 'Nowak', 'Jansen', 'DeVries', 'Bakker', 'Visser',
  'Andersson', 'Johansson', 'Nielsen', 'Hansen', 'Virtanen', 'Murphy', 'Kelly', 'Walsh', 'Byrne', 'Taylor',
  'Wilson', 'Evans', 'Tanaka', 'Sato', 'Suzuki', 'Park', 'Choi', 'Wong', 'Singh', 'Kumar',
  'Haddad', 'Rahman', 'Okafor', 'Mensah', 'Diallo', 'Lopez', 'Herrera', 'Ramos', 'Castro', 'Reyes',
];

export const AGE_BANDS = ['18-24', '25-34', '35-44', '45-54', '55-64', '65+'] as const;
export const AGE_BAND_WEIGHTS = [0.16, 0.3, 0.23, 0.15, 0.1, 0.06] as const;
export const LOYALTY_TIERS = ['none', 'silver', 'gold', 'platinum'] as const;
export const LOYALTY_TIER_WEIGHTS = [0.55, 0.28, 0.13, 0.04] as const;

export const BRAND_NAMES = ['Lumora', 'Kestrel Audio', 'Northwind Labs'] as const;
export const BRAND_SHORT = ['Lumora', 'Kestrel', 'Northwind'] as const;

export const PRODUCT_CATEGORIES = [
  'headphones',
  'speakers',
  'wearables',
  'smart-home',
  'accessories',
  'subscriptions',
] as const;
export const PRODUCT_MODELS = [
  'Aria', 'Pulse', 'Halo', 'Nimbus', 'Drift', 'Echo', 'Orbit', 'Vela', 'Flux', 'Strata',
  'Cove', 'Zephyr', 'Lumen', 'Tide', 'Ember', 'Atlas',
] as const;
export const PRODUCT_VARIANTS = ['', ' Pro', ' Mini', ' Max', ' Lite', ' 2', ' X', ' Plus'] as const;

/** Campaign themes with the months (1..12) they suit; an empty list suits any month. */
export const CAMPAIGN_THEMES: readonly { name: string; months: readonly number[] }[] = [
  { name: 'New Year Reset', months: [1] },
  { name: 'Fitness Challenge', months: [1, 2] },
  { name: 'Spring Launch', months: [3, 4, 5] },
  { name: 'Festival Season', months: [5, 6, 7] },
  { name: 'Summer Sound', months: [6, 7, 8] },
  { name: 'Back to School', months: [8, 9] },
  { name: 'Black Friday', months: [11] },
  { name: 'Holiday Gifting', months: [11, 12] },
  { name: 'Creator Week', months: [] },
  { name: 'Trade-In Days', months: [] },
  { name: 'Anniversary Sale', months: [] },
  { name: 'Work From Anywhere', months: [] },
];

export const TOPIC_NAMES = [
  'battery-life', 'design', 'customer-service', 'pricing', 'sustainability',
  'shipping', 'software-updates', 'durability', 'unboxing', 'accessories',
  'sound-quality', 'fitness', 'gaming', 'travel', 'music',
  'home-office', 'deals', 'privacy', 'repairs', 'smart-home',
] as const;

export const CHANNELS = ['web', 'mobile-app', 'store', 'email', 'social', 'call-center'] as const;
export type Channel = (typeof CHANNELS)[number];
