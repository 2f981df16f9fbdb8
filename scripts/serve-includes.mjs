// Server-side includes for the demo pages: the eight Northwind pages share
// one header, CTA band, footer and demo bar (demo/partials/*.html). A page
// says where with a comment on its own line,
//
//   <!--#include header -->
//
// and gets real HTML (visible without JavaScript, crawlable). The main
// navigation link whose data-nav equals the page's <body data-page> gets
// aria-current="page".
import fs from 'node:fs';
import path from 'node:path';

const INCLUDE_SOURCE = '^[ \\t]*<!--#include ([a-z][a-z0-9-]*) -->[ \\t]*\\n?';
const include = () => new RegExp(INCLUDE_SOURCE, 'gm');

/** Whether `html` has include directives. */
export function hasIncludes(html) {
  return include().test(html);
}

/**
 * Expands the includes of `html` from `partialsDir`.
 * @returns {Promise<{html: string, files: string[]}>} the page and the partials it read
 */
export async function expandIncludes(html, partialsDir) {
  const names = [...new Set([...html.matchAll(include())].map((m) => m[1]))];
  const partials = new Map();
  for (const name of names) {
    const file = path.join(partialsDir, `${name}.html`);
    partials.set(name, { file, text: await fs.promises.readFile(file, 'utf8') });
  }
  let out = html.replace(include(), (_, name) => partials.get(name).text);
  const page = /<body[^>]*\sdata-page="([^"]+)"/.exec(out)?.[1];
  if (page) out = out.replace(`data-nav="${page}">`, `data-nav="${page}" aria-current="page">`);
  return { html: out, files: [...partials.values()].map((p) => p.file) };
}
