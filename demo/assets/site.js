// The Northwind demo site's one module script: runs leadseg in the page.
//
// - creates the engine with the site's config (docs/examples/b2b-saas.json,
//   served at /config/b2b-saas.json) and the visitor's consent;
// - tracks session_start, page_view, form views and submits, cart adds,
//   purchases, downloads, webinar sign-ups and attendance;
// - renders the personalized slots (hero, cta, lead_form: <template
//   data-variant> inside [data-leadseg-slot]) and picks the case study by
//   segment;
// - runs the inspector panel, the persona replays and the reset button.
import { createEngine } from '/web/dist/leadseg.browser.js';
import { PERSONAS, personaById, replayPersona } from './personas.js';
import { createInspector } from './inspector.js';
import { el } from './dom.js';

const CONSENT_KEY = 'northwind.consent'; // localStorage: the visitor's choice
const PERSONA_KEY = 'northwind.persona'; // localStorage: which persona was replayed
const SESSION_KEY = 'northwind.session'; // sessionStorage: {last} for session_start
const CART_KEY = 'northwind.cart'; // sessionStorage with storage consent: {plan, value}
const SESSION_GAP_MS = 30 * 60_000;
const STEP_DELAY_MS = 60;
const TICK_MS = 15_000;

const ALL = { storage: true, personalization: true, measurement: true };
const NONE = { storage: false, personalization: false, measurement: false };
const PERSONALIZE_ONLY = { storage: false, personalization: true, measurement: false };

const PLANS = {
  starter: { name: 'Starter plan', detail: '3 editor seats · yearly billing' },
  growth: { name: 'Growth plan', detail: '15 editor seats · yearly billing' },
  seats: { name: 'Additional seats', detail: '5 seats · yearly billing' },
};

// Simulated time: persona replays move the clock into the past, step by step.
let offset = 0;
const clock = () => Date.now() + offset;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let engine = null;
let inspector = null;
let busy = false;
const boundForms = new WeakSet();

// ------------------------------------------------------------ storage helpers

function readJson(storage, key) {
  try {
    const text = storage.getItem(key);
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

function readConsent() {
  const c = readJson(localStorage, CONSENT_KEY);
  if (!c || typeof c !== 'object') return null;
  return { storage: c.storage === true, personalization: c.personalization === true, measurement: c.measurement === true };
}

// The cart: in sessionStorage once the visitor allowed storage; before that
// (nothing is stored before a choice) in this page's memory, carried to the
// cart page in its URL (?cart=growth:2388).
let pageCart;
const canStore = () => engine?.consent.storage === true;
function cartFromUrl() {
  const [plan, value] = (new URL(location.href).searchParams.get('cart') ?? '').split(':');
  return plan && Number.isFinite(Number(value)) ? { plan, value: Number(value) } : null;
}
function readCart() {
  if (canStore()) return readJson(sessionStorage, CART_KEY);
  if (pageCart === undefined) pageCart = cartFromUrl();
  return pageCart;
}
function saveCart(cart) {
  pageCart = cart;
  if (!canStore()) return;
  if (cart) sessionStorage.setItem(CART_KEY, JSON.stringify(cart));
  else sessionStorage.removeItem(CART_KEY);
}
const cartUrl = (cart) => (canStore() || !cart ? '/cart.html' : `/cart.html?cart=${encodeURIComponent(cart.plan)}:${cart.value}`);
const money = (n) => `$${Number(n).toLocaleString('en-US')}`;

// ------------------------------------------------------------ engine wrappers

function track(type, props = {}) {
  engine.track(type, props);
  refresh();
}

function identify(traits) {
  if (Object.keys(traits).length === 0) return;
  engine.identify(traits);
}

// ------------------------------------------------------------ rendering

function refresh() {
  if (!engine) return;
  engine.render(document);
  if (bindForms()) engine.render(document); // binding records form_view events
  renderCaseStudy();
  renderCart();
  document.body.dataset.hero = document.querySelector('[data-leadseg-slot="hero"]')?.getAttribute('data-leadseg-variant') ?? '';
  document.body.dataset.cta = document.querySelector('.cta-band[data-leadseg-slot="cta"], .header-cta')?.getAttribute('data-leadseg-variant') ?? '';
  inspector.update();
}

// Forms with data-leadseg-form are bound once: form_view now, form_submit
// (with the slot's variant, for forms inside a slot) and convert(goal) on submit.
function bindForms() {
  let any = false;
  for (const form of document.querySelectorAll('form[data-leadseg-form]')) {
    if (boundForms.has(form)) continue;
    boundForms.add(form);
    const slot = form.closest('[data-leadseg-slot]')?.getAttribute('data-leadseg-slot');
    engine.forms.bind(form, { ...(slot ? { slot } : {}), ...(form.dataset.goal ? { goal: form.dataset.goal } : {}) });
    any = true;
  }
  return any;
}

// The case study: the first <template data-segments="a b"> whose segments
// include one the visitor is in; else the section's own article (real HTML,
// so it shows before the engine and without JavaScript).
const caseFallback = new WeakMap();
function renderCaseStudy() {
  const host = document.querySelector('[data-case-study]');
  if (!host) return;
  if (!caseFallback.has(host)) caseFallback.set(host, [...host.children].filter((node) => node.localName !== 'template'));
  const member = new Set(engine.consent.personalization ? engine.segments() : []);
  let chosen = null;
  for (const t of host.querySelectorAll(':scope > template')) {
    const ids = (t.dataset.segments ?? '').split(/\s+/).filter(Boolean);
    if (ids.some((id) => member.has(id))) {
      chosen = t;
      break;
    }
  }
  const shown = chosen ? chosen.dataset.segments : '';
  if ((host.dataset.shown ?? '') === shown) return;
  for (const node of [...host.children]) if (node.localName !== 'template') node.remove();
  host.append(...(chosen ? [chosen.content.cloneNode(true)] : caseFallback.get(host)));
  host.dataset.shown = shown;
}

function renderCart() {
  const cart = readCart();
  const badge = document.getElementById('cart-count');
  if (badge) {
    badge.hidden = !cart;
    badge.textContent = cart ? '1' : '0';
  }
  if (document.body.dataset.page !== 'cart') return;
  const trial = new URL(location.href).searchParams.get('plan') === 'trial';
  const done = document.getElementById('checkout-done');
  const form = document.getElementById('checkout-form');
  document.querySelector('[data-cart="trial"]').hidden = !trial;
  document.querySelector('[data-cart="item"]').hidden = trial || !cart;
  document.querySelector('[data-cart="empty"]').hidden = trial || Boolean(cart);
  if (!done.hidden) {
    form.hidden = true;
    return;
  }
  form.hidden = !trial && !cart;
  document.getElementById('cart-title').textContent = trial ? 'Start your free trial' : 'Your cart';
  document.getElementById('checkout-title').textContent = trial ? 'Create your workspace' : 'Checkout';
  document.getElementById('checkout-submit').textContent = trial ? 'Start my free trial' : cart ? `Pay ${money(cart.value)}` : 'Complete purchase';
  form.querySelector('[data-payment]').hidden = trial;
  form.querySelector('[name="card"]').required = !trial;
  if (cart && !trial) {
    const plan = PLANS[cart.plan] ?? { name: cart.plan, detail: '' };
    document.getElementById('cart-plan').textContent = plan.name;
    document.getElementById('cart-detail').textContent = plan.detail;
    document.getElementById('cart-price').textContent = money(cart.value);
  }
}

// ------------------------------------------------------------ sessions

function referrerSource() {
  if (!document.referrer) return null;
  try {
    const host = new URL(document.referrer).hostname;
    if (host === location.hostname) return null;
    for (const name of ['google', 'bing', 'duckduckgo', 'linkedin', 'reddit']) if (host.includes(name)) return name;
    return host;
  } catch {
    return null;
  }
}

// A session starts on the first page, after 30 minutes without activity, or
// when the visitor arrives from a new campaign. Without storage consent every
// page is a fresh in-memory profile, so every page starts one.
function trackSessionAndPage() {
  const now = Date.now();
  const source = new URL(location.href).searchParams.get('utm_source') || referrerSource();
  const stored = engine.consent.storage ? readJson(sessionStorage, SESSION_KEY) : null;
  if (!stored || now - stored.last > SESSION_GAP_MS || (source && source !== stored.source)) {
    engine.track('session_start', source ? { utm_source: source } : {});
  }
  if (engine.consent.storage) sessionStorage.setItem(SESSION_KEY, JSON.stringify({ last: now, source: source ?? stored?.source ?? null }));
  engine.track('page_view', { path: location.pathname, title: document.title });
}

// ------------------------------------------------------------ forms

const number = (value) => (value === '' || value === null || value === undefined ? undefined : Number(value));

function traitsFrom(data, names) {
  const traits = {};
  for (const name of names) {
    const raw = data.get(name);
    if (raw === null || raw === '') continue;
    traits[name] = ['company_size', 'annual_revenue'].includes(name) ? number(raw) : String(raw);
  }
  return traits;
}

function declareInterests(data) {
  const interests = data.getAll('interests').map(String);
  if (interests.length) engine.declare('interests', interests);
}

function showSuccess(form) {
  const success = form.parentElement.querySelector('.form-success');
  if (success) {
    form.hidden = true;
    success.hidden = false;
    success.querySelector('button, a')?.focus();
  }
}

const FORM_HANDLERS = {
  lead(form, data) {
    identify(traitsFrom(data, ['job_title', 'company_size']));
    declareInterests(data);
    form.classList.add('is-done');
    form.replaceChildren(el('div', { class: 'form-done' },
      el('h3', {}, 'Check your inbox'),
      el('p', {}, 'The benchmark report is on its way. (Demo: nothing was sent; your answers stay on this device.)')));
  },
  newsletter(form) {
    identify({ newsletter_subscribed: true });
    form.classList.add('is-done');
    form.replaceChildren(el('p', { class: 'form-done-inline' }, '✓ Subscribed. The next issue arrives on Tuesday.'));
  },
  webinar(form, data) {
    identify(traitsFrom(data, ['job_title', 'company_size', 'industry']));
    declareInterests(data);
    showSuccess(form);
  },
  demo(form, data) {
    identify(traitsFrom(data, ['job_title', 'company_size', 'industry', 'annual_revenue', 'country']));
    showSuccess(form);
  },
  checkout(form, data) {
    identify(traitsFrom(data, ['job_title', 'company_size']));
    const trial = new URL(location.href).searchParams.get('plan') === 'trial';
    const done = document.getElementById('checkout-done');
    if (trial) {
      engine.track('trial_start', { plan: 'growth' });
      document.getElementById('checkout-done-text').textContent = 'Your 14-day Growth trial is ready. (Demo: no workspace was created.)';
    } else {
      const cart = readCart();
      if (!cart) return;
      engine.track('purchase', { amount: cart.value, plan: cart.plan });
      saveCart(null);
      document.getElementById('checkout-done-text').textContent = `We charged ${money(cart.value)} for the ${(PLANS[cart.plan]?.name ?? cart.plan).toLowerCase()}. (Demo: no payment was taken.)`;
    }
    form.hidden = true;
    done.hidden = false;
  },
};

function onSubmit(event) {
  const form = event.target.closest('form[data-nw-form]');
  if (!form || !engine) return;
  event.preventDefault();
  const handler = FORM_HANDLERS[form.dataset.nwForm];
  if (handler) handler(form, new FormData(form));
  refresh();
}

// ------------------------------------------------------------ actions

async function onClick(event) {
  const target = event.target.closest('[data-action]');
  if (!target || !engine || target.closest('#inspector')) return;
  const action = target.dataset.action;
  if (action === 'add-to-cart') {
    const cart = { plan: target.dataset.plan, value: Number(target.dataset.value) };
    saveCart(cart);
    track('cart_add', { value: cart.value, plan: cart.plan });
    if (document.body.dataset.page !== 'cart') {
      await engine.flush();
      location.assign(cartUrl(cart));
    }
  } else if (action === 'remove-from-cart') {
    saveCart(null);
    track('cart_remove', {});
  } else if (action === 'download-guide') {
    track('download', { category: 'guide', title: 'Zero-party data playbook' });
    document.getElementById('download-note').hidden = false;
  } else if (action === 'attend-webinar') {
    track('webinar_attended', { webinar: 'forecasting-with-product-signals' });
    const note = document.getElementById('attend-note');
    if (note) note.hidden = false;
  } else if (action === 'docs-feedback') {
    track('docs_feedback', { helpful: target.dataset.helpful === 'true' });
    target.parentElement.querySelector('.feedback-thanks').hidden = false;
  } else if (action === 'privacy') {
    showConsentBanner();
  }
}

// ------------------------------------------------------------ consent

let banner = null;

function showConsentBanner() {
  if (banner) {
    banner.hidden = false;
    return;
  }
  banner = el('section', { class: 'consent', id: 'consent', role: 'region', 'aria-labelledby': 'consent-title' },
    el('div', { class: 'consent-inner' },
      el('div', { class: 'consent-text' },
        el('h2', { id: 'consent-title' }, 'Personalize this site on your device?'),
        el('p', {}, 'Northwind can remember what you read and tailor its pages to you. It all happens in this browser: ',
          'your profile is kept in IndexedDB on this device and nothing is sent to a server. You can erase it at any time.')),
      el('div', { class: 'consent-actions' },
        el('button', { type: 'button', class: 'btn btn-primary', 'data-consent': 'all' }, 'Accept all'),
        el('button', { type: 'button', class: 'btn btn-ghost', 'data-consent': 'page' }, 'This page only'),
        el('button', { type: 'button', class: 'btn btn-ghost', 'data-consent': 'none' }, 'No thanks'))));
  banner.addEventListener('click', async (event) => {
    const choice = event.target.closest('[data-consent]')?.dataset.consent;
    if (!choice) return;
    const consent = choice === 'all' ? ALL : choice === 'page' ? PERSONALIZE_ONLY : NONE;
    await applyConsent(consent);
  });
  document.body.append(banner);
}

async function applyConsent(consent) {
  const cart = readCart();
  localStorage.setItem(CONSENT_KEY, JSON.stringify(consent));
  if (banner) banner.hidden = true;
  await engine.setConsent(consent);
  saveCart(cart); // stored now if storage was allowed, forgotten from storage if withdrawn
  if (!consent.storage) sessionStorage.removeItem(CART_KEY);
  if (consent.storage) sessionStorage.setItem(SESSION_KEY, JSON.stringify({ last: Date.now(), source: null }));
  inspector.log(`Consent: ${Object.entries(consent).filter(([, v]) => v).map(([k]) => k).join(', ') || 'none'}`, 'info');
  refresh();
}

// ------------------------------------------------------------ personas, reset

async function runPersona(id) {
  const persona = personaById(id);
  if (!persona || busy) return;
  busy = true;
  document.body.dataset.replaying = id;
  inspector.setBusy(true, `Replaying ${persona.name}'s journey…`);
  try {
    const c = engine.consent;
    if (!c.storage || !c.personalization || !c.measurement) {
      localStorage.setItem(CONSENT_KEY, JSON.stringify(ALL));
      if (banner) banner.hidden = true;
      await engine.setConsent(ALL);
    }
    await engine.erase();
    saveCart(null);
    inspector.clearLog();
    inspector.setPersona(persona);
    inspector.log(`Replaying ${persona.name}: ${persona.steps.length} steps over ${persona.span}`, 'info', Date.now());
    const end = Date.now();
    await replayPersona(engine, persona, {
      end,
      setTime: (t) => {
        offset = t - Date.now();
      },
      onStep: async (step) => {
        inspector.logStep(step, clock());
        refresh();
        await sleep(STEP_DELAY_MS);
      },
    });
    offset = 0;
    if (persona.id === 'abandoner') saveCart({ plan: 'growth', value: 2388 });
    // The replay ends in the persona's current visit: no new session on the next page.
    sessionStorage.setItem(SESSION_KEY, JSON.stringify({ last: Date.now(), source: null }));
    localStorage.setItem(PERSONA_KEY, id);
    await engine.flush();
    inspector.log(`${persona.name}'s journey replayed`, 'info', Date.now());
  } finally {
    offset = 0;
    busy = false;
    inspector.setBusy(false);
    delete document.body.dataset.replaying;
    document.body.dataset.persona = id;
    refresh();
  }
}

async function resetAll() {
  if (busy) return;
  busy = true;
  inspector.setBusy(true, 'Erasing everything…');
  await engine.erase();
  await engine.setConsent(NONE);
  engine.destroy();
  engine = null;
  for (const store of [localStorage, sessionStorage]) {
    for (const key of Object.keys(store)) if (key.startsWith('northwind.')) store.removeItem(key);
  }
  location.reload();
}

// ------------------------------------------------------------ start

async function main() {
  const configResponse = await fetch('/config/b2b-saas.json');
  if (!configResponse.ok) throw new Error(`could not load the config (HTTP ${configResponse.status})`);
  const config = await configResponse.json();
  inspector = createInspector({
    config,
    personas: PERSONAS,
    onPersona: (id) => runPersona(id).catch(fatal),
    onReset: () => resetAll().catch(fatal),
    onConsent: showConsentBanner,
  });
  const consent = readConsent();
  engine = await createEngine({
    config,
    consent: consent ?? NONE,
    now: clock,
    on: {
      'storage:error': ({ operation, error }) => inspector.log(`Storage ${operation} failed: ${error?.message ?? error}`, 'error'),
      'storage:corrupted': ({ reason }) => inspector.log(`Stored profile was corrupted (${reason}); started afresh`, 'error'),
    },
  });
  engine.on('segment:enter', (p) => inspector.segmentEvent('enter', p));
  engine.on('segment:exit', (p) => inspector.segmentEvent('exit', p));
  engine.on('stage', (p) => inspector.log(`Stage: ${p.from ?? 'start'} → ${p.to}`, 'stage', p.at));
  engine.on('temperature', (p) => inspector.log(`Temperature: ${p.temperature}`, 'temp', p.at));
  engine.on('mql', (p) => inspector.log('Became a marketing-qualified lead (MQL)', 'stage', p.at));
  engine.on('sql', (p) => inspector.log('Became a sales-qualified lead (SQL)', 'stage', p.at));
  engine.on('exposure', (p) => inspector.log(`Exposure: ${p.experiment} → ${p.variant}`, 'info'));
  engine.on('consent', () => inspector.update());
  inspector.attach(engine, { clock });

  const persona = consent?.storage ? personaById(localStorage.getItem(PERSONA_KEY)) : null;
  if (persona) {
    inspector.setPersona(persona);
    document.body.dataset.persona = persona.id;
  }
  if (!consent) showConsentBanner();

  trackSessionAndPage();
  document.addEventListener('submit', onSubmit);
  document.addEventListener('click', (event) => {
    onClick(event).catch(fatal);
  });
  refresh();
  // Time moves segments too (cart_abandoners after an hour, windows expiring).
  let last = engine.segments().join();
  setInterval(() => {
    if (busy || !engine) return;
    const now = engine.segments().join();
    if (now !== last) refresh();
    last = now;
  }, TICK_MS);
  document.body.dataset.ready = 'true';
}

function fatal(error) {
  console.error('demo:', error);
  inspector?.setError?.(`Error: ${error?.message ?? error}`);
  document.body.dataset.ready = 'error';
}

// The main navigation below the mobile breakpoint: a menu button (works
// before the engine has loaded, and if it never does).
function bindMenu() {
  const button = document.querySelector('.menu-toggle');
  const header = document.querySelector('.site-header');
  if (!button || !header) return;
  button.addEventListener('click', () => {
    const open = button.getAttribute('aria-expanded') !== 'true';
    button.setAttribute('aria-expanded', String(open));
    header.classList.toggle('menu-open', open);
  });
}

bindMenu();
main().catch(fatal);
