#!/usr/bin/env node
// Writes V8's code cache for the node entry's code (web/src/node-code-cache.js
// reads it): compiles dist/leadseg.node-body.js as the entry does, runs what
// a site does first with the worked example (docs/examples/b2b-saas.json,
// compiled: createEngine, identify, a page view, a decision per slot), so
// that the functions those calls compile are in the cache too, then saves
// script.createCachedData(). Run by scripts/bundle-web.mjs in a process of
// its own, with node's default V8 flags: V8 accepts the cache only where
// its version and flags are the same as here.
//
//   node scripts/node-code-cache.mjs <entry.mjs> <body.js> <cache file>
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [entry, body, cache] = process.argv.slice(2).map((f) => path.resolve(f));
const entryUrl = pathToFileURL(entry).href;

const { compileConfig } = await import('../web/src/node.js');
const example = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'docs/examples/b2b-saas.json'), 'utf8'));
const config = await compileConfig(example);

const script = new vm.Script(fs.readFileSync(body, 'utf8'), { filename: body });
const api = script.runInThisContext()(entryUrl, (specifier) => import(new URL(specifier, entryUrl).href));
const engine = await api.createEngine({ config, consent: { personalization: true } });
engine.identify({ job_title: 'CTO', industry: 'Technology', company_size: 50 });
engine.track('page_view', { path: '/pricing' });
for (const slot of example.slots) engine.decide(slot.id);
engine.destroy();
fs.writeFileSync(cache, script.createCachedData());
