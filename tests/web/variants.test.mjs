// Browser tests of the variants lab: switching the variant changes getState() and what run() returns (flash:
// the same output; linear: a different one), the sparse masks through the API, painting a mask with the mouse,
// picking global tokens by clicking, the flash walkthrough stepped with the keyboard (narration from the real
// tiles), heads split and grouped.
// Screenshots: build/screenshots/web-variants-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, frames, screenshot } from './harness.mjs';

const ctx = useApp({ before, after });
let page, errors;
const state = () => page.evaluate(() => window.attnlab.getState());
const set = (s) => page.evaluate((x) => window.attnlab.setState(x), s);
const maxDiff = (a, b) => Math.max(...a.flatMap((row, i) => row.map((x, c) => Math.abs(x - b[i][c]))));

before(async () => {
  await ctx.ready;
  ({ page, errors } = ctx.app);
  await page.focus('#canvas');
});

test('flipping the variant: flash gives the same output, linear a different one, both through run()', async () => {
  await set({ inputs: { scenario: 'coreference' }, view: { panel: 'variants', variants: { section: 'compare' } } });
  const standard = await page.evaluate(() => window.attnlab.result());
  const base = (await state()).problem;
  await set({ problem: { ...base, variant: 'flash', tile: { q: 3, k: 4 } } });
  const flash = await page.evaluate(() => window.attnlab.result());
  assert.equal((await state()).problem.variant, 'flash');
  assert.equal(flash.stats.variant, 'flash');
  assert.ok(maxDiff(flash.output, standard.output) < 1e-6);
  const viaRun = await page.evaluate((p) => window.attnlab.run(p), { ...base, variant: 'linear', feature_map: 'elu1' });
  await set({ problem: { ...base, variant: 'linear' } });
  const linear = await page.evaluate(() => window.attnlab.result());
  assert.equal(linear.stats.variant, 'linear');
  assert.ok(maxDiff(linear.output, standard.output) > 1e-3, 'linear attention changes the output');
  assert.ok(maxDiff(linear.output, viaRun.output) < 1e-12, 'the app shows what run() computes');
  await frames(page, 3);
  await screenshot(page, 'web-variants-compare.png');
  const refused = await page.evaluate((p) => window.attnlab.run(p).then(() => 'ran', (e) => e.message),
                                      { ...base, variant: 'linear', mask: { window: 2 } });
  assert.match(refused, /linear attention supports/);
  await set({ problem: { ...base, variant: 'standard' } });
});

test('sparse masks through the API, and painting a mask with the mouse', async () => {
  const base = (await state()).problem;
  const r = await page.evaluate((p) => window.attnlab.run({ ...p, mask: { strided: 3, global: [0] } }), base);
  const w = r.attention_weights[0];
  // query 5 (position 5): keys 3, 4, 5 (last 3), 2 (5 − 3), 0 (global); key 1 blocked
  assert.ok(w[5][1] === 0 && w[5][0] > 0 && w[5][2] > 0 && w[5][3] > 0);
  await set({ problem: { ...base, mask: 'none' }, view: { panel: 'variants', variants: { section: 'masks' } } });
  await frames(page, 3);
  const { mask_grid: g } = await page.evaluate(() => window.attnlab.layout());
  assert.ok(g.cell > 8, `the grid's cells are clickable (${g.cell} px)`);
  // Drag along row 2 from key 3 to key 6: those four scores become blocked.
  const at = (row, col) => [g.x + (col + 0.5) * g.cell, g.y + (row + 0.5) * g.cell];
  await page.mouse.move(...at(2, 3));
  await page.mouse.down();
  await frames(page, 2);
  for (let c = 4; c <= 6; c++) {
    await page.mouse.move(...at(2, c), { steps: 3 });
    await frames(page, 2);
  }
  await page.mouse.up();
  await frames(page, 3);
  const m = (await state()).problem.mask;
  assert.ok(Array.isArray(m), 'the painted mask is a 0/1 matrix');
  assert.deepEqual(m[2].slice(3, 7), [0, 0, 0, 0]);
  assert.equal(m[2][2], 1);
  assert.equal(m.flat().filter((x) => x === 0).length, 4);
  const painted = await page.evaluate(() => window.attnlab.result());
  assert.deepEqual(painted.attention_weights[0][2].slice(3, 7), [0, 0, 0, 0]);
  await screenshot(page, 'web-variants-masks.png');
  // Global tokens: click key 3's button under a causal window of 2; query 8 then sees key 3. Click again: gone.
  await set({ problem: { ...base, mask: { window: 2 } } });
  await frames(page, 3);
  const chip = async (j) => {
    const [x, y, w, h] = (await page.evaluate(() => window.attnlab.layout())).global_chips[j];
    await page.mouse.click(x + w / 2, y + h / 2);
    await frames(page, 3);
    return (await state()).problem.mask;
  };
  assert.equal((await page.evaluate(() => window.attnlab.layout())).global_chips.length, base.tokens.length);
  assert.deepEqual((await chip(3)).global, [3]);
  assert.deepEqual((await chip(1)).global, [1, 3]);
  await screenshot(page, 'web-variants-masks-global.png');
  const withGlobal = await page.evaluate(() => window.attnlab.result());
  assert.ok(withGlobal.attention_weights[0][8][3] > 0 && withGlobal.attention_weights[0][8][4] === 0);
  assert.deepEqual((await chip(3)).global, [1]);
  assert.equal((await page.evaluate(() => window.attnlab.result())).attention_weights[0][8][3], 0);
  await set({ problem: { ...base, mask: 'causal' } });
});

test('the flash walkthrough steps through real tiles with the keyboard and narrates them', async () => {
  const base = (await state()).problem;
  await set({ problem: { ...base, variant: 'flash', tile: { q: 4, k: 4 }, mask: 'causal' },
              view: { panel: 'variants', variants: { section: 'flash', flash_step: 0 } } });
  await frames(page, 3);
  const titles = [];
  for (let i = 0; i < 4; i++) {
    titles.push((await page.evaluate(() => window.attnlab.narration)).title);
    await page.keyboard.press('ArrowRight');
    await frames(page, 3);
  }
  assert.equal((await state()).view.variants.flash_step, 4);
  assert.match(titles[0], /tile step 1 of 9 · query tile 0 × key tile 0/);
  assert.match(titles[1], /query tile 0 × key tile 1/);
  assert.match(titles[3], /query tile 1 × key tile 0/);
  // Query tile 0 × key tile 1 lies above the causal diagonal: skipped.
  await set({ view: { variants: { flash_step: 1 } } });
  await frames(page, 3);
  assert.match((await page.evaluate(() => window.attnlab.narration)).formula, /skipped/);
  // The last tile of query tile 1 (key tile 2, skipped) finishes rows 4–7: O ÷ l is the output run() returns.
  await set({ view: { variants: { flash_step: 5 } } });
  await frames(page, 3);
  const n = await page.evaluate(() => window.attnlab.narration);
  assert.match(n.narration, /last key tile for these rows: O = O ÷ l/);
  const out = (await page.evaluate(() => window.attnlab.result({ trace: true }))).trace[0].output[4];
  n.values.forEach((v, c) => assert.ok(Math.abs(Number(v.replace('−', '-')) - out[c]) < 0.006, `${v} vs ${out[c]}`));
  await set({ view: { variants: { flash_step: 5 } } });
  await frames(page, 3);
  await screenshot(page, 'web-variants-flash.png');
  await set({ problem: { ...base, variant: 'standard' } });
});

test('heads: the sentence split into 3 heads, grouped into 1 K/V head, with the output change measured', async () => {
  await set({ inputs: { scenario: 'coreference' } });  // (setState with a problem detached the sentence)
  const inputs = (await state()).inputs;
  await set({ inputs: { ...inputs, heads: 3, kv_heads: 1 }, view: { panel: 'variants', variants: { section: 'heads' } } });
  const st = await state();
  assert.equal(st.problem.num_heads, 3);
  assert.equal(st.problem.num_kv_heads, 1);
  const r = await page.evaluate(() => window.attnlab.result());
  assert.equal(r.attention_weights.length, 3);
  await frames(page, 3);
  await screenshot(page, 'web-variants-heads.png');
  const bad = await page.evaluate((i) => { try { window.attnlab.setState({ inputs: { ...i, heads: 4 } }); return 'accepted'; } catch (e) { return e.message; } }, inputs);
  assert.match(bad, /inputs.heads: 4 heads need d_k = d_model \(6\) divisible/);
  await set({ inputs: { ...inputs, heads: 1, kv_heads: 1 } });
  assert.deepEqual(errors, []);
});

test('cross-attention: keys and values from another sentence, through every variant', async () => {
  await set({ inputs: { scenario: 'coreference' } });
  const inputs = (await state()).inputs;
  await set({ inputs: { ...inputs, scenario: '', key_sentence: 'Das Tier überquerte die Straße nicht' },
              problem: { ...(await state()).problem, mask: 'causal' }, view: { panel: 'step' },
              step: { stage: 'softmax', query: 7 } });
  const st = await state();
  assert.deepEqual(st.problem.key_tokens, ['Das', 'Tier', 'überquerte', 'die', 'Straße', 'nicht']);
  assert.equal(st.problem.q.length, 11);
  assert.equal(st.problem.k.length, 6);
  for (const variant of ['standard', 'flash', 'linear']) {
    const r = await page.evaluate((p) => window.attnlab.run(p), { ...st.problem, variant });
    assert.equal(r.attention_weights[0].length, 11, variant);
    assert.equal(r.attention_weights[0][0].length, 6, variant);
    // causal with L > S: query i stands at key position i − 5, so the first 5 queries see no key at all
    assert.deepEqual(r.attention_weights[0][4], [0, 0, 0, 0, 0, 0], variant);
    assert.ok(Math.abs(r.attention_weights[0][10].reduce((a, b) => a + b) - 1) < 1e-6, variant);
  }
  await frames(page, 3);
  await screenshot(page, 'web-cross-attention.png');
  await set({ inputs: { scenario: 'coreference' }, problem: { ...st.problem, mask: 'none' } });
  assert.deepEqual(errors, []);
});
