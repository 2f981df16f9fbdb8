// leadseg playground: evaluates a condition (GrowthBook/Mongo-style) or a
// JsonLogic rule against lead attributes with the WebAssembly engine, live.
import createLeadsegModule from '/web/dist/leadseg.mjs';

const EXAMPLES = {
  growthbook: {
    condition: {
      job_title: { $in: ['CTO', 'IT Manager'] },
      industry: 'Technology',
      pricing_views: { $gte: 2 },
    },
    attributes: {
      job_title: 'CTO',
      industry: 'Technology',
      company_size: 250,
      country: 'DE',
      pricing_views: 3,
      utm_source: 'linkedin',
    },
    savedGroups: {
      target_accounts: ['acme.com', 'globex.com', 'initech.com'],
    },
  },
  jsonlogic: {
    // A lead score rather than a yes/no: JsonLogic rules can compute values.
    condition: {
      '+': [
        { if: [{ in: [{ var: 'job_title' }, ['CTO', 'IT Manager']] }, 40, 0] },
        { if: [{ '==': [{ var: 'industry' }, 'Technology'] }, 25, 0] },
        { '*': [{ var: 'pricing_views' }, 10] },
      ],
    },
    attributes: {
      job_title: 'CTO',
      industry: 'Technology',
      company_size: 250,
      country: 'DE',
      pricing_views: 3,
      utm_source: 'linkedin',
    },
  },
};

const TEXT = {
  growthbook: {
    conditionLabel: 'Condition',
    attributesLabel: 'Lead attributes',
    conditionHint:
      'GrowthBook / Mongo-style: $in, $gte, $regex, $and, $or, $not, $inGroup, dotted paths like "company.size".',
  },
  jsonlogic: {
    conditionLabel: 'JsonLogic rule',
    attributesLabel: 'Data',
    conditionHint:
      'JsonLogic: {"var": "field"}, if, and, or, in, ==, <, +, *, cat, missing, some, all …',
  },
};

const $ = (id) => document.getElementById(id);
const ui = {
  status: $('engine-status'),
  version: $('engine-version'),
  dialect: $('dialect'),
  reset: $('reset-example'),
  condition: $('condition'),
  conditionLabel: $('condition-label'),
  conditionHint: $('condition-hint'),
  attributes: $('attributes'),
  attributesLabel: $('attributes-label'),
  savedGroupsBox: $('saved-groups-box'),
  savedGroups: $('saved-groups'),
  result: $('result'),
  resultValue: $('result-value'),
  resultExplain: $('result-explain'),
  timing: $('timing'),
  error: $('error'),
  errorWhere: $('error-where'),
  errorMessage: $('error-message'),
  errorPath: $('error-path'),
};

let leadseg = null;
const drafts = {}; // per-dialect text the user typed, kept when switching

// Indented JSON that keeps short arrays/objects on one line.
function flat(value) {
  if (Array.isArray(value)) return `[${value.map(flat).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${flat(v)}`).join(', ')}}`;
  }
  return JSON.stringify(value);
}

function pretty(value, indent = '', used = 0) {
  const oneLine = flat(value);
  if (value === null || typeof value !== 'object' || indent.length + used + oneLine.length <= 72) {
    return oneLine;
  }
  const inner = indent + '  ';
  if (Array.isArray(value)) {
    return `[\n${value.map((v) => inner + pretty(v, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value).map(([k, v]) => {
    const key = `${JSON.stringify(k)}: `;
    return inner + key + pretty(v, inner, key.length);
  });
  return `{\n${entries.join(',\n')}\n${indent}}`;
}

function loadExample(dialect) {
  const ex = EXAMPLES[dialect];
  ui.condition.value = pretty(ex.condition);
  ui.attributes.value = pretty(ex.attributes);
  if (ex.savedGroups) ui.savedGroups.value = pretty(ex.savedGroups);
}

function applyDialectText(dialect) {
  const t = TEXT[dialect];
  ui.conditionLabel.textContent = t.conditionLabel;
  ui.attributesLabel.textContent = t.attributesLabel;
  ui.conditionHint.textContent = t.conditionHint;
  ui.savedGroupsBox.hidden = dialect !== 'growthbook';
}

// Which input does a failure belong to? A JSON syntax error is found by
// parsing each input; anything else is about the rule itself.
function locateError() {
  const inputs = [
    ['condition', ui.condition, ui.conditionLabel.textContent],
    ['attributes', ui.attributes, ui.attributesLabel.textContent],
  ];
  if (ui.dialect.value === 'growthbook' && ui.savedGroups.value.trim() !== '') {
    inputs.push(['saved-groups', ui.savedGroups, 'Saved groups']);
  }
  for (const [key, el, label] of inputs) {
    try {
      JSON.parse(el.value);
    } catch {
      return { key, el, label };
    }
  }
  return { key: 'condition', el: ui.condition, label: ui.conditionLabel.textContent };
}

function clearError() {
  ui.error.hidden = true;
  for (const el of [ui.condition, ui.attributes, ui.savedGroups]) {
    el.removeAttribute('aria-invalid');
  }
}

// "at byte 21" -> "at line 3, column 8" in `text` (the byte offset is into
// its UTF-8 encoding; columns count characters from 1).
function byteOffsetToLineColumn(text, byte) {
  let bytes = 0;
  let line = 1;
  let column = 1;
  for (const ch of text) {
    if (bytes >= byte) break;
    bytes += new TextEncoder().encode(ch).length;
    if (ch === '\n') {
      line += 1;
      column = 1;
    } else {
      column += 1;
    }
  }
  return { line, column };
}

function withLineColumn(message, text) {
  const match = / at byte (\d+)$/.exec(message);
  if (!match) return message;
  const { line, column } = byteOffsetToLineColumn(text, Number(match[1]));
  return `${message.slice(0, match.index)} at line ${line}, column ${column}`;
}

function showError(err) {
  const where = locateError();
  const message = withLineColumn(err instanceof Error ? err.message : String(err), where.el.value);
  const errPath = err && typeof err.path === 'string' ? err.path : '';
  ui.result.dataset.state = 'error';
  ui.resultValue.textContent = 'Error';
  ui.resultExplain.textContent = '';
  ui.timing.textContent = '';
  ui.errorWhere.textContent = `Error in ${where.label.toLowerCase()}`;
  ui.errorMessage.textContent = message;
  ui.errorPath.textContent = errPath === '' ? '(document root)' : errPath;
  ui.errorPath.dataset.path = errPath;
  ui.error.hidden = false;
  where.el.setAttribute('aria-invalid', 'true');
}

function formatMs(ms) {
  if (ms < 0.1) return '< 0.1 ms';
  return `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;
}

function evaluate() {
  if (!leadseg) return;
  const dialect = ui.dialect.value;
  drafts[dialect] = {
    condition: ui.condition.value,
    attributes: ui.attributes.value,
  };
  clearError();
  try {
    const t0 = performance.now();
    if (dialect === 'growthbook') {
      const groups = ui.savedGroups.value.trim() || '{}';
      const matched = leadseg.evalCondition(ui.condition.value, ui.attributes.value, groups);
      const ms = performance.now() - t0;
      ui.result.dataset.state = matched ? 'match' : 'nomatch';
      ui.resultValue.textContent = String(matched);
      ui.resultExplain.textContent = matched
        ? 'The lead matches this condition: it is in the segment.'
        : 'The lead does not match this condition.';
      ui.timing.textContent = formatMs(ms);
    } else {
      const json = leadseg.jsonLogicApply(ui.condition.value, ui.attributes.value);
      const ms = performance.now() - t0;
      let shown = json;
      try {
        shown = pretty(JSON.parse(json));
      } catch {
        /* show the raw text */
      }
      ui.result.dataset.state = 'value';
      ui.resultValue.textContent = shown;
      ui.resultExplain.textContent = 'The value the JsonLogic rule computes for this data.';
      ui.timing.textContent = formatMs(ms);
    }
  } catch (err) {
    showError(err);
  }
}

let pending = 0;
function scheduleEvaluate() {
  cancelAnimationFrame(pending);
  pending = requestAnimationFrame(evaluate);
}

function switchDialect() {
  const dialect = ui.dialect.value;
  applyDialectText(dialect);
  const draft = drafts[dialect];
  if (draft) {
    ui.condition.value = draft.condition;
    ui.attributes.value = draft.attributes;
  } else {
    loadExample(dialect);
  }
  evaluate();
}

function setStatus(state, text) {
  ui.status.dataset.state = state;
  ui.status.textContent = text;
}

async function main() {
  applyDialectText(ui.dialect.value);
  loadExample('growthbook');
  for (const el of [ui.condition, ui.attributes, ui.savedGroups]) {
    el.addEventListener('input', scheduleEvaluate);
  }
  ui.dialect.addEventListener('change', switchDialect);
  ui.reset.addEventListener('click', () => {
    delete drafts[ui.dialect.value];
    loadExample(ui.dialect.value);
    evaluate();
  });

  try {
    leadseg = await createLeadsegModule();
  } catch (err) {
    setStatus('error', 'Engine failed to load');
    ui.result.dataset.state = 'error';
    ui.resultValue.textContent = 'Unavailable';
    ui.errorWhere.textContent = 'The WebAssembly engine could not be loaded';
    ui.errorMessage.textContent = err instanceof Error ? err.message : String(err);
    ui.errorPath.textContent = '(none)';
    ui.error.hidden = false;
    throw err;
  }
  const version = leadseg.version();
  ui.version.textContent = version;
  setStatus('ready', `Engine ready · v${version}`);
  evaluate();
  document.body.dataset.ready = 'true';
}

main();
