// The built-in sample lead list: synthetic B2B leads generated with a fixed
// seed (same rows on every machine), as CSV text produced in chunks so that a
// million rows never exist as one string.
//
// Columns: who the lead is (the attributes docs/examples/b2b-saas.json reads)
// and what they did (activity columns that lead-activity.js turns into events).
// Pure JavaScript, no imports: used by the lead-list worker and by the tests.

export const SAMPLE_SEED = 20260107;
export const SAMPLE_SIZES = [10_000, 100_000, 1_000_000];

export const SAMPLE_COLUMNS = [
  'lead_id', 'email', 'company', 'job_title', 'industry', 'company_size', 'annual_revenue', 'age', 'country',
  'newsletter_subscribed', 'utm_source', 'first_visit_days_ago', 'last_visit_days_ago', 'visits_30d',
  'page_views_30d', 'pricing_views', 'emails_opened_30d', 'guide_downloads', 'webinars_attended',
  'demo_requested', 'visited_careers', 'open_cart_value', 'cart_hours_ago', 'orders_365d', 'spend_365d',
  'last_order_days_ago', 'interests',
];

/** mulberry32: a small, fast, seeded PRNG returning numbers in [0, 1). */
export function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// [value, weight] tables.
const INDUSTRIES = [
  ['Technology', 22], ['Software', 12], ['Finance', 10], ['Healthcare', 9], ['Retail', 8], ['E-commerce', 7],
  ['Manufacturing', 9], ['Education', 7], ['Media', 5], ['Logistics', 6], ['Government', 5],
];
const TITLES = [
  ['CTO', 5], ['VP Engineering', 6], ['IT Manager', 9], ['CEO', 6], ['Head of Operations', 6],
  ['Marketing Manager', 12], ['Software Engineer', 14], ['Data Analyst', 10], ['Sales Director', 7],
  ['Product Manager', 9], ['Consultant', 6], ['Student', 6], ['Intern', 4],
];
const COUNTRIES = [
  ['US', 35], ['GB', 10], ['DE', 9], ['FR', 7], ['CA', 6], ['IN', 8], ['BR', 5], ['AU', 4], ['NL', 4],
  ['ES', 4], ['JP', 3], ['SE', 3], ['NG', 2],
];
const SOURCES = [
  ['google', 30], ['', 18], ['linkedin', 15], ['newsletter', 9], ['bing', 6], ['duckduckgo', 3], ['reddit', 5],
  ['partner', 6], ['twitter', 8],
];
const SIZE_BANDS = [[[1, 9], 20], [[10, 49], 30], [[50, 249], 25], [[250, 999], 15], [[1000, 20000], 10]];
const COMPANY_A = ['North', 'Blue', 'Iron', 'Bright', 'Silver', 'Red', 'Cedar', 'Harbor', 'Summit', 'Pine', 'Clear', 'Swift', 'Stone', 'Lumen', 'Vector', 'Atlas'];
const COMPANY_B = ['line', 'field', 'works', 'gate', 'stack', 'bridge', 'point', 'wave', 'forge', 'leaf', 'path', 'grid', 'scale', 'mark'];
const COMPANY_C = ['Labs', 'Systems', 'Group', 'Inc', 'Software', 'Retail', 'Health', 'Logistics', 'Partners', 'Analytics', 'Co'];
const FIRST = ['alex', 'sam', 'jordan', 'riley', 'dana', 'chris', 'maria', 'li', 'ana', 'omar', 'yuki', 'priya', 'tom', 'eva', 'noah', 'lena'];
const LAST = ['smith', 'chen', 'garcia', 'okafor', 'muller', 'rossi', 'kim', 'patel', 'nguyen', 'silva', 'cohen', 'berg', 'tanaka', 'reyes'];
const CART_VALUES = [588, 2388, 2388, 4788, 1200];
const DECISION_MAKERS = new Set(['CTO', 'VP Engineering', 'IT Manager', 'CEO']);
const TECH_TITLES = new Set(['CTO', 'VP Engineering', 'IT Manager', 'Software Engineer']);
const INTERESTS = [['', 80], ['security', 6], ['compliance', 4], ['security;compliance', 2], ['forecasting', 5], ['integrations', 3]];

function weighted(table) {
  let total = 0;
  for (const [, w] of table) total += w;
  return { table, total };
}

function pick(rand, { table, total }) {
  let r = rand() * total;
  for (const [value, w] of table) {
    r -= w;
    if (r < 0) return value;
  }
  return table[table.length - 1][0];
}

const W = {
  industries: weighted(INDUSTRIES),
  titles: weighted(TITLES),
  countries: weighted(COUNTRIES),
  sources: weighted(SOURCES),
  sizes: weighted(SIZE_BANDS),
  interests: weighted(INTERESTS),
};

const int = (rand, lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const choice = (rand, list) => list[Math.floor(rand() * list.length)];
const round1 = (x) => Math.round(x * 10) / 10;

/** A Poisson-distributed count with mean `mean` (Knuth; small means only). */
function poisson(rand, mean) {
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rand();
  while (p > limit && k < 60) {
    k += 1;
    p *= rand();
  }
  return k;
}

/** One synthetic lead as an array of CSV field texts (SAMPLE_COLUMNS order). */
function makeLead(rand, index) {
  const title = pick(rand, W.titles);
  const student = title === 'Student' || title === 'Intern';
  let industry;
  if (student && rand() < 0.6) industry = 'Education';
  else if (TECH_TITLES.has(title) && rand() < 0.55) industry = rand() < 0.7 ? 'Technology' : 'Software';
  else industry = pick(rand, W.industries);
  const [lo, hi] = student ? [1, 9] : pick(rand, W.sizes);
  const size = Math.round(Math.exp(Math.log(lo) + rand() * (Math.log(hi + 1) - Math.log(lo))));
  const companySize = Math.max(lo, Math.min(hi, size));
  const revenue = rand() < 0.1 ? '' : String(Math.round((companySize * (60_000 + rand() * 190_000)) / 1000) * 1000);
  let age = '';
  if (rand() > 0.15) {
    const base = student ? 19 + rand() * 8 : 24 + (rand() + rand() + rand()) / 3 * 40;
    age = String(Math.round(base));
  }
  const company = `${choice(rand, COMPANY_A)}${choice(rand, COMPANY_B)} ${choice(rand, COMPANY_C)}`;
  const domain = company.toLowerCase().replace(/[^a-z]+/g, '') + '.example';
  const email = `${choice(rand, FIRST)}.${choice(rand, LAST)}${index % 97}@${domain}`;
  const country = pick(rand, W.countries);
  const subscribed = rand() < (student ? 0.55 : 0.33);
  const source = pick(rand, W.sources);

  // A latent engagement level drives the activity columns.
  const engagement = rand() ** 1.6;
  const decisionMaker = DECISION_MAKERS.has(title);
  const firstVisit = Math.floor(rand() ** 1.3 * 400);
  const lastVisit = rand() < engagement * 0.3 ? 0
    : Math.min(firstVisit, Math.floor(-Math.log(1 - rand() * 0.999) * (8 + (1 - engagement) * 50)));
  const active = lastVisit <= 29;
  const visits = active ? Math.min(30, 1 + poisson(rand, engagement * 5)) : 0;
  let pricing = 0;
  if (active && rand() < 0.2 + engagement * 0.4 + (decisionMaker ? 0.15 : 0)) pricing = 1 + (rand() < 0.45 + engagement * 0.3 ? 1 : 0) + (rand() < 0.15 ? 1 : 0);
  const pages = active ? Math.max(pricing, visits * int(rand, 1, 2 + Math.round(engagement * 5))) : 0;
  const emails = subscribed ? poisson(rand, 0.5 + engagement * 4) : 0;
  const guides = rand() < 0.22 + engagement * 0.25 ? (rand() < 0.75 ? 1 : int(rand, 2, 4)) : 0;
  const webinars = rand() < 0.08 + engagement * 0.15 ? int(rand, 1, 2) : 0;
  const demo = active && rand() < 0.01 + engagement * (decisionMaker ? 0.18 : 0.05);
  const careers = rand() < (student ? 0.35 : 0.03);

  let orders = 0;
  let spend = 0;
  let lastOrder = '';
  if (!student && rand() < 0.1 + engagement * 0.12) {
    orders = Math.min(12, 1 + poisson(rand, 0.8 + engagement * 4));
    spend = Math.round(orders * (150 + rand() * (companySize > 250 ? 3500 : 900)));
    lastOrder = String(Math.min(364, Math.floor(rand() ** 1.5 * 300)));
  }
  let cartValue = '';
  let cartHours = '';
  if (!student && rand() < 0.05 + engagement * 0.1) {
    cartValue = String(choice(rand, CART_VALUES));
    cartHours = String(round1(rand() ** 2 * 96 + 0.2));
  }

  return [
    `L${String(index + 1).padStart(7, '0')}`,
    email,
    company,
    title,
    industry,
    String(companySize),
    revenue,
    age,
    country,
    subscribed ? 'true' : 'false',
    source,
    String(firstVisit),
    String(lastVisit),
    String(visits),
    String(pages),
    String(pricing),
    String(emails),
    String(guides),
    String(webinars),
    demo ? 'true' : 'false',
    careers ? 'true' : 'false',
    cartValue,
    cartHours,
    String(orders),
    orders ? String(spend) : '0',
    lastOrder,
    pick(rand, W.interests),
  ];
}

/**
 * Generates the sample as CSV text chunks of about `rowsPerChunk` rows each
 * (the header first). Field texts need no quoting (no commas or quotes).
 * @returns {Generator<string>}
 */
export function* sampleCsvChunks(count, { seed = SAMPLE_SEED, rowsPerChunk = 2000 } = {}) {
  const rand = seededRandom(seed);
  let chunk = SAMPLE_COLUMNS.join(',') + '\n';
  let rows = 0;
  for (let i = 0; i < count; i++) {
    chunk += makeLead(rand, i).join(',') + '\n';
    if (++rows === rowsPerChunk) {
      yield chunk;
      chunk = '';
      rows = 0;
    }
  }
  if (chunk) yield chunk;
}
