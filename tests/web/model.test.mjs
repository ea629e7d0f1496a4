// The real model in the browser (issue 10): the bundled tiny GPT-2 opens with the page; a learner picks a layer
// and head and steps through its real numbers, opens the Model view, switches a head off, generates with the KV
// cache and steps through a decode step; another GPT-2 opens through the file picker (a random checkpoint in
// Hugging Face's layout, written here) and runs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { useApp, frames, screenshot, ROOT, CLI } from './harness.mjs';

const ctx = useApp({ before, after });
const TEXT = 'Emma Woodhouse, handsome, clever, and rich, with a comfortable home';

// A random GPT-2 in Hugging Face's layout (F32 safetensors, "transformer." names) with the bundled tokenizer.
function randomCheckpoint(dir, { layers = 2, heads = 3, embd = 12, positions = 40 } = {}) {
  const bundled = path.join(ROOT, 'assets/models/tiny-austen');
  const vocab = JSON.parse(fs.readFileSync(path.join(bundled, 'vocab.json'), 'utf8'));
  const V = Object.keys(vocab).length;
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 0.4;
  const tensors = [];
  const add = (name, shape, fill) => tensors.push([name, shape, Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, fill || rnd)]);
  add('transformer.wte.weight', [V, embd]);
  add('transformer.wpe.weight', [positions, embd]);
  for (let i = 0; i < layers; i++) {
    const h = `transformer.h.${i}.`;
    add(h + 'ln_1.weight', [embd], () => 1); add(h + 'ln_1.bias', [embd]);
    add(h + 'attn.c_attn.weight', [embd, 3 * embd]); add(h + 'attn.c_attn.bias', [3 * embd]);
    add(h + 'attn.c_proj.weight', [embd, embd]); add(h + 'attn.c_proj.bias', [embd]);
    add(h + 'ln_2.weight', [embd], () => 1); add(h + 'ln_2.bias', [embd]);
    add(h + 'mlp.c_fc.weight', [embd, 4 * embd]); add(h + 'mlp.c_fc.bias', [4 * embd]);
    add(h + 'mlp.c_proj.weight', [4 * embd, embd]); add(h + 'mlp.c_proj.bias', [embd]);
  }
  add('transformer.ln_f.weight', [embd], () => 1); add('transformer.ln_f.bias', [embd]);
  const header = {};
  let offset = 0;
  for (const [name, shape, data] of tensors) {
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + data.byteLength] };
    offset += data.byteLength;
  }
  let text = JSON.stringify(header);
  text += ' '.repeat((8 - (text.length % 8)) % 8);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(text.length));
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'model.safetensors'),
                   Buffer.concat([len, Buffer.from(text), ...tensors.map(([, , d]) => Buffer.from(d.buffer))]));
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({
    model_type: 'gpt2', n_layer: layers, n_head: heads, n_embd: embd, n_positions: positions, vocab_size: V,
    layer_norm_epsilon: 1e-5, activation_function: 'gelu_new' }));
  for (const f of ['vocab.json', 'merges.txt']) fs.copyFileSync(path.join(bundled, f), path.join(dir, f));
  return ['config.json', 'model.safetensors', 'vocab.json', 'merges.txt'].map((f) => path.join(dir, f));
}

test('the bundled model: a real head stepped through, the Model view, a head switched off, generation', async () => {
  const { page, errors } = ctx.app;
  const model = await page.evaluate(() => window.attnlab.model());
  assert.equal(model.name, 'tiny-austen');
  assert.ok(model.parameters > 100000 && model.parameters < 1.2e6, `${model.parameters} parameters`);
  await page.evaluate((text) => window.attnlab.setState({ inputs: { source: 'model', text, layer: 1, head: 2 },
                                                          view: { panel: 'step' } }), TEXT);
  await frames(page, 3);
  const st = await page.evaluate(() => window.attnlab.getState());
  assert.equal(st.inputs.source, 'model');
  assert.equal(st.view.head, 2);
  const cli = await page.evaluate((text) => window.attnlab.runModel({ text, top: 3 }), TEXT);
  const shown = await page.evaluate(() => window.attnlab.result());
  // The step-through's weights for head 2 are the model's own layer-1 head-2 weights (same numbers as runModel).
  let worst = 0;
  shown.attention_weights[2].forEach((row, i) => row.forEach((x, j) => { worst = Math.max(worst, Math.abs(x - cli.attention[1][2][i][j])); }));
  assert.ok(worst < 1e-6, `step-through vs runModel weights differ by ${worst}`);
  assert.equal(cli.tokens.length, shown.attention_weights[2].length);
  await screenshot(page, 'web-model-step.png');
  // The narration speaks about the model's tokens.
  const narration = await page.evaluate(() => window.attnlab.narration);
  assert.ok(cli.tokens.some((t) => narration.narration.includes(t.trim())), narration.narration);

  await page.evaluate(() => window.attnlab.setState({ view: { panel: 'model' } }));
  await frames(page, 3);
  await screenshot(page, 'web-model-view.png');
  // A head switched off: the loss of the text changes (runModel is the unablated model).
  await page.evaluate(() => window.attnlab.setState({ inputs: { source: 'model', ablations: [{ layer: 0, head: 1, kind: 'zero' }] } }));
  await frames(page, 3);
  assert.deepEqual((await page.evaluate(() => window.attnlab.getState())).inputs.ablations, [{ layer: 0, head: 1, kind: 'zero' }]);
  // Generation: 5 tokens with the KV cache, and the decode step of the third one in the step-through.
  const gen = await page.evaluate((text) => window.attnlab.runModel({ text, generate: 5, attention: false }), TEXT);
  assert.equal(gen.generated.token_ids.length, 5);
  await page.evaluate(() => window.attnlab.setState({ inputs: { source: 'model', ablations: [], generated: true, generate: 5, decode_step: 2 },
                                                      view: { panel: 'step' } }));
  await frames(page, 3);
  const decode = await page.evaluate(() => window.attnlab.result());
  assert.equal(decode.attention_weights[0].length, 1);  // one query row …
  assert.equal(decode.attention_weights[0][0].length, cli.tokens.length + 3);  // … against every cached key
  await screenshot(page, 'web-model-decode-step.png');
  await page.evaluate(() => window.attnlab.setState({ view: { panel: 'model' } }));
  await frames(page, 3);
  await screenshot(page, 'web-model-generation.png');
  // A link names the model and opens the same view.
  const link = await page.evaluate(() => window.attnlab.link());
  assert.ok(link.length < 2000, `link is ${link.length} characters`);
  assert.match(decodeURIComponent(link), /"model":"tiny-austen"/);
  assert.deepEqual(errors, []);
});

// attnlab.explain and attnlab.patch answer what attnlab-cli prints, and the page says how long a 64-token
// explanation (integrated gradients with 32 steps included) and a patching sweep take here (printed, not
// asserted: issue 26's targets are ≤ 1 s and ≤ 2 s with threads).
test('explain and patch in the page equal the CLI, and their time on 64 tokens is printed', async () => {
  const { page, errors } = ctx.app;
  const text = 'She was the youngest of the two daughters of a most';
  const request = { text, target: ' good', contrast: ' great', steps: 8 };
  const ours = await page.evaluate((r) => window.attnlab.explain(r), request);
  const cli = JSON.parse(execFileSync(CLI, ['explain', '--text', text, '--target', ' good', '--contrast', ' great',
                                            '--steps', '8'], { encoding: 'utf8' }));
  assert.deepEqual(ours.token_ids, cli.token_ids);
  assert.ok(Math.abs(ours.logit - cli.logit) < 1e-9 && Math.abs(ours.dla.total - ours.logit) < 1e-9,
            `${ours.logit} vs ${cli.logit}, the parts add up to ${ours.dla.total}`);
  assert.deepEqual(ours.attribution.integrated_gradients.map((x) => x.toFixed(9)),
                   cli.attribution.integrated_gradients.map((x) => x.toFixed(9)));
  assert.deepEqual(ours.logit_lens.map((l) => l.target_rank), cli.logit_lens.map((l) => l.target_rank));
  const clean = 'Elizabeth met Mr. Darcy at the ball, and Elizabeth';
  const patched = await page.evaluate((c) => window.attnlab.patch({ clean: c, corrupt: c.replace('Elizabeth', 'Jane'),
                                                                    target: ' met' }), clean);
  assert.equal(patched.heads.length, 2);
  await assert.rejects(page.evaluate(() => window.attnlab.patch({ clean: 'a b', corrupt: 'a', target: 0 })),
                       /same token count/);
  const timing = await page.evaluate(async () => {
    const ids = Array.from({ length: 64 }, (_, i) => 200 + ((i * 37) % 900));
    let t0 = performance.now();
    await window.attnlab.explain({ token_ids: ids, target: 11, steps: 32 });
    const explain = performance.now() - t0;
    t0 = performance.now();
    await window.attnlab.patch({ clean_ids: ids, corrupt_ids: [7, ...ids.slice(1)], target: 11 });
    return { explain, patch: performance.now() - t0 };
  });
  console.log(`bundled model, 64 tokens, in the page: explain (IG 32 steps) ${timing.explain.toFixed(0)} ms, ` +
              `patching sweep ${timing.patch.toFixed(0)} ms`);
  assert.deepEqual(errors, []);
});

test('another GPT-2 opens through the file picker and runs; a broken one says what is wrong', async () => {
  const { page, errors } = ctx.app;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attnlab-gpt2-'));
  const files = randomCheckpoint(path.join(dir, 'random-gpt2'));
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.evaluate(() => window.attnlab._pickModel())]);
  await chooser.setFiles(files);
  await page.waitForFunction(() => window.attnlab.model() && window.attnlab.model().n_embd === 12, null, { timeout: 20000 });
  const m = await page.evaluate(() => window.attnlab.model());
  assert.equal(m.n_head, 3);
  assert.equal(m.n_embd, 12);
  const out = await page.evaluate(() => window.attnlab.runModel({ text: 'a random model', top: 2 }));
  assert.equal(out.attention.length, 2);
  assert.equal(out.attention[0].length, 3);
  await frames(page, 3);
  assert.equal((await page.evaluate(() => window.attnlab.getState())).inputs.source, 'model');
  // A truncated safetensors: refused by name, and the random model stays open.
  fs.writeFileSync(files[1], fs.readFileSync(files[1]).subarray(0, 500));
  const [again] = await Promise.all([page.waitForEvent('filechooser'), page.evaluate(() => window.attnlab._pickModel())]);
  await again.setFiles(files);
  await page.waitForFunction(() => /could not be opened/.test(window.attnlab.notice()), null, { timeout: 20000 });
  assert.match(await page.evaluate(() => window.attnlab.notice()), /model\.safetensors: .*cut short/);
  assert.equal((await page.evaluate(() => window.attnlab.model())).n_embd, 12);
  fs.rmSync(dir, { recursive: true, force: true });
  assert.deepEqual(errors, []);
});

// GPT-2 small has 12 layers × 12 heads: the Model view wraps each layer's heads onto rows, so nothing is cut off
// on a laptop (1366×768) or on a projector (1920×1080 with the UI at 2×) — checked on the page's own layout.
test('a 12-layer, 12-head GPT-2: the Model view fits on a laptop and on a projector', async () => {
  const { page, errors } = ctx.app;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attnlab-gpt2-'));
  const files = randomCheckpoint(path.join(dir, 'gpt2-12x12'), { layers: 12, heads: 12, embd: 24, positions: 64 });
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.evaluate(() => window.attnlab._pickModel())]);
  await chooser.setFiles(files);
  await page.waitForFunction(() => window.attnlab.model() && window.attnlab.model().n_head === 12, null, { timeout: 20000 });
  for (const [width, height, scale] of [[1366, 768, 1], [1920, 1080, 2]]) {
    await page.setViewportSize({ width, height });
    await page.evaluate((ui_scale) => window.attnlab.setState({ view: { panel: 'model', ui_scale } }), scale);
    await frames(page, 4);
    const layout = await page.evaluate(() => window.attnlab.layout());
    assert.equal(layout.display.w, width);
    assert.ok(layout.windows.some((w) => w.name === 'Main'), JSON.stringify(layout.windows.map((w) => w.name)));
    assert.deepEqual(layout.problems, [], `${width}×${height} at ${scale}×`);
    await screenshot(page, `web-model-view-12x12-${width}x${height}.png`);
  }
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.evaluate(() => window.attnlab.setState({ view: { panel: 'step', ui_scale: 1 } }));
  fs.rmSync(dir, { recursive: true, force: true });
  assert.deepEqual(errors, []);
});
