// 10,000 visitors call report() 100 times each over 30 days; an observer who
// links each visitor's reports averages them (majority vote per segment bit).
// Before docs/privacy.md (version-1 payloads) that recovers every bit; with
// one item per report, memos and the default budget it barely beats guessing
// "not a member" for everyone. The figures are in docs/privacy.md
// (bench/node/privacy-attack.mjs prints them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { averagingAttack } from './attack.mjs';
import { seededRandom } from './helpers.mjs';

test('before: averaging 100 version-1 reports recovers a visitor\'s segment bits', () => {
  const { accuracy, baseline } = averagingAttack({ mode: 'v1', random: seededRandom(17) });
  assert.ok(baseline > 0.69 && baseline < 0.71, `baseline ${baseline}`);
  assert.ok(accuracy > 0.999, `the observer got ${accuracy} of the bits right`);
});

test('after: the same attack gains less than 3 points over guessing', () => {
  const { accuracy, baseline, reportsSent } = averagingAttack({ mode: 'v2', random: seededRandom(17) });
  assert.equal(reportsSent, 10, 'the 30-day budget (10 × ε = 1) let 10 of the 100 calls send');
  assert.ok(accuracy - baseline < 0.03, `the observer got ${accuracy} right, guessing gets ${baseline}`);
  assert.ok(accuracy >= baseline - 0.01, 'sanity: the vote is not worse than guessing');
});
