// The leadseg inspector: a collapsible panel on every page of the demo site
// showing, live, what the engine knows about this visitor and why: segments
// (entered / exited flash as they change), score with its breakdown, grade,
// lead cell, temperature, lifecycle stage and history, RFM, metrics, slot
// decisions, experiment assignments, the explain trace of a segment, and the
// recent events, and reports (inspector-reports.js: the next report, the
// budget, site-wide estimates). Persona buttons and the reset button live here too.
import { el, clear, ago, num, json, fmt } from './dom.js';
import { createReportsPanel } from './inspector-reports.js';

const OPEN_KEY = 'northwind.inspector';
const FLASH_MS = 2600;

function section(id, title, { open = true } = {}) {
  const body = el('div', { class: 'insp-body', id: `insp-sec-${id}` });
  const details = el('details', { class: 'insp-section', 'data-section': id, open }, el('summary', {}, title), body);
  return { details, body };
}

function chip(text, cls = '') {
  return el('span', { class: `chip ${cls}`.trim() }, text);
}

function kv(rows) {
  return el('dl', { class: 'kv' }, rows.flatMap(([k, v, attrs = {}]) => [el('dt', {}, k), el('dd', attrs, v)]));
}

function stepLabel(step) {
  if (step.identify) return `identify ${Object.entries(step.identify).map(([k, v]) => `${k}=${v}`).join(', ')}`;
  if (step.declare) return `declare ${step.declare[0]} = ${json(step.declare[1])}`;
  const props = Object.entries(step.props ?? {}).map(([k, v]) => `${k}: ${v}`).join(', ');
  return `${step.track}${props ? ` {${props}}` : ''}`;
}

/**
 * @param {{config: object, personas: object[], onPersona: (id: string) => void,
 *   onReset: () => void, onConsent: () => void}} options
 */
export function createInspector({ config, personas, onPersona, onReset, onConsent }) {
  let engine = null;
  let clock = Date.now;
  let busy = false;
  let explainId = 'high_intent_tech';
  let explainPicked = false; // the visitor chose the segment to explain
  const segmentNodes = new Map();
  const flashTimers = new Map();
  const changeLog = [];
  const segmentsById = new Map((config.segments ?? []).map((s) => [s.id, s]));
  if (!segmentsById.has(explainId)) explainId = config.segments?.[0]?.id ?? '';

  // ------------------------------------------------------------ shell
  const toggle = el('button', {
    type: 'button', class: 'insp-toggle', id: 'inspector-toggle', 'aria-controls': 'inspector', 'aria-expanded': 'false',
  }, el('span', { class: 'insp-toggle-mark', 'aria-hidden': 'true' }), el('span', { class: 'insp-toggle-text' }, 'leadseg inspector'));

  const status = el('p', { class: 'insp-status', id: 'insp-status' }, 'Loading the engine…');
  const personaNote = el('p', { class: 'insp-persona', id: 'insp-persona', hidden: true });
  const personaButtons = el('div', { class: 'persona-grid' }, personas.map((p) =>
    el('button', { type: 'button', class: 'persona', 'data-persona': p.id, title: p.story },
      el('span', { class: 'persona-name' }, p.name),
      el('span', { class: 'persona-role' }, `${p.role} · ${p.span}`))));
  const resetButton = el('button', { type: 'button', class: 'btn btn-danger btn-sm', id: 'reset', 'data-action': 'reset' }, 'Reset: erase everything');
  const consentButton = el('button', { type: 'button', class: 'linklike', 'data-action': 'privacy' }, 'change');
  const consentLine = el('p', { class: 'insp-consent', id: 'insp-consent' });

  const head = el('div', { class: 'insp-head' },
    el('div', { class: 'insp-title' },
      el('h2', {}, 'leadseg inspector'),
      el('button', { type: 'button', class: 'insp-close', 'aria-label': 'Close the inspector', 'data-action': 'close-inspector' }, '×')),
    status,
    el('div', { class: 'insp-consent-row' }, consentLine, consentButton));

  // For a newcomer: clicking around changes little at first; say what to try.
  const newcomer = el('p', { class: 'insp-newcomer', id: 'insp-newcomer', hidden: true },
    el('b', {}, 'New here? '),
    'Browsing alone changes little at first: the rules wait for signals such as two pricing views, a form or a download. ',
    'Replay a persona below to see a whole journey in seconds, or accept personalization, view Pricing twice and come back to the home page.');
  let personaShown = false;
  function renderNewcomer(s) {
    newcomer.hidden = personaShown || (s.score ?? 0) > 0;
  }

  const personasSection = section('personas', 'Personas: replay a journey');
  personasSection.body.append(newcomer,
    el('p', { class: 'insp-hint' }, 'Each replays a visitor\'s history with simulated time, ending now.'),
    personaButtons, personaNote,
    el('div', { class: 'insp-reset' }, resetButton));

  const overview = section('overview', 'Score, grade, stage');
  const slots = section('slots', 'Personalization (slots)');
  const segments = section('segments', 'Segments');
  const explain = section('explain', 'Explain a segment');
  const breakdown = section('breakdown', 'Score breakdown', { open: false });
  const lifecycle = section('lifecycle', 'Lifecycle', { open: false });
  const rfm = section('rfm', 'RFM', { open: false });
  const metrics = section('metrics', 'Metrics', { open: false });
  const experiments = section('experiments', 'Experiments', { open: false });
  const activity = section('activity', 'Activity');
  const reports = section('reports', 'Reports (privacy)', { open: false });

  // Segment list: one persistent node per segment (so flashes animate).
  const segmentList = el('ul', { class: 'seg-list', id: 'insp-segment-list' });
  for (const s of config.segments ?? []) {
    const li = el('li', { class: 'seg', 'data-segment': s.id, 'data-member': 'false' },
      el('button', { type: 'button', class: 'seg-button', title: s.description ?? s.name ?? s.id },
        el('span', { class: 'seg-dot', 'aria-hidden': 'true' }),
        el('span', { class: 'seg-name' }, s.name ?? s.id),
        el('span', { class: `seg-kind kind-${s.kind ?? 'behavioral'}` }, s.kind === 'characteristic' ? 'trait' : 'behavior')));
    li.querySelector('button').addEventListener('click', () => {
      explainId = s.id;
      explainSelect.value = s.id;
      explain.details.open = true;
      update();
    });
    segmentNodes.set(s.id, li);
    segmentList.append(li);
  }
  const segmentCount = el('p', { class: 'insp-hint', id: 'insp-segment-count' });
  segments.body.append(segmentCount, segmentList);

  const explainSelect = el('select', { id: 'insp-explain-select', 'aria-label': 'Segment to explain' },
    (config.segments ?? []).map((s) => el('option', { value: s.id }, s.name ?? s.id)));
  explainSelect.value = explainId;
  explainSelect.addEventListener('change', () => {
    explainPicked = true;
    explainId = explainSelect.value;
    update();
  });
  const explainOut = el('div', { id: 'insp-explain-out' });
  explain.body.append(explainSelect, explainOut);

  const changeList = el('ol', { class: 'change-log', id: 'insp-changes', 'aria-live': 'polite' });
  const eventList = el('ol', { class: 'event-log', id: 'insp-events' });
  activity.body.append(el('h4', {}, 'Changes'), changeList, el('h4', {}, 'Latest events'), eventList);

  const panel = el('aside', { class: 'inspector', id: 'inspector', 'aria-label': 'leadseg inspector', 'data-busy': 'false' },
    head,
    el('div', { class: 'insp-scroll' },
      personasSection.details, overview.details, slots.details, segments.details, explain.details,
      breakdown.details, lifecycle.details, rfm.details, metrics.details, experiments.details, reports.details, activity.details));
  const reportsPanel = createReportsPanel(reports, { config, log: (text, kind) => log(text, kind) });

  document.body.append(toggle, panel);

  let open = sessionStorage.getItem(OPEN_KEY);
  setOpen(open === null ? window.matchMedia('(min-width: 1100px)').matches : open === 'open', false);

  function setOpen(value, remember = true) {
    open = value;
    document.body.classList.toggle('inspector-open', value);
    toggle.setAttribute('aria-expanded', String(value));
    panel.hidden = !value;
    if (remember) sessionStorage.setItem(OPEN_KEY, value ? 'open' : 'closed');
    if (value) update();
  }

  toggle.addEventListener('click', () => setOpen(!open));
  panel.addEventListener('click', (event) => {
    const target = event.target.closest('button');
    if (!target || busy) return;
    if (target.dataset.persona) onPersona(target.dataset.persona);
    else if (target.dataset.action === 'reset') onReset();
    else if (target.dataset.action === 'privacy') onConsent();
    else if (target.dataset.action === 'close-inspector') setOpen(false);
  });

  // ------------------------------------------------------------ updates
  function flash(id, kind) {
    const li = segmentNodes.get(id);
    if (!li) return;
    clearTimeout(flashTimers.get(id));
    li.classList.remove('flash-enter', 'flash-exit');
    void li.offsetWidth; // restart the animation
    li.classList.add(kind === 'enter' ? 'flash-enter' : 'flash-exit');
    flashTimers.set(id, setTimeout(() => li.classList.remove('flash-enter', 'flash-exit'), FLASH_MS));
  }

  function log(text, kind = 'info', at = clock()) {
    changeLog.unshift({ text, kind, at });
    changeLog.length = Math.min(changeLog.length, 60);
    renderChanges();
  }

  function renderChanges() {
    clear(changeList);
    const now = clock();
    for (const c of changeLog.slice(0, 30)) {
      changeList.append(el('li', { class: `change change-${c.kind}` },
        el('span', { class: 'change-text' }, c.text),
        el('time', { class: 'change-at', datetime: new Date(c.at).toISOString(), title: new Date(c.at).toLocaleString() }, ago(Math.max(0, now - c.at)))));
    }
  }

  function segmentEvent(kind, { segment, name, at }) {
    flash(segment, kind);
    log(`${kind === 'enter' ? 'Entered' : 'Left'} ${name}`, kind === 'enter' ? 'enter' : 'exit', at);
  }

  // Segment ids a variant's `when` names ({segments: {$in: [...]}}, also inside $or/$and).
  function namedSegments(when, out = []) {
    if (Array.isArray(when)) for (const w of when) namedSegments(w, out);
    else if (when && typeof when === 'object') {
      for (const [key, value] of Object.entries(when)) {
        if (key === 'segments') out.push(...[value?.$in, value?.$all, value?.$elemMatch?.$eq, typeof value === 'string' ? [value] : null].flat().filter((x) => typeof x === 'string'));
        else if (key.startsWith('$')) namedSegments(value, out);
      }
    }
    return out;
  }

  // The leaves of a `when` that hold for the visitor ("stage is decision").
  function heldLeaves(when, attrs) {
    const out = [];
    const visit = (w) => {
      if (Array.isArray(w)) return w.forEach(visit);
      if (!w || typeof w !== 'object') return;
      for (const [key, value] of Object.entries(w)) {
        if (key.startsWith('$')) visit(value);
        else if (key !== 'segments' && (typeof value !== 'object' || value === null) && attrs[key] === value) out.push(`${key} is ${value}`);
      }
    };
    visit(when);
    return out;
  }

  // Why a slot shows its variant, in words: the segment (or the facts) behind a rule.
  function describeDecision(slot, d, member, attrs) {
    if (!engine.consent.personalization) return 'the default: no consent to personalization';
    if (d.reason.kind === 'rule') {
      const when = slot.variants?.[d.reason.rule]?.when;
      const segs = namedSegments(when).filter((id) => member.has(id));
      if (segs.length) return `because the visitor is in ${segs.map((id) => `“${segmentsById.get(id)?.name ?? id}”`).join(' and ')}`;
      const facts = heldLeaves(when, attrs);
      if (facts.length) return `because ${facts.join(' and ')}`;
      return `its rule matched (variant ${d.reason.rule + 1})`;
    }
    if (d.reason.kind === 'experiment') return `assigned by ${d.experiment?.key ?? 'the experiment'}`;
    return 'no rule matched: the default';
  }

  // "111": what the digits mean, for someone who has never seen RFM.
  function describeRfm(r) {
    if (!r) return '—';
    const words = `recency ${r.r}, frequency ${r.f}, monetary ${r.m} (each 1 = lowest … 5 = highest)`;
    return r.cell === '111' || (r.r === 1 && r.f === 1 && r.m === 1)
      ? `${r.cell}: no purchase history yet — ${words}`
      : `${r.cell} (score ${r.score}): ${words}`;
  }

  function renderOverview(s, attrs) {
    clear(overview.body);
    const score = s.score === null ? '—' : num(s.score, 1);
    const bar = el('div', { class: 'score-bar' }, el('span', { class: 'score-fill' }));
    bar.firstChild.style.setProperty('--score', String(Math.max(0, Math.min(100, s.score ?? 0))));
    overview.body.append(
      el('div', { class: 'score-row' },
        el('div', { class: 'score-big' }, el('span', { id: 'insp-score', class: 'score-value' }, score), el('span', { class: 'score-max' }, '/ 100')),
        el('div', { class: 'score-chips' },
          chip(`grade ${s.grade ?? '—'}`, 'chip-grade'),
          el('span', { class: 'chip chip-cell', id: 'insp-leadcell' }, s.leadCell ?? '—'),
          el('span', { class: `chip temp temp-${s.temperature ?? 'none'}`, id: 'insp-temperature' }, s.temperature ?? '—'))),
      bar,
      kv([
        ['Stage', el('span', { id: 'insp-stage' }, s.stage ?? '—')],
        ['Grade', el('span', { id: 'insp-grade' }, s.grade ?? '—')],
        ['MQL', s.mql ? `yes, ${ago(clock() - s.mql)}` : 'no', { id: 'insp-mql' }],
        ['SQL', s.sql ? `yes, ${ago(clock() - s.sql)}` : 'no', { id: 'insp-sql' }],
        ['RFM cell', el('span', { id: 'insp-rfm' }, describeRfm(attrs.rfm))],
      ]));
  }

  const assignments = new Map();

  function readExperiments() {
    try {
      const list = engine.experiments();
      assignments.clear();
      for (const x of Array.isArray(list) ? list : []) if (x.assigned) assignments.set(x.experiment, x.assigned);
      return list;
    } catch (error) {
      return error;
    }
  }

  function renderSlots(member, visitor) {
    clear(slots.body);
    const rows = [];
    let behind = null; // the segment behind the first personalized decision
    for (const slot of config.slots ?? []) {
      let text;
      let attrs = {};
      if (slot.experiment) {
        // decide() would assign and expose: show what the page rendered, the
        // assignment, or else what peek() says the visitor would get.
        const shown = document.querySelector(`[data-leadseg-slot="${slot.id}"][data-leadseg-variant]`)?.getAttribute('data-leadseg-variant');
        const assigned = assignments.get(slot.experiment.key);
        let peeked = null;
        if (!shown && !assigned) {
          try {
            peeked = engine.peek(slot.id).variant;
          } catch {
            // shown as "—"
          }
        }
        const variant = shown ?? assigned ?? peeked;
        const name = slot.variants?.find((v) => v.id === variant)?.name;
        text = el('span', {}, el('b', {}, variant ?? '—'), name ? ` “${name}”` : '', el('br'),
          el('span', { class: 'muted' }, !shown
            ? `not on this page${assigned ? ' (assigned earlier)' : peeked ? ' (would get this: peek, nothing recorded)' : ''}`
            : engine.consent.personalization ? `assigned by ${slot.experiment.key}` : 'the default (no experiment without consent)'));
        rows.push([slot.name ?? slot.id, text, { id: `insp-slot-${slot.id}`, 'data-variant': variant ?? '' }]);
        continue;
      }
      try {
        const d = engine.peek(slot.id); // the inspector only looks
        const variant = slot.variants?.find((v) => v.id === d.variant);
        if (!behind && d.reason.kind === 'rule') behind = namedSegments(slot.variants?.[d.reason.rule]?.when).find((id) => member.has(id)) ?? null;
        text = el('span', {}, el('b', {}, d.variant), variant?.name ? ` “${variant.name}”` : '', el('br'),
          el('span', { class: 'muted reason', title: d.reason.path ?? '' }, describeDecision(slot, d, member, visitor)));
        attrs = { id: `insp-slot-${slot.id}`, 'data-variant': d.variant };
      } catch (error) {
        text = `error: ${error.message}`;
      }
      rows.push([slot.name ?? slot.id, text, attrs]);
    }
    slots.body.append(kv(rows));
    if (!engine.consent.personalization) {
      slots.body.append(el('p', { class: 'insp-hint' }, 'No personalization consent: every slot shows its default.'));
    }
    // The explain box follows the segment behind the decision, until the visitor picks one.
    if (behind && !explainPicked && behind !== explainId) {
      explainId = behind;
      explainSelect.value = behind;
    }
  }

  function renderSegments(member) {
    let n = 0;
    for (const [id, li] of segmentNodes) {
      const isMember = member.has(id);
      if (isMember) n += 1;
      li.dataset.member = String(isMember);
      li.classList.toggle('is-member', isMember);
      li.classList.toggle('is-selected', id === explainId);
    }
    segmentCount.textContent = `${n} of ${segmentNodes.size} segments`;
    segmentCount.dataset.count = String(n);
  }

  function renderExplain() {
    clear(explainOut);
    if (!explainId) return;
    let x;
    try {
      x = engine.explain(explainId);
    } catch (error) {
      explainOut.append(el('p', { class: 'insp-error' }, error.message));
      return;
    }
    explainOut.append(
      el('p', { class: `explain-verdict ${x.member ? 'yes' : 'no'}`, id: 'insp-explain-verdict', 'data-member': String(x.member) },
        x.member ? 'Member: every condition holds' : 'Not a member'),
      x.description ? el('p', { class: 'insp-hint' }, x.description) : null);
    const table = el('table', { class: 'mini-table explain-table' },
      el('thead', {}, el('tr', {}, el('th', {}, ''), el('th', {}, 'attribute'), el('th', {}, 'condition'), el('th', {}, 'actual'))));
    const body = el('tbody');
    for (const leaf of x.leaves ?? []) {
      body.append(el('tr', { class: leaf.passed ? 'pass' : 'fail' },
        el('td', { class: 'mark' }, leaf.passed ? '✓' : '✗'),
        el('td', {}, el('code', { title: leaf.path }, leaf.attribute)),
        el('td', {}, el('code', {}, json(leaf.condition))),
        el('td', {}, el('code', {}, json(leaf.actual)))));
    }
    table.append(body);
    explainOut.append(table);
  }

  function renderBreakdown(s) {
    clear(breakdown.body);
    const b = s.behavioral;
    if (b) {
      breakdown.body.append(el('h4', {}, 'Behavior'), kv([
        ['Points earned', num(b.raw, 1)],
        ['Lost to decay', `−${num(b.decay, 2)}`],
        ['Now worth', num(b.value, 2)],
        ['Older awards', String(b.earlierAwards ?? 0)],
      ]));
      const list = el('ul', { class: 'award-list', id: 'insp-awards' });
      for (const a of [...(b.awards ?? [])].reverse().slice(0, 12)) {
        list.append(el('li', {}, el('b', { class: a.points < 0 ? 'neg' : 'pos' }, `${a.points > 0 ? '+' : ''}${a.points}`),
          ` ${a.rule} `, el('span', { class: 'muted' }, `(${a.event}, ${ago(clock() - a.at)})`)));
      }
      if (!list.children.length) list.append(el('li', { class: 'muted' }, 'No awards yet'));
      breakdown.body.append(list);
    }
    if (s.traits) {
      breakdown.body.append(el('h4', {}, `Traits (${num(s.traits.value, 1)})`), ruleList(s.traits.rules));
    }
    if (s.fit) {
      const bands = Object.entries(s.fit.bands ?? {}).map(([g, p]) => `${g} ≥ ${p}`).join(', ');
      breakdown.body.append(el('h4', {}, `Fit for the grade (${s.fit.points} points; ${bands})`), ruleList(s.fit.rules));
    }
    if (s.clamped) breakdown.body.append(el('p', { class: 'insp-hint' }, 'The score was clamped to the configured range.'));
  }

  function ruleList(rules) {
    return el('ul', { class: 'rule-list' }, (rules ?? []).map((r) =>
      el('li', { class: r.matched ? 'pass' : 'fail' }, el('span', { class: 'mark' }, r.matched ? '✓' : '✗'), ` ${r.rule} `,
        el('span', { class: 'muted' }, `${r.points > 0 ? '+' : ''}${r.points}`))));
  }

  function renderLifecycle(s) {
    clear(lifecycle.body);
    const stages = (config.lifecycle?.stages ?? []).map((x) => x.id);
    const current = stages.indexOf(s.stage);
    lifecycle.body.append(el('ol', { class: 'stage-track' }, stages.map((id, i) =>
      el('li', { class: i < current ? 'done' : i === current ? 'current' : '' }, id))));
    const history = el('ul', { class: 'award-list', id: 'insp-stage-history' });
    for (const h of s.stageHistory ?? []) {
      history.append(el('li', {}, `${h.from ?? 'start'} → `, el('b', {}, h.to), el('span', { class: 'muted' }, ` ${ago(clock() - h.at)}`)));
    }
    if (!history.children.length) history.append(el('li', { class: 'muted' }, 'No stage moves yet'));
    lifecycle.body.append(el('h4', {}, 'History'), history);
  }

  function renderRfm(attrs, m) {
    clear(rfm.body);
    const r = attrs.rfm;
    if (!r) {
      rfm.body.append(el('p', { class: 'muted' }, 'No RFM in this config.'));
      return;
    }
    rfm.body.append(el('div', { class: 'rfm-digits' },
      ['r', 'f', 'm'].map((k) => el('div', { class: 'rfm-digit' }, el('span', { class: 'rfm-n' }, String(r[k])), el('span', { class: 'rfm-l' }, { r: 'recency', f: 'frequency', m: 'monetary' }[k])))),
    kv([
      ['Cell', r.cell], ['Score', String(r.score)],
      [config.rfm?.recency?.metric ?? 'recency', json(m[config.rfm?.recency?.metric])],
      [config.rfm?.frequency?.metric ?? 'frequency', json(m[config.rfm?.frequency?.metric])],
      [config.rfm?.monetary?.metric ?? 'monetary', json(m[config.rfm?.monetary?.metric])],
    ]));
  }

  function renderMetrics(m) {
    clear(metrics.body);
    const table = el('table', { class: 'mini-table', id: 'insp-metrics' });
    for (const [id, value] of Object.entries(m)) {
      table.append(el('tr', { 'data-metric': id }, el('td', {}, el('code', {}, id)), el('td', { class: 'num' }, typeof value === 'number' ? num(value, 2) : json(value))));
    }
    metrics.body.append(table);
  }

  function renderExperiments(list) {
    clear(experiments.body);
    if (list instanceof Error) {
      const error = list;
      experiments.body.append(el('p', { class: 'insp-error' }, error.message));
      return;
    }
    if (!Array.isArray(list) || !list.length) {
      experiments.body.append(el('p', { class: 'muted' }, 'No experiment has run yet.'));
      return;
    }
    for (const x of list) {
      experiments.body.append(el('p', { class: 'exp-head', 'data-experiment': x.experiment },
        el('b', {}, x.experiment), ` (${x.mode ?? 'experiment'}, slot ${x.slot}) · assigned: `,
        el('b', { class: 'exp-assigned' }, x.assigned ?? '—')));
      const table = el('table', { class: 'mini-table' },
        el('thead', {}, el('tr', {}, el('th', {}, 'variant'), el('th', { class: 'num' }, 'exposed'), el('th', { class: 'num' }, 'converted'), el('th', { class: 'num' }, 'P(best)'))));
      const body = el('tbody');
      for (const v of x.variants ?? []) {
        body.append(el('tr', { class: v.id === x.assigned ? 'is-assigned' : '' },
          el('td', {}, v.id), el('td', { class: 'num' }, fmt(v.exposures)), el('td', { class: 'num' }, fmt(v.conversions)),
          el('td', { class: 'num' }, typeof v.probabilityBest === 'number' ? `${Math.round(v.probabilityBest * 100)}%` : '—')));
      }
      table.append(body);
      experiments.body.append(table);
    }
    if (!engine.consent.measurement) experiments.body.append(el('p', { class: 'insp-hint' }, 'No measurement consent: exposures and conversions are not counted.'));
  }

  function renderEvents() {
    clear(eventList);
    const events = engine.export().events;
    const now = clock();
    for (const e of events.slice(-12).reverse()) {
      const props = Object.entries(e.props ?? {}).filter(([k]) => k !== 'title' && k !== 'referrer').map(([k, v]) => `${k}: ${v}`).join(', ');
      eventList.append(el('li', {}, el('code', {}, e.type), props ? el('span', { class: 'muted' }, ` ${props}`) : null,
        el('time', { class: 'change-at', title: new Date(e.ts).toLocaleString() }, ago(Math.max(0, now - e.ts)))));
    }
    if (!events.length) eventList.append(el('li', { class: 'muted' }, 'No events yet'));
    eventList.dataset.count = String(events.length);
  }

  function renderStatus() {
    const c = engine.consent;
    status.textContent = `Engine ready · profile kept in: ${engine.storage === 'none' ? 'memory only (this page)' : engine.storage}`;
    clear(consentLine);
    consentLine.append('Consent: ',
      ...['storage', 'personalization', 'measurement'].map((k) => chip(`${c[k] ? '✓' : '✗'} ${k}`, c[k] ? 'chip-on' : 'chip-off')));
  }

  function update() {
    if (!engine) return;
    const member = new Set(engine.segments());
    renderSegments(member);
    if (!open) return;
    const s = engine.score();
    const attrs = engine.attributes();
    const m = engine.metrics();
    const experimentList = readExperiments();
    renderStatus();
    renderOverview(s, attrs);
    renderSlots(member, attrs);
    renderExplain();
    renderNewcomer(s);
    renderBreakdown(s);
    renderLifecycle(s);
    renderRfm(attrs, m);
    renderMetrics(m);
    renderExperiments(experimentList);
    reportsPanel.render();
    renderEvents();
    renderChanges();
    panel.dataset.updated = String(Date.now());
  }

  return {
    attach(e, options = {}) {
      engine = e;
      if (options.clock) clock = options.clock;
      reportsPanel.attach(e);
      update();
    },
    update,
    log,
    segmentEvent,
    logStep(step, at) {
      log(stepLabel(step), 'step', at);
    },
    clearLog() {
      changeLog.length = 0;
      renderChanges();
    },
    setBusy(value, label) {
      busy = value;
      panel.dataset.busy = String(value);
      for (const b of panel.querySelectorAll('.persona, #reset')) b.disabled = value;
      if (value && label) status.textContent = label;
    },
    setPersona(persona) {
      personaShown = Boolean(persona);
      for (const b of personaButtons.children) b.classList.toggle('is-active', b.dataset.persona === persona?.id);
      personaNote.hidden = !persona;
      clear(personaNote);
      if (persona) personaNote.append('Viewing as ', el('b', {}, persona.name), `: ${persona.story}`);
    },
    setError(message) {
      status.textContent = message;
      status.classList.add('insp-error');
    },
    open: () => setOpen(true),
  };
}
