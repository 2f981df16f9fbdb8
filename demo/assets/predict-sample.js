// The Predict and Discover sample: synthetic leads with an outcome column
// (`converted`) drawn from a stated logistic model, and four planted
// clusters (personas), so the page can show what training and discovery
// recover next to the truth. scripts/gen-sample-outcomes.mjs writes it to
// demo/data/leads-outcomes.csv; demo/README.md ("The sample with outcomes")
// states the same model.
//
// Every planted feature is something the runtime sees on a visitor: an
// attribute of docs/examples/b2b-saas.json or one of its metrics, whose value
// the row's activity columns give exactly once replayed by lead-activity.js
// (page views stay within 40 + pricing views and the last 30 days, visits
// are consistent with the first and last visit). So the planted
// coefficients are on the same features a trained model is exported on.
//
// Pure JavaScript (its PRNG is the lead-list sample's): used by the
// generator, the page and the tests.
import { seededRandom } from './lead-sample.js';

export const OUTCOME_SEED = 20261203;
export const OUTCOME_ROWS = 3000;

export const OUTCOME_COLUMNS = [
  'lead_id', 'job_title', 'industry', 'company_size', 'annual_revenue', 'age', 'country', 'newsletter_subscribed',
  'first_visit_days_ago', 'last_visit_days_ago', 'visits_30d', 'page_views_30d', 'pricing_views',
  'emails_opened_30d', 'guide_downloads', 'demo_requested', 'persona', 'converted',
];

/**
 * The planted model: log-odds of `converted` = intercept + Σ coefficient × x,
 * per unit of each feature (numbers as they are; `equals`: 1 when the
 * attribute has that value; `missing`: 1 when it is empty). Features with
 * coefficient 0 are there to be recovered as ~0.
 */
export const PLANTED_MODEL = {
  intercept: -3.6,
  features: [
    { attribute: 'page_views_30d', kind: 'numeric', coefficient: 0.06, unit: 'page view in 30 days' },
    { attribute: 'emails_opened_30d', kind: 'numeric', coefficient: 0.1, unit: 'email opened in 30 days' },
    { attribute: 'guides_downloaded', kind: 'numeric', coefficient: 0.4, unit: 'guide downloaded' },
    { attribute: 'demo_requests', kind: 'numeric', coefficient: 1.5, unit: 'demo request' },
    { attribute: 'newsletter_subscribed', kind: 'numeric', coefficient: 0.5, unit: 'subscribed (true = 1)' },
    { attribute: 'industry', kind: 'equals', equals: 'Software', coefficient: 0.7 },
    { attribute: 'job_title', kind: 'equals', equals: 'CTO', coefficient: 0.9 },
    { attribute: 'annual_revenue', kind: 'missing', coefficient: -0.6 },
    { attribute: 'age', kind: 'numeric', coefficient: 0, unit: 'year of age' },
  ],
};

/**
 * The planted clusters: four personas that differ in behaviour (the metrics
 * page_views_30d, emails_opened_30d, guides_downloaded, visits_30d) and in
 * company size. `share` is the probability of a row being that persona.
 */
export const PLANTED_CLUSTERS = [
  { id: 'evaluator', name: 'Evaluators', share: 0.25, says: 'many page views (~22 in 30 days) and visits, large companies, decision makers' },
  { id: 'learner', name: 'Learners', share: 0.25, says: 'download guides (~5), a few page views, small companies' },
  { id: 'reader', name: 'Newsletter readers', share: 0.3, says: 'open many emails (~14 in 30 days), subscribed, few page views' },
  { id: 'drop_in', name: 'Drop-ins', share: 0.2, says: 'one visit, one or two pages, nothing else' },
];

/** The features the planted clusters live in (what Discover is asked to use on the sample). */
export const CLUSTER_FEATURES = ['page_views_30d', 'emails_opened_30d', 'guides_downloaded', 'visits_30d', 'company_size'];

/** A Poisson-distributed count with mean `mean` (Knuth). */
function poisson(rand, mean) {
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rand();
  while (p > limit && k < 100) {
    k += 1;
    p *= rand();
  }
  return k;
}

function pick(rand, table) {
  let total = 0;
  for (const [, w] of table) total += w;
  let r = rand() * total;
  for (const [value, w] of table) {
    r -= w;
    if (r < 0) return value;
  }
  return table[table.length - 1][0];
}

const int = (rand, lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const logUniform = (rand, lo, hi) => Math.round(Math.exp(Math.log(lo) + rand() * (Math.log(hi) - Math.log(lo))));

const INDUSTRIES = [['Technology', 25], ['Software', 15], ['Finance', 12], ['Healthcare', 10], ['Retail', 10], ['Manufacturing', 10], ['Education', 10], ['Media', 8]];
const COUNTRIES = [['US', 40], ['GB', 12], ['DE', 12], ['FR', 10], ['IN', 10], ['CA', 8], ['BR', 8]];
const TITLES = {
  evaluator: [['CTO', 20], ['VP Engineering', 20], ['IT Manager', 25], ['CEO', 15], ['Head of Operations', 20]],
  learner: [['Software Engineer', 35], ['Data Analyst', 30], ['Student', 20], ['CTO', 5], ['Product Manager', 10]],
  reader: [['Marketing Manager', 35], ['Product Manager', 20], ['Consultant', 20], ['CTO', 10], ['Sales Director', 15]],
  drop_in: [['Marketing Manager', 20], ['Software Engineer', 20], ['Student', 20], ['Sales Director', 20], ['CTO', 5], ['Consultant', 15]],
};

/** Behaviour by persona (means of Poisson draws; sizes: log-uniform range). */
const BEHAVIOUR = {
  evaluator: { pages: 22, emails: 1, guides: 0.4, visits: 6, size: [200, 5000], subscribed: 0.2, demo: 0.2 },
  learner: { pages: 7, emails: 2, guides: 5, visits: 3, size: [5, 200], subscribed: 0.5, demo: 0.03 },
  reader: { pages: 2, emails: 14, guides: 0.3, visits: 1, size: [10, 2000], subscribed: 1, demo: 0.03 },
  drop_in: { pages: 0.6, emails: 0, guides: 0, visits: 0, size: [1, 1000], subscribed: 0.05, demo: 0.01 },
};

/** The planted log-odds of one lead given its feature values. */
export function plantedLogOdds(values) {
  let z = PLANTED_MODEL.intercept;
  for (const f of PLANTED_MODEL.features) {
    const v = values[f.attribute];
    if (f.kind === 'numeric') z += f.coefficient * (v === undefined || v === null || v === '' ? 0 : Number(v));
    else if (f.kind === 'equals') z += v === f.equals ? f.coefficient : 0;
    else z += v === undefined || v === null || v === '' ? f.coefficient : 0;
  }
  return z;
}

/** One lead: {row: CSV field texts in OUTCOME_COLUMNS order, values: the planted features' values}. */
function makeLead(rand, index) {
  const persona = pick(rand, PLANTED_CLUSTERS.map((c) => [c.id, c.share]));
  const b = BEHAVIOUR[persona];
  const title = pick(rand, TITLES[persona]);
  const industry = title === 'Student' ? 'Education' : pick(rand, INDUSTRIES);
  const companySize = title === 'Student' ? int(rand, 1, 9) : logUniform(rand, b.size[0], b.size[1]);
  const revenue = rand() < 0.2 ? '' : String(Math.round((companySize * (60_000 + rand() * 190_000)) / 1000) * 1000);
  const age = rand() < 0.1 ? '' : String(title === 'Student' ? int(rand, 19, 26) : int(rand, 24, 64));
  const country = pick(rand, COUNTRIES);
  const subscribed = rand() < b.subscribed;

  // Activity that replays (lead-activity.js) into exactly these metric values.
  const visits = Math.min(30, 1 + poisson(rand, b.visits));
  const last = int(rand, 0, 20);
  const first = visits === 1 ? last : Math.min(29, last + 1 + int(rand, 0, 8));
  const pricing = persona === 'evaluator' ? Math.min(3, poisson(rand, 1.2)) : 0;
  const pages = Math.min(40, Math.max(1, pricing, poisson(rand, b.pages)));
  const emails = subscribed ? Math.min(30, poisson(rand, b.emails)) : 0;
  const guides = Math.min(10, poisson(rand, b.guides));
  const demo = rand() < b.demo;

  const values = {
    page_views_30d: pages,
    emails_opened_30d: emails,
    guides_downloaded: guides,
    demo_requests: demo ? 1 : 0,
    newsletter_subscribed: subscribed ? 1 : 0,
    industry,
    job_title: title,
    annual_revenue: revenue,
    age: age === '' ? '' : Number(age),
    visits_30d: visits,
    company_size: companySize,
  };
  const p = 1 / (1 + Math.exp(-plantedLogOdds(values)));
  const converted = rand() < p;
  const row = [
    `S${String(index + 1).padStart(5, '0')}`, title, industry, String(companySize), revenue, age, country,
    subscribed ? 'true' : 'false', String(first), String(last), String(visits), String(pages), String(pricing),
    String(emails), String(guides), demo ? 'true' : 'false', persona, converted ? 'true' : 'false',
  ];
  return { row, values, persona, converted, probability: p };
}

/** The sample's leads (seeded: the same on every machine). */
export function outcomeLeads(count = OUTCOME_ROWS, seed = OUTCOME_SEED) {
  const rand = seededRandom(seed);
  const out = [];
  for (let i = 0; i < count; i++) out.push(makeLead(rand, i));
  return out;
}

/** The sample as CSV text (fields need no quoting: no commas or quotes). */
export function outcomeCsv(count = OUTCOME_ROWS, seed = OUTCOME_SEED) {
  let csv = OUTCOME_COLUMNS.join(',') + '\n';
  for (const lead of outcomeLeads(count, seed)) csv += lead.row.join(',') + '\n';
  return csv;
}
