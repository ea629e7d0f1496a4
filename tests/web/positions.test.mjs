// Browser tests of where position enters: a link that picks RoPE or ALiBi for the sentence (getState, the
// problem the page computes, run() with a position), the step view's RoPE score as a sum of rotated pairs and
// ALiBi's bias in the mask step (the screen-reader mirror), a refused position with its message, and the
// Variants view's Positions part (the relative-shift test in the mirror).
// Screenshots: build/screenshots/web-positions-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, frames, screenshot } from './harness.mjs';

const ctx = useApp({ before, after });
let page, errors;
const state = () => page.evaluate(() => window.attnlab.getState());
const set = (s) => page.evaluate((x) => window.attnlab.setState(x), s);
const sentence = { sentence: 'the cat sat on the mat because it was warm', seed: 3, d_model: 8, d_k: 8, heads: 2 };

before(async () => {
  await ctx.ready;
  ({ page, errors } = ctx.app);
});

test('RoPE on the sentence: the link carries it, the score is a sum of rotated pairs with the offset', async () => {
  await set({ inputs: { ...sentence, position: 'rope' }, view: { panel: 'step', head: 1 },
              step: { stage: 'scores', query: 7, key: 4 } });
  await frames(page, 3);
  const s = await state();
  assert.equal(s.inputs.position, 'rope');
  assert.equal(s.problem.position, 'rope');
  const r = await page.evaluate(() => window.attnlab.result());
  assert.equal(r.stats.position, 'RoPE (d_rot d_k, base 10000, half-split)');
  const live = await page.textContent('#live');
  assert.match(live, /Σₘ Re\(qₘ·conj\(kₘ\)·exp\(i·3·θₘ\)\)/, live);
  assert.match(live, /stands at position 7 and “the” at 4\b.*difference, 3/s);
  // The same problem through run(): the page shows what the engine computes; moving every position changes
  // no score.
  const moved = await page.evaluate((p) => window.attnlab.run({ ...p, position: { rope: { start: 20 } } }, { trace: true }), s.problem);
  const here = await page.evaluate((p) => window.attnlab.run(p, { trace: true }), s.problem);
  const diff = Math.max(...here.trace[1].scores.flatMap((row, i) => row.map((x, j) => Math.abs(x - moved.trace[1].scores[i][j]))));
  assert.ok(diff < 1e-5, `scores moved by ${diff}`);
  await screenshot(page, 'web-positions-rope-step.png');
});

test('ALiBi: the bias and the slope in the mask step; a position the problem cannot take is refused', async () => {
  await set({ inputs: { ...sentence, position: 'alibi' }, problem: { mask: 'causal' }, view: { head: 0 },
              step: { stage: 'mask', query: 7, key: 4 } });
  await frames(page, 3);
  const live = await page.textContent('#live');
  assert.match(live, /ALiBi adds −0\.19 to this score: −0\.0625 \(this head's slope\) × 3/, live);
  await screenshot(page, 'web-positions-alibi-mask.png');
  const before = await state();
  const refused = await page.evaluate(() => {
    try {
      window.attnlab.setState({ inputs: { sentence: 'a b c', position: { rope: { dims: 3 } } } });
      return 'accepted';
    } catch (e) {
      return e.message;
    }
  });
  assert.match(refused, /position\.rope\.dims: must be an even number/);
  assert.deepEqual((await state()).inputs.position, before.inputs.position, 'a refused link changes nothing');
  const direct = await page.evaluate(() => window.attnlab.run({ q: [[1, 0]], k: [[1, 0]], v: [[1]], position: 'sinusoidal' })
    .then(() => 'ran', (e) => e.message));
  assert.match(direct, /a direct q\/k\/v problem has none/);
});

test('Variants → Positions: each scheme on this sentence, and the relative-shift test', async () => {
  await set({ inputs: { ...sentence, position: 'none' }, problem: { mask: 'causal' },
              view: { panel: 'variants', variants: { section: 'positions' } } });
  await frames(page, 4);
  const live = await page.textContent('#view');
  const moved = (name) => Number(live.match(new RegExp(`${name}[^;]*? ([0-9.e-]+);`))[1]);
  assert.ok(moved('sinusoidal') > 1e-3, live);
  assert.ok(moved('RoPE') < 1e-5 && moved('ALiBi') < 1e-5, live);
  await screenshot(page, 'web-positions-lab.png');
  await set({ view: { ui_scale: 2 } });
  await page.setViewportSize({ width: 1920, height: 1080 });
  await frames(page, 4);
  const layout = await page.evaluate(() => window.attnlab.layout());
  assert.deepEqual(layout.problems, []);
  await screenshot(page, 'web-positions-lab-projector.png');
  await set({ view: { ui_scale: 1 } });
  await page.setViewportSize({ width: 1366, height: 768 });
  assert.deepEqual(errors, []);
});
