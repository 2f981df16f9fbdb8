// The shared workload in node: leadseg wasm (user path, engine only, JSON
// path) and the JavaScript peers, in this one process, each checked against
// expected-membership.txt before it is timed.
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import { evalCondition } from '@growthbook/growthbook';
import { Query } from 'mingo';
import sift from 'sift';
import jsonLogic from 'json-logic-js';
import { loadLeadseg } from '../../tests/wasm/load.mjs';
import {
  checkMemberships, leadsegAsciiEncoderRunner, leadsegFrameRunner, leadsegJsonRunner, leadsegUserRunner, predicateRunner, timeRunners,
} from '../lib/workload.js';
import { addOperations, arrayFieldsOf, mongoToJsonLogic } from '../lib/jsonlogic.js';

const require = createRequire(import.meta.url);

export function loadWorkload(dir) {
  const segments = JSON.parse(fs.readFileSync(path.join(dir, 'segments.json'), 'utf8'));
  const profiles = fs.readFileSync(path.join(dir, 'profiles.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const expected = fs.readFileSync(path.join(dir, 'expected-membership.txt'), 'utf8').trim().split('\n');
  if (expected.length !== profiles.length) throw new Error(`expected-membership.txt has ${expected.length} lines for ${profiles.length} profiles`);
  return { segments, profiles, expected };
}

function peerVersion(name) {
  return JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`), 'utf8')).version;
}

/**
 * @returns {Promise<{results: object[], versions: object, checks: object[]}>}
 */
export async function measureWorkloadNode({ workload, passes = 5, warmup = 2, log = console.log }) {
  const { segments, profiles, expected } = workload;
  const conditions = segments.map((s) => s.condition);
  const n = segments.length;
  const evaluationsPerPass = profiles.length * n;

  const module = await loadLeadseg();
  const segmenter = new module.Segmenter();
  segmenter.load(JSON.stringify({ segments }));
  const ids = segmenter.segmentIds();

  const queries = conditions.map((c) => new Query(c));
  const sifts = conditions.map((c) => sift(c));
  addOperations(jsonLogic);
  const arrayFields = arrayFieldsOf(profiles);
  const rules = conditions.map((c) => mongoToJsonLogic(c, arrayFields));

  const versions = {
    node: process.version,
    '@growthbook/growthbook': peerVersion('@growthbook/growthbook'),
    mingo: peerVersion('mingo'),
    sift: peerVersion('sift'),
    'json-logic-js': peerVersion('json-logic-js'),
    leadseg: module.version(),
  };

  const runners = [
    { key: 'wasm_user', ...leadsegUserRunner(segmenter, profiles) },
    { key: 'wasm_engine', ...leadsegFrameRunner(module, segmenter, profiles) },
    { key: 'wasm_ascii', ...leadsegAsciiEncoderRunner(module, segmenter, profiles) },
    // The JSON path is ~10x slower: fewer passes.
    { key: 'wasm_json', ...leadsegJsonRunner(segmenter, profiles, ids), warmup: 1, passes: 3 },
    { key: 'growthbook', ...predicateRunner(`GrowthBook ${versions['@growthbook/growthbook']} evalCondition`, n, profiles, (k, p) => evalCondition(p, conditions[k])) },
    { key: 'mingo', ...predicateRunner(`mingo ${versions.mingo} Query.test`, n, profiles, (k, p) => queries[k].test(p)) },
    { key: 'sift', ...predicateRunner(`sift ${versions.sift}`, n, profiles, (k, p) => sifts[k](p)) },
    { key: 'jsonlogic', ...predicateRunner(`json-logic-js ${versions['json-logic-js']} apply (translated rules)`, n, profiles, (k, p) => jsonLogic.apply(rules[k], p)) },
  ];
  const checks = [];
  for (const r of runners) {
    const t0 = performance.now();
    checkMemberships(r, expected); // throws on any difference
    checks.push({ key: r.key, name: r.name, profiles: expected.length, ok: true });
    log(`  check: ${r.name}: ${expected.length} profiles x ${n} segments equal expected-membership.txt (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }

  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const timed = await timeRunners(runners, { evaluationsPerPass, passes, warmup, now: () => performance.now(), cpu });
  const results = timed.map((t, i) => ({ key: runners[i].key, ...t, env: 'node' }));
  segmenter.delete();
  return { results, versions, checks, evaluationsPerPass, jsonLogicRules: rules };
}
