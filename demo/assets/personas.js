// Persona journeys for the demo site: each replays a visitor's history with
// simulated time (every step is stamped relative to "now", in the past), so
// that the page shows what that visitor would see today.
//
// Pure data plus one function; used by the site (site.js) and by the
// browser tests (which derive their expectations from docs/examples/b2b-saas.json).

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A step: at (ms before now), and one of track / identify / declare. */
const at = (ms, step) => ({ at: ms, ...step });
const track = (ms, type, props = {}) => at(ms, { track: type, props });
const view = (ms, path) => track(ms, 'page_view', { path });
const identify = (ms, traits) => at(ms, { identify: traits });

export const PERSONAS = [
  {
    id: 'cto',
    name: 'Dana Whitfield',
    role: 'CTO, Brightline Software (250 people)',
    story: 'Finds Northwind on Google, compares pricing, signs up for the webinar; comes back 28 hours later and compares pricing again.',
    span: '2 days',
    steps: [
      track(30 * HOUR, 'session_start', { utm_source: 'google' }),
      view(30 * HOUR - 1 * MINUTE, '/'),
      view(30 * HOUR - 3 * MINUTE, '/pricing.html'),
      view(30 * HOUR - 8 * MINUTE, '/docs.html'),
      view(29 * HOUR, '/webinar.html'),
      identify(29 * HOUR - 2 * MINUTE, {
        job_title: 'CTO', industry: 'Technology', company_size: 250, annual_revenue: 8_000_000, country: 'US',
      }),
      track(29 * HOUR - 2 * MINUTE, 'form_submit', { form: 'webinar' }),
      track(2 * HOUR, 'session_start', { utm_source: 'linkedin' }),
      view(2 * HOUR - 1 * MINUTE, '/'),
      view(2 * HOUR - 2 * MINUTE, '/pricing.html'),
      view(2 * HOUR - 6 * MINUTE, '/pricing.html'),
    ],
  },
  {
    id: 'student',
    name: 'Sam Okafor',
    role: 'Computer-science student',
    story: 'Arrives from Reddit, subscribes to the newsletter, opens three issues, downloads a guide, reads a dozen blog pages and looks at the careers page.',
    span: '10 days',
    steps: [
      track(10 * DAY, 'session_start', { utm_source: 'reddit' }),
      view(10 * DAY - 1 * MINUTE, '/blog.html'),
      view(10 * DAY - 6 * MINUTE, '/blog.html'),
      identify(10 * DAY - 7 * MINUTE, { newsletter_subscribed: true, job_title: 'Student', industry: 'Education', age: 21, country: 'NG' }),
      track(10 * DAY - 7 * MINUTE, 'form_submit', { form: 'newsletter' }),
      track(8 * DAY, 'email_open', { campaign: 'weekly-41' }),
      track(8 * DAY - 1 * MINUTE, 'session_start', { utm_source: 'newsletter' }),
      view(8 * DAY - 2 * MINUTE, '/blog.html'),
      view(8 * DAY - 5 * MINUTE, '/blog.html'),
      track(5 * DAY, 'email_open', { campaign: 'weekly-42' }),
      track(5 * DAY - 1 * MINUTE, 'session_start', { utm_source: 'newsletter' }),
      view(5 * DAY - 2 * MINUTE, '/blog.html'),
      track(5 * DAY - 4 * MINUTE, 'download', { category: 'guide', title: 'Zero-party data playbook' }),
      view(5 * DAY - 9 * MINUTE, '/blog.html'),
      track(2 * DAY, 'email_open', { campaign: 'weekly-43' }),
      track(2 * DAY - 1 * MINUTE, 'session_start', { utm_source: 'newsletter' }),
      view(2 * DAY - 2 * MINUTE, '/blog.html'),
      view(2 * DAY - 7 * MINUTE, '/careers.html'),
      track(1 * HOUR, 'session_start', { utm_source: 'reddit' }),
      view(1 * HOUR - 1 * MINUTE, '/blog.html'),
      view(1 * HOUR - 4 * MINUTE, '/blog.html'),
      view(1 * HOUR - 9 * MINUTE, '/docs.html'),
    ],
  },
  {
    id: 'customer',
    name: 'Riley Chen',
    role: 'Head of Operations, Harbor Outfitters (400 people)',
    story: 'Bought three times last year, was away for 45 days, comes back from the newsletter today and buys more seats.',
    span: '11 months',
    steps: [
      track(330 * DAY, 'session_start', { utm_source: 'google' }),
      view(330 * DAY - 2 * MINUTE, '/pricing.html'),
      identify(330 * DAY - 5 * MINUTE, {
        job_title: 'Head of Operations', industry: 'Retail', company_size: 400, annual_revenue: 9_000_000, country: 'CA',
      }),
      track(330 * DAY - 6 * MINUTE, 'cart_add', { value: 1800, plan: 'growth' }),
      track(330 * DAY - 9 * MINUTE, 'purchase', { amount: 1800, plan: 'growth' }),
      track(240 * DAY, 'session_start', { utm_source: 'email' }),
      track(240 * DAY - 4 * MINUTE, 'purchase', { amount: 1500, plan: 'seats' }),
      track(150 * DAY, 'session_start', { utm_source: 'email' }),
      track(150 * DAY - 4 * MINUTE, 'purchase', { amount: 1500, plan: 'seats' }),
      track(45 * DAY, 'email_open', { campaign: 'product-update' }),
      track(45 * DAY - 1 * MINUTE, 'session_start', { utm_source: 'newsletter' }),
      view(45 * DAY - 2 * MINUTE, '/blog.html'),
      track(25 * MINUTE, 'email_open', { campaign: 'whats-new' }),
      track(24 * MINUTE, 'session_start', { utm_source: 'newsletter' }),
      view(23 * MINUTE, '/'),
      view(20 * MINUTE, '/pricing.html'),
      view(15 * MINUTE, '/cart.html'),
      track(14 * MINUTE, 'cart_add', { value: 1200, plan: 'seats' }),
      track(10 * MINUTE, 'purchase', { amount: 1200, plan: 'seats' }),
    ],
  },
  {
    id: 'abandoner',
    name: 'Jordan Reyes',
    role: 'Founder & CEO, Parcelpine (12 people)',
    story: 'Browses from Bing, comes back two days later, starts the checkout for the Growth plan and leaves. That was three hours ago.',
    span: '2 days',
    steps: [
      track(2 * DAY, 'session_start', { utm_source: 'bing' }),
      view(2 * DAY - 1 * MINUTE, '/'),
      view(2 * DAY - 4 * MINUTE, '/blog.html'),
      track(3 * HOUR + 10 * MINUTE, 'session_start', { utm_source: 'bing' }),
      view(3 * HOUR + 9 * MINUTE, '/pricing.html'),
      view(3 * HOUR + 5 * MINUTE, '/cart.html'),
      identify(3 * HOUR + 3 * MINUTE, {
        job_title: 'CEO', industry: 'E-commerce', company_size: 12, annual_revenue: 600_000, country: 'US',
      }),
      track(3 * HOUR + 2 * MINUTE, 'cart_add', { value: 2388, plan: 'growth' }),
      view(3 * HOUR, '/cart.html'),
    ],
  },
];

export function personaById(id) {
  return PERSONAS.find((p) => p.id === id) ?? null;
}

/**
 * Replays a persona into an engine created with `now: () => clock()`.
 * `setTime(ms)` moves that clock to an absolute time; `end` is "now".
 * `onStep(step, index)` may return a promise (to pace an animation).
 */
export async function replayPersona(engine, persona, { end, setTime, onStep } = {}) {
  let count = 0;
  for (const [index, step] of persona.steps.entries()) {
    setTime(end - step.at);
    if (step.identify) engine.identify(step.identify);
    else if (step.declare) engine.declare(step.declare[0], step.declare[1]);
    else engine.track(step.track, step.props);
    count += 1;
    if (onStep) await onStep(step, index);
  }
  setTime(end);
  return count;
}
