// Browser tests of the step-through: keyboard stepping, scenarios through setState, editing a number through
// the API changes exactly what run() predicts, the screen-reader mirror, and one screenshot per stage of the
// refund scenario (build/screenshots/web-refund-*.png).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, frames, screenshot } from './harness.mjs';

const ctx = useApp({ before, after });
let page, errors;
const state = () => page.evaluate(() => window.attnlab.getState());
const set = (s) => page.evaluate((x) => window.attnlab.setState(x), s);

before(async () => {
  await ctx.ready;
  ({ page, errors } = ctx.app);
  await page.focus('#canvas');
});

async function press(key) {
  await page.keyboard.press(key);
  await frames(page, 3);
}

test('the keyboard steps: → ← by one, Shift+→ by stage, Home/End, Space plays and pauses', async () => {
  await set({ step: { index: 0, granularity: 'cell', playing: false } });
  await frames(page, 2);
  await press('ArrowRight');
  assert.equal((await state()).step.index, 1);
  await press('ArrowRight');
  await press('ArrowLeft');
  assert.equal((await state()).step.index, 1);
  await press('Shift+ArrowRight');
  let st = (await state()).step;
  assert.equal(st.stage, 'scale');
  assert.equal(st.query, 0);
  assert.equal(st.key, 0);
  await press('End');
  st = (await state()).step;
  assert.equal(st.index, st.total - 1);
  assert.equal(st.stage, 'weighted_sum');
  await press('Home');
  assert.equal((await state()).step.index, 0);
  await press('Space');
  assert.equal((await state()).step.playing, true);
  await page.waitForFunction(() => window.attnlab.getState().step.index >= 2);
  await press('Space');
  assert.equal((await state()).step.playing, false);
  assert.deepEqual(errors, []);
});

test('a scenario loads through setState at its focus token and round-trips', async () => {
  await set({ inputs: { scenario: 'refund' } });
  const s = await state();
  assert.equal(s.inputs.scenario, 'refund');
  assert.equal(s.problem.tokens[s.step.query], 'refund');
  assert.equal(s.problem.mask, 'causal');
  await set(s);
  assert.deepEqual(await state(), s);
  const err = await page.evaluate(() => { try { window.attnlab.setState({ inputs: { scenario: 'weather' } }); } catch (e) { return e.message; } });
  assert.match(err, /inputs\.scenario: unknown "weather" \(known: contract, contract_model, coreference, patient, patient_model, refund, refund_model\)/);
  assert.equal((await state()).inputs.scenario, 'refund', 'unchanged after refusal');
});

test('editing a Q cell through the API changes the weights exactly as run() predicts', async () => {
  await set({ inputs: { scenario: 'coreference' } });
  const before = await page.evaluate(() => window.attnlab.result().attention_weights);
  const { problem } = await state();
  problem.q[7][0] += 2.5;  // "it" looks harder for animate things
  await set({ problem });
  const shown = await page.evaluate(() => window.attnlab.result().attention_weights);
  const predicted = (await page.evaluate((p) => window.attnlab.run(p), problem)).attention_weights;
  assert.deepEqual(shown, predicted);
  assert.notDeepEqual(shown[0][7], before[0][7]);
  assert.ok(shown[0][7][1] > before[0][7][1], '“it” → “animal” grew');
  assert.equal((await state()).inputs.source, 'direct');
});

test('the screen-reader mirror follows the step', async () => {
  await set({ inputs: { scenario: 'refund' }, step: { stage: 'softmax', query: 17, key: 2, phase: 'divide' } });
  await frames(page, 3);
  const live = await page.textContent('#live');
  assert.match(live, /Step 4 of 5 · softmax/);
  assert.match(live, /a₁₇,₂ = /);
  assert.match(await page.textContent('#numbers caption'), /attention weights of “refund”/);
  assert.equal(await page.locator('#numbers th').count(), 19);
});

test('screenshots of each stage of the refund scenario', async () => {
  await set({ inputs: { scenario: 'refund' }, view: { panel: 'step' } });
  const stops = [
    ['1-scores', { stage: 'scores', query: 17, key: 3 }],
    ['2-scale', { stage: 'scale', query: 17, key: 3 }],
    ['3-mask', { stage: 'mask', query: 17, key: 18 }],
    ['4-softmax', { stage: 'softmax', query: 17, key: 3, phase: 'divide' }],
    ['5-weighted-sum', { stage: 'weighted_sum', query: 17, key: 18 }],
  ];
  for (const [name, step] of stops) {
    await set({ step });
    await frames(page, 4);
    const s = (await state()).step;
    assert.equal(s.stage, step.stage);
    await screenshot(page, `web-refund-${name}.png`);
  }
  for (const panel of ['tokens', 'distribution', 'scaling', 'numerics', 'edit']) {
    await set({ view: { panel } });
    await frames(page, 4);
    await screenshot(page, `web-refund-view-${panel}.png`);
  }
  await set({ view: { panel: 'step', ui_scale: 2 } });
  await frames(page, 4);
  await screenshot(page, 'web-refund-presenter-2x.png');
  await set({ view: { ui_scale: 1 } });
  assert.deepEqual(errors, []);
});

test('keyboard only: from the start page to the output of “refund”', async () => {
  await set({ inputs: { scenario: 'coreference' }, step: { index: 0 } });
  await frames(page, 2);
  for (let n = 0; n < 4 && (await state()).inputs.scenario !== 'refund'; ++n) await press('s');
  let s = await state();
  assert.equal(s.inputs.scenario, 'refund');
  assert.equal(s.problem.tokens[s.step.query], 'refund');
  assert.equal(s.step.stage, 'scores');
  assert.equal(s.problem.tokens[s.step.key], 'twice');  // (a scenario opens on its story's cell)
  await press('ArrowRight');
  assert.equal((await state()).step.key, s.step.key + 1);
  for (const stage of ['scale', 'mask', 'softmax', 'weighted_sum']) {
    await press('Shift+ArrowRight');
    s = (await state()).step;
    assert.equal(s.stage, stage);
    assert.equal(s.query, 17, 'the stage jump stays on “refund”');
  }
  // One key per frame batch: ImGui trickles a key's down/up over frames, so a burst can outrun a short wait.
  for (let k = 0; k < 18; ++k) await press('ArrowRight');
  s = (await state()).step;
  assert.equal(s.key, 18);
  assert.match(await page.textContent('#live'), /o₁₇ is complete/);
  await press('ArrowUp');
  assert.equal((await state()).step.query, 16);
  await press('3');
  assert.equal((await state()).step.stage, 'mask');
});
