#!/usr/bin/env node
// Builds the package's browser file: web/dist/leadseg.browser.js, one
// minified ES module that a page imports with one request (the unbundled
// web/src is a waterfall of ~26 modules). Run by `scripts/build.sh wasm`
// after the Emscripten build, whose glue it bundles.
//
//   node scripts/bundle-web.mjs [--modules] [--gzip]
//
// --modules also prints what each source module contributes to the entry
// (minified bytes, from esbuild's metafile): where to look for bytes a
// page does not need. --gzip prints what gzip -9 of the entry loses
// without each web/src module (gzipShares below): the bytes a change saves.
//
// What goes where:
// - leadseg.browser.js: web/src/index.js, its static imports and the
//   Emscripten glue of the page's core (PAGE_GLUE), so that createEngine()
//   fetches only the wasm after it.
// - leadseg.browser-<name>.js: every other dynamic import() in web/src
//   (segmentLeads' batch/CSV code, ...), loaded on first use; code they
//   share with each other goes to leadseg.browser-shared-<hash>.js.
//   Among them the page chunks (PAGE_CHUNKS), which a page loads while
//   createEngine() runs or when consent comes: the dataLayer and page-view
//   hooks, and the stored profile (profile-storage.js: persistence, replay,
//   tabs), which only a visitor with storage consent loads; the synchronous
//   journal and the storage adapters (public classes) stay in the entry
//   (web/src/engine.js says why).
// - prepaint.js: web/src/prepaint.js minified, still a classic script (the
//   pre-paint script a page puts in <head>; see minifyPrepaint below).
//
// Why two esbuild passes rather than one with `splitting: true`: esbuild
// puts every module the entry and a lazy chunk both use (errors.js,
// loader.js, csv.js) in a separate shared chunk that the entry imports
// statically, so a page would fetch two files in sequence. Here the entry
// holds all of them, and the lazy chunks bring their own copies of the
// stateless helpers. loader.js holds the page's one core instance, so a
// lazy chunk does not copy it: it imports the entry's public `loadCore`
// (SHARED_WITH_PAGE).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WEB_SRC = path.join(REPO_ROOT, 'web', 'src');
const DIST = path.join(REPO_ROOT, 'web', 'dist');

// The WebAssembly files the package ships. web/src names each as
// new URL('../dist/<file>', import.meta.url); the bundle lives in dist/
// itself, so each becomes './<file>': the wasm is found next to the bundle
// wherever it is served from.
export const WASM_FILES = ['leadseg-runtime.wasm', 'leadseg.wasm', 'leadseg-learn.wasm', 'leadseg-batch.wasm'];
// The Emscripten glue every createEngine() loads: bundled into the entry.
export const PAGE_GLUE = ['leadseg-runtime.mjs'];
export const ENTRY_NAME = 'leadseg.browser';
// Lazy chunks a page loads while createEngine() runs (engine.js: the
// dataLayer and page-view hooks, with their options; the stored profile,
// with storage consent): each is built on its own, with its own copy of
// the few helpers it uses, so that it is one request rather than a chunk
// and then the shared chunk it imports. Their own dynamic imports
// (profile-storage.js's snapshot upgrade) stay chunks of their own, built
// with the others. The other lazy chunks (batch, CSV, compiler, learning)
// share their helpers: they are larger and load together. Paths relative
// to web/src.
export const PAGE_CHUNKS = ['datalayer.js', 'pageviews.js', 'profile-storage.js'];
// Modules whose state must be one per page, as the lazy chunks see them:
// re-exported from the entry's public API instead of copied.
const SHARED_WITH_PAGE = new Map([
  [path.join(WEB_SRC, 'loader.js'), `export { loadCore as loadModule } from './${ENTRY_NAME}.js';`],
]);

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  console.error('bundle-web: esbuild is not installed; run: bash scripts/setup.sh');
  process.exit(1);
}

/**
 * Rewrites '../dist/<wasm file>' in web/src modules to './<wasm file>'; records which were seen.
 * `transform(text)`, if given, rewrites each module's text first.
 */
function wasmNextToBundle(seen, transform = (text) => text) {
  return {
    name: 'wasm-next-to-bundle',
    setup(build) {
      build.onLoad({ filter: /\.m?js$/ }, async (args) => {
        if (args.namespace !== 'file' || !args.path.startsWith(WEB_SRC + path.sep)) return undefined;
        let text = transform(await fs.promises.readFile(args.path, 'utf8'));
        for (const file of WASM_FILES) {
          for (const q of [`'`, '"']) {
            if (!text.includes(`${q}../dist/${file}${q}`)) continue;
            text = text.replaceAll(`${q}../dist/${file}${q}`, `${q}./${file}${q}`);
            seen.add(file);
          }
        }
        return { contents: text, loader: 'js' };
      });
    },
  };
}

// The page's glue imported statically by the entry, where web/src writes
// `import('../dist/<glue>')` (loader.js: node must not load the browser's
// glue). esbuild wraps a module that is the target of an import() in a
// function it calls on the import, so the glue's factory (~20 KB: the
// Emscripten runtime and the --post-js files) was parsed and compiled on
// the page's main thread inside createEngine. Imported statically it is
// top-level code, `var f = (() => { ...; return (function (Module) {...}) })()`,
// whose parenthesized functions V8 compiles with the rest of the bundle on
// its streaming thread (docs/performance.md, "The page's JavaScript at
// start-up"). The import() becomes `Promise.resolve(<the glue's
// namespace>)`: the same value, and still awaited where it was.
// `seen` records the glue files rewritten.
function pageGlueStatic(seen) {
  return (text) => {
    PAGE_GLUE.forEach((file, i) => {
      for (const q of [`'`, '"']) {
        const call = `import(${q}../dist/${file}${q})`;
        if (!text.includes(call)) continue;
        const name = `__leadsegPageGlue${i}`;
        text = `import * as ${name} from ${q}../dist/${file}${q};\n${text.replaceAll(call, `Promise.resolve(${name})`)}`;
        seen.add(file);
      }
    });
    return text;
  };
}

/** Entry pass: every dynamic import() except the page's glue stays a separate file. */
function lazyChunks(lazy) {
  return {
    name: 'lazy-chunks',
    setup(build) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind !== 'dynamic-import' || args.pluginData?.lazyChunks) return undefined;
        const resolved = await build.resolve(args.path, {
          kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { lazyChunks: true },
        });
        if (resolved.errors.length) return { errors: resolved.errors };
        if (PAGE_GLUE.includes(path.basename(resolved.path))) return resolved;
        const name = path.basename(resolved.path).replace(/\.m?js$/, '');
        lazy.set(resolved.path, name);
        return { path: `./${ENTRY_NAME}-${name}.js`, external: true };
      });
    },
  };
}

/** Lazy pass: modules in SHARED_WITH_PAGE come from the entry. */
function fromPage() {
  return {
    name: 'from-page',
    setup(build) {
      build.onResolve({ filter: /^\./ }, (args) => {
        const target = path.resolve(args.resolveDir, args.path);
        return SHARED_WITH_PAGE.has(target) ? { path: target, namespace: 'from-page' } : undefined;
      });
      build.onLoad({ filter: /.*/, namespace: 'from-page' }, (args) => ({
        contents: SHARED_WITH_PAGE.get(args.path), loader: 'js', resolveDir: DIST,
      }));
      build.onResolve({ filter: new RegExp(`^\\./${ENTRY_NAME.replace('.', '\\.')}\\.js$`) }, (args) => ({ path: args.path, external: true }));
    },
  };
}

const common = {
  bundle: true,
  format: 'esm',
  platform: 'browser',
  minify: true,
  sourcemap: true,
  metafile: true,
  logLevel: 'silent',
  absWorkingDir: REPO_ROOT,
};

function failOnWarnings(result, what) {
  if (result.warnings.length) {
    const text = esbuild.formatMessagesSync(result.warnings, { kind: 'warning' }).join('\n');
    throw new Error(`${what}: esbuild warned (the bundle must build cleanly):\n${text}`);
  }
}

// segmentLeads' module worker (web/src/batch-worker.js, started by
// batch-workers.js as new URL('./batch-worker.js', import.meta.url)): its
// own file next to the bundle, leadseg.browser-batch-worker.js, which loads
// the full module's glue (dist/leadseg.mjs, next to it) when it starts.
export const BATCH_WORKER = `${ENTRY_NAME}-batch-worker.js`;

// A module worker the package starts as new URL('./<source>',
// import.meta.url) from `starter`: in the bundle the URL names the worker's
// own file next to the bundle, `output`.
function workerNextToBundle(starter, source, output) {
  return {
    name: `${source}-next-to-bundle`,
    setup(build) {
      build.onLoad({ filter: new RegExp(`${starter.replaceAll('.', '\\.')}$`) }, async (args) => {
        const text = await fs.promises.readFile(args.path, 'utf8');
        if (!text.includes(`'./${source}'`)) throw new Error(`${args.path} no longer names './${source}': update scripts/bundle-web.mjs`);
        return { contents: text.replaceAll(`'./${source}'`, `'./${output}'`), loader: 'js' };
      });
    },
  };
}
const batchWorkerNextToBundle = () => workerNextToBundle('batch-workers.js', 'batch-worker.js', BATCH_WORKER);

// Bundles a worker's entry (web/src/<source>) as `output`, the module glue
// it imports (../dist/*.mjs) left as a file next to it, but for the glue
// files named in glueInside, bundled into it (the worker then needs nothing
// next to it for them, the page passing the wasm's URL).
async function bundleWorker(source, output, plugins, what, { glueInside = [] } = {}) {
  const worker = await esbuild.build({
    ...common,
    entryPoints: { [output.replace(/\.js$/, '')]: path.join(WEB_SRC, source) },
    outdir: DIST,
    plugins: [{
      name: 'glue-next-to-worker',
      setup(build) {
        build.onResolve({ filter: /^\.\.\/dist\/.*\.mjs$/ }, (args) => (glueInside.includes(path.basename(args.path))
          ? undefined : { path: `./${path.basename(args.path)}`, external: true }));
      },
    }, ...plugins],
  });
  failOnWarnings(worker, what);
  return worker;
}

// trainModel / discoverSegments' module worker (web/src/learn-worker.js,
// started by learn-in-worker.js as new URL('./learn-worker.js',
// import.meta.url) for { worker: true }): its own file next to the bundle,
// leadseg.browser-learn-worker.js, with the learning module's glue inside:
// a bundler that copies the worker file as an asset (Vite does, for a
// new URL() it finds in a dependency) copies nothing next to it, so the
// worker imports nothing and loads the wasm from the URL the page passes
// (tests/browser/learn-vite.test.mjs).
export const LEARN_WORKER = `${ENTRY_NAME}-learn-worker.js`;

const learnWorkerNextToBundle = () => workerNextToBundle('learn-in-worker.js', 'learn-worker.js', LEARN_WORKER);

// --- node: web/dist/leadseg.node.mjs ----------------------------------------
// The "node" condition's file: web/src/node.js and its static imports in
// one ES module. Node's ESM loader pays per file (resolve, realpath, read,
// compile, link): web/src/node.js's 41 modules cost a fresh process ~25 ms
// of CPU to import, one file ~7 ms (docs/performance.md, "A node
// process's cold start"). Each dynamic import() (batch, CSV, learning,
// compiler, estimator, the page hooks) is a file of its own,
// leadseg.node-<name>.mjs, loaded on first use, with the helpers they
// share in leadseg.node-shared-<hash>.mjs: the entry does not parse them
// at every start (half its bytes: ~3 ms of the import, "A fresh node
// process without crypto"). As in the browser bundle, the lazy files take
// loader.js from the entry (its public loadCore: one core per process);
// the batch and learning loaders live only in the lazy files, each of
// which sets them for node first (node-loaders.js).
// The Emscripten glue and wasm stay files next to it; web/src names them
// '../dist/<file>', which from dist/ is dist/ again, so those paths are
// left as they are. A module worker's './<worker>.js' is the worker's
// source in ../src/.
export const NODE_ENTRY = 'leadseg.node.mjs';
const NODE_PREFIX = 'leadseg.node';
const NODE_LOADERS = path.join(WEB_SRC, 'node-loaders.js');
// Modules that must not be in the node entry: their state is the lazy
// files' (set by node-loaders.js there).
const NODE_LAZY_STATE = ['batch-module.js', 'learn-loader.js'].map((f) => path.join(WEB_SRC, f));

const nodeCommon = {
  ...common,
  platform: 'node',
  outExtension: { '.js': '.mjs' },
};

// Both node passes: the glue stays a file, but for the runtime module's ES
// glue in the entry (`glueSeen`: the entry pass), imported statically as in
// the page's bundle (pageGlueStatic): a fresh process then reads, compiles
// and links one file to its first decision, not the entry and the
// CommonJS glue through node's CJS loader (~1.5 ms of CPU,
// docs/performance.md, "A fresh node process: the node entry's own
// JavaScript"). Every import() of that glue in the entry becomes the
// static import, loader.js's browser loaders' too (dead code under node,
// which sets its own): one import() left would make esbuild wrap the glue
// in a function run on first use, whose ~20 KB V8 then parses twice (its
// pre-parse in the module's compile, and again when it first runs).
// Workers run from ../src/.
function nodeFiles(glueSeen) {
  return {
    name: 'node-files',
    setup(build) {
      build.onResolve({ filter: /^\.\.\/dist\// }, (args) => (glueSeen && PAGE_GLUE.includes(path.basename(args.path))
        ? undefined : { path: args.path, external: true }));
      if (glueSeen) {
        build.onLoad({ filter: /[\\/]loader(-node)?\.js$/ }, async (args) => ({
          contents: pageGlueStatic(glueSeen)(await fs.promises.readFile(args.path, 'utf8')), loader: 'js',
        }));
      }
      build.onLoad({ filter: /(batch-workers|learn-in-worker)\.js$/ }, async (args) => ({
        contents: (await fs.promises.readFile(args.path, 'utf8')).replace(/'\.\/((batch|learn)-worker\.js)'/g, "'../src/$1'"),
        loader: 'js',
      }));
    },
  };
}

// Entry pass: every dynamic import() of web/src becomes './leadseg.node-<name>.mjs';
// node-loaders.js is a stub (the lazy files set the loaders).
function nodeEntryPlugin(lazy) {
  return {
    name: 'node-entry',
    setup(build) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind !== 'dynamic-import' || args.pluginData?.nodeEntry || /^(\.\.\/dist\/|node:)/.test(args.path)) return undefined;
        const resolved = await build.resolve(args.path, {
          kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { nodeEntry: true },
        });
        if (resolved.errors.length) return { errors: resolved.errors };
        const name = path.basename(resolved.path).replace(/\.m?js$/, '');
        lazy.set(resolved.path, name);
        return { path: `./${NODE_PREFIX}-${name}.mjs`, external: true };
      });
      build.onLoad({ filter: /node-loaders\.js$/ }, (args) => (args.path === NODE_LOADERS
        ? { contents: 'export function setNodeLoaders() {}', loader: 'js' } : undefined));
    },
  };
}

// Lazy pass: each lazy file sets node's loaders, then is the module; and
// loader.js comes from the entry.
function nodeLazyPlugin() {
  return {
    name: 'node-lazy',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => (args.kind === 'entry-point' ? { path: args.path, namespace: 'node-lazy-entry' } : undefined));
      build.onLoad({ filter: /.*/, namespace: 'node-lazy-entry' }, (args) => ({
        contents: `import { setNodeLoaders } from ${JSON.stringify(NODE_LOADERS)};\nsetNodeLoaders();\nexport * from ${JSON.stringify(args.path)};\n`,
        loader: 'js',
        resolveDir: WEB_SRC,
      }));
      build.onResolve({ filter: /^\./ }, (args) => (path.resolve(args.resolveDir, args.path) === path.join(WEB_SRC, 'loader.js')
        ? { path: 'loader.js', namespace: 'from-node-entry' } : undefined));
      build.onLoad({ filter: /.*/, namespace: 'from-node-entry' }, () => ({
        contents: `export { loadCore as loadModule } from './${NODE_ENTRY}';`, loader: 'js', resolveDir: DIST,
      }));
      build.onResolve({ filter: new RegExp(`^\\./${NODE_ENTRY.replaceAll('.', '\\.')}$`) }, (args) => ({ path: args.path, external: true }));
    },
  };
}

async function bundleNode() {
  const lazy = new Map();
  const glueSeen = new Set();
  const entry = await esbuild.build({
    ...nodeCommon,
    entryPoints: { [NODE_PREFIX]: path.join(WEB_SRC, 'node.js') },
    outdir: DIST,
    plugins: [nodeFiles(glueSeen), nodeEntryPlugin(lazy)],
  });
  failOnWarnings(entry, 'node entry');
  if (!PAGE_GLUE.every((file) => glueSeen.has(file))) throw new Error(`web/src/loader-node.js no longer imports ${PAGE_GLUE.join(', ')} with import(): update nodeFiles in scripts/bundle-web.mjs`);
  const held = NODE_LAZY_STATE.filter((file) => entry.metafile.inputs[path.relative(REPO_ROOT, file)]);
  if (held.length) throw new Error(`${NODE_ENTRY} holds ${held.map((f) => path.relative(WEB_SRC, f)).join(', ')}, whose state its lazy files set: update scripts/bundle-web.mjs`);
  const chunks = await esbuild.build({
    ...nodeCommon,
    entryPoints: Object.fromEntries([...lazy].map(([file, name]) => [`${NODE_PREFIX}-${name}`, file])),
    outdir: DIST,
    splitting: true,
    chunkNames: `${NODE_PREFIX}-shared-[hash]`,
    plugins: [nodeLazyPlugin(), nodeFiles()],
  });
  failOnWarnings(chunks, 'node lazy files');
  for (const [out, meta] of Object.entries(chunks.metafile.outputs)) {
    if (Object.keys(meta.inputs).some((i) => path.resolve(REPO_ROOT, i) === path.join(WEB_SRC, 'loader.js'))) {
      throw new Error(`${out} copies loader.js, which must exist once per process`);
    }
  }
  return { metafile: { outputs: { ...entry.metafile.outputs, ...chunks.metafile.outputs } } };
}

// --- prepaint: web/dist/prepaint.js ------------------------------------------
// The pre-paint script (web/src/prepaint.js, read it there) is the one
// file a page runs before its first paint: a blocking classic script in
// <head>, so its bytes delay that paint. Its comments are most of them
// (5.2 KB, 2.0 KB gzip, as written; 1.8 KB, 0.8 KB gzip, minified). Shipped
// minified next to the bundle, still a classic script: esbuild's transform
// (no bundling, no module format) with the source's own syntax level (ES5:
// an old browser that cannot run the engine must not fail to parse it
// either). The package's "./prepaint.js" export names this file.
export const PREPAINT = 'prepaint.js';

async function minifyPrepaint() {
  const source = await fs.promises.readFile(path.join(WEB_SRC, PREPAINT), 'utf8');
  const result = await esbuild.transform(source, { loader: 'js', minify: true, target: 'es5', sourcefile: PREPAINT, logLevel: 'silent' });
  if (result.warnings.length) {
    throw new Error(`prepaint: esbuild warned:\n${esbuild.formatMessagesSync(result.warnings, { kind: 'warning' }).join('\n')}`);
  }
  const out = path.join(DIST, PREPAINT);
  await fs.promises.writeFile(out, result.code);
  return out;
}

// V8's explicit compile hint (Chrome 136 on), the entry's first line: V8
// then compiles every function of the file eagerly, on the thread that
// streams and parses it, instead of lazily on the page's main thread at
// its first call. The entry is what createEngine() runs (the glue, the
// --post-js code, the facade): ~160 small functions compiled lazily at
// 10-20 us each were most of the main thread's JavaScript compiles to the
// first decision. The cost is compiling the functions the start-up never
// calls too, off the main thread, before the import resolves
// (docs/performance.md, "The page's JavaScript compiled with the bundle").
// The page chunks have it too: what they hold runs as they load (the
// stored profile's read and replay at createEngine with storage consent:
// without it, that path's main thread read 0.4-7.9 ms above the entry that
// held the code, in three cold Chromium runs; with it, -1.9 and +3.7 ms).
// The other lazy chunks do not: a page that loads them calls only part of
// them. esbuild's banner keeps the source map's lines right.
export const COMPILE_HINT = '//# allFunctionsCalledOnLoad';

// The entry's build (leadseg.browser.js); `extraPlugins` run first.
// `glueSeen` records the page's glue files imported statically.
function entryOptions(seen, lazy, extraPlugins = [], glueSeen = new Set()) {
  return {
    ...common,
    banner: { js: COMPILE_HINT },
    entryPoints: { [ENTRY_NAME]: path.join(WEB_SRC, 'index.js') },
    outdir: DIST,
    plugins: [...extraPlugins, lazyChunks(lazy), batchWorkerNextToBundle(), learnWorkerNextToBundle(), wasmNextToBundle(seen, pageGlueStatic(glueSeen))],
  };
}

// --gzip: what gzip -9 of the entry loses without each web/src module (its
// code gone, its exports left as empty functions so the rest still
// builds). The minified bytes of --modules say little about that: gzip
// finds code written twice, or strings the glue also has, and charges
// them a few bytes, while a module's own messages cost about what they
// weigh. A module whose imports only it uses takes them along (engine.js,
// profile-storage.js). Rough (export names read by a regex); a dev tool.
async function gzipShares(modules) {
  const build = async (stubbed) => {
    const result = await esbuild.build({
      ...entryOptions(new Set(), new Map(), [{
        name: 'stub-one-module',
        setup(b) {
          b.onLoad({ filter: /\.js$/ }, async (args) => {
            if (args.path !== stubbed) return undefined;
            const text = await fs.promises.readFile(args.path, 'utf8');
            const names = new Set();
            for (const m of text.matchAll(/export\s+(?:async\s+)?(?:function\*?|class|const|let)\s+([\w$]+)/g)) names.add(m[1]);
            for (const m of text.matchAll(/export\s*\{([^}]*)\}/g)) {
              for (const spec of m[1].split(',')) {
                const name = spec.trim().split(/\s+as\s+/).at(-1);
                if (name) names.add(name);
              }
            }
            return { contents: [...names].map((n) => `export function ${n}() {}`).join('\n'), loader: 'js' };
          });
        },
      }]),
      write: false,
      sourcemap: false,
    });
    const out = result.outputFiles.find((f) => f.path.endsWith(`${ENTRY_NAME}.js`));
    return zlib.gzipSync(out.contents, { level: 9 }).length;
  };
  const whole = await build(null);
  const shares = [];
  for (const { file } of modules) {
    if (!file.startsWith('web/src/')) continue;
    shares.push({ file, gzip: whole - await build(path.join(REPO_ROOT, file)).catch(() => NaN) });
  }
  return shares.sort((a, b) => b.gzip - a.gzip);
}

export async function bundleWeb() {
  for (const file of [...PAGE_GLUE, ...WASM_FILES]) {
    if (!fs.existsSync(path.join(DIST, file))) throw new Error(`web/dist/${file} is missing: run bash scripts/build.sh wasm`);
  }
  for (const old of fs.readdirSync(DIST)) {
    if ([ENTRY_NAME, NODE_PREFIX].some((name) => old.startsWith(`${name}.`) || old.startsWith(`${name}-`))) fs.rmSync(path.join(DIST, old));
  }
  const seen = new Set();
  const lazy = new Map();
  const glueSeen = new Set();
  const entry = await esbuild.build(entryOptions(seen, lazy, [], glueSeen));
  failOnWarnings(entry, 'entry');
  const notStatic = PAGE_GLUE.filter((file) => !glueSeen.has(file));
  if (notStatic.length) throw new Error(`web/src no longer imports ${notStatic.map((f) => `'../dist/${f}'`).join(', ')} with import(): update pageGlueStatic in scripts/bundle-web.mjs`);
  const outputs = [entry.metafile.outputs];
  const pageChunks = [...lazy].filter(([file]) => PAGE_CHUNKS.includes(path.relative(WEB_SRC, file)));
  // Page chunks first: the dynamic imports they make join `lazy`.
  const otherChunks = () => [...lazy].filter(([file]) => !PAGE_CHUNKS.includes(path.relative(WEB_SRC, file)));
  for (const [chunkList, splitting, what] of [[() => pageChunks, false, 'page chunks'], [otherChunks, true, 'lazy chunks']]) {
    if (!chunkList().length) continue;
    const chunks = await esbuild.build({
      ...common,
      entryPoints: Object.fromEntries(chunkList().map(([file, name]) => [`${ENTRY_NAME}-${name}`, file])),
      outdir: DIST,
      splitting,
      ...(splitting ? { chunkNames: `${ENTRY_NAME}-shared-[hash]` } : { banner: { js: COMPILE_HINT } }),
      plugins: [fromPage(), ...(splitting ? [] : [lazyChunks(lazy)]), batchWorkerNextToBundle(), learnWorkerNextToBundle(), wasmNextToBundle(seen)],
    });
    failOnWarnings(chunks, what);
    for (const [out, meta] of Object.entries(chunks.metafile.outputs)) {
      const copied = Object.keys(meta.inputs).filter((i) => PAGE_GLUE.includes(path.basename(i)) || SHARED_WITH_PAGE.has(path.resolve(REPO_ROOT, i)));
      if (copied.length) throw new Error(`${out} copies ${copied.join(', ')}, which must exist once per page`);
    }
    outputs.push(chunks.metafile.outputs);
  }
  const missingChunks = PAGE_CHUNKS.filter((file) => !pageChunks.some(([f]) => path.relative(WEB_SRC, f) === file));
  if (missingChunks.length) throw new Error(`web/src no longer imports ${missingChunks.join(', ')} dynamically: update PAGE_CHUNKS in scripts/bundle-web.mjs`);
  outputs.push((await bundleWorker('batch-worker.js', BATCH_WORKER, [wasmNextToBundle(seen)], 'batch worker')).metafile.outputs);
  outputs.push((await bundleWorker('learn-worker.js', LEARN_WORKER, [learnWorkerNextToBundle(), wasmNextToBundle(seen)], 'learn worker', { glueInside: ['leadseg-learn.mjs'] })).metafile.outputs);
  outputs.push((await bundleNode()).metafile.outputs);
  const missing = WASM_FILES.filter((f) => !seen.has(f));
  if (missing.length) {
    throw new Error(`web/src no longer names ${missing.map((f) => `'../dist/${f}'`).join(', ')}: update WASM_FILES in scripts/bundle-web.mjs`);
  }
  const files = [];
  const prepaint = await minifyPrepaint();
  const entryInputs = Object.entries(entry.metafile.outputs).find(([out]) => out.endsWith(`${ENTRY_NAME}.js`))[1].inputs;
  files.modules = Object.entries(entryInputs).map(([file, meta]) => ({ file, bytes: meta.bytesInOutput })).sort((a, b) => b.bytes - a.bytes);
  for (const out of outputs.flatMap((o) => Object.keys(o))) {
    const full = path.join(REPO_ROOT, out);
    if (!full.endsWith('.js')) continue;
    const text = fs.readFileSync(full);
    if (text.includes('../dist/')) throw new Error(`${out} still refers to ../dist/: a file it names would not be found next to the bundle`);
    files.push({ file: path.relative(REPO_ROOT, full), raw: text.length, gzip: zlib.gzipSync(text, { level: 9 }).length });
  }
  const prepaintText = fs.readFileSync(prepaint);
  files.push({ file: path.relative(REPO_ROOT, prepaint), raw: prepaintText.length, gzip: zlib.gzipSync(prepaintText, { level: 9 }).length });
  return files;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const files = await bundleWeb();
    for (const f of files) {
      console.log(`bundle: ${f.file} ${(f.raw / 1024).toFixed(1)} KB (gzip -9 ${(f.gzip / 1024).toFixed(1)} KB)`);
    }
    if (process.argv.includes('--modules')) {
      for (const m of files.modules) console.log(`  ${String(m.bytes).padStart(7)} B  ${m.file}`);
    }
    if (process.argv.includes('--gzip')) {
      console.log(`gzip -9 bytes of ${ENTRY_NAME}.js without each module (and the imports only it uses):`);
      for (const m of await gzipShares(files.modules)) console.log(`  ${String(m.gzip).padStart(7)} B  ${m.file}`);
    }
  } catch (error) {
    console.error(`bundle-web: ${error.message}`);
    process.exit(1);
  }
}
