// Small DOM and formatting helpers shared by the demo's scripts.

/** Creates an element: el('a', {href: '/', class: 'x'}, 'text', child, ...). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (key === 'text') node.textContent = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.firstChild.remove();
  return node;
}

const NUMBER = new Intl.NumberFormat('en-US');

/** 12345 -> "12,345". */
export function fmt(n) {
  return typeof n === 'number' && Number.isFinite(n) ? NUMBER.format(n) : '—';
}

/** Share of a total as "12.3%". */
export function pct(n, total) {
  if (!total) return '—';
  const p = (100 * n) / total;
  return `${p < 10 && p > 0 ? p.toFixed(1) : Math.round(p)}%`;
}

/** A duration in ms as "3 min", "2 h", "4 d". */
export function ago(ms) {
  if (ms < 45_000) return 'just now';
  const min = Math.round(ms / 60_000);
  if (min < 60) return `${min} min ago`;
  const h = Math.round(ms / 3_600_000);
  if (h < 36) return `${h} h ago`;
  const d = Math.round(ms / 86_400_000);
  return `${d} d ago`;
}

/** A number shown with at most `digits` decimals. */
export function num(x, digits = 1) {
  if (typeof x !== 'number' || !Number.isFinite(x)) return x === null || x === undefined ? '—' : String(x);
  const f = 10 ** digits;
  return String(Math.round(x * f) / f);
}

/** A JSON value as short text. */
export function json(value) {
  const text = JSON.stringify(value);
  return text === undefined ? 'undefined' : text;
}
