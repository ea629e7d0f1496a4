// Browser tests of the web build (node's test runner + playwright-core + Debian Chromium): the page boots,
// window.attnlab works as documented, run() agrees with the CLI, bad input is refused with a message,
// and missing WebAssembly/WebGL2 give a readable notice. Screenshots go to build/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useApp, openApp, frames, screenshot, CLI } from './harness.mjs';

const ctx = useApp({ before, after });

// The same problem through the CLI (native build), for comparison.
function runCli(problem, extra = []) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'attnlab-')), 'p.json');
  fs.writeFileSync(file, JSON.stringify(problem));
  return JSON.parse(execFileSync(CLI, ['run', file, ...extra], { encoding: 'utf8' }));
}

function maxAbsDiff(a, b, where = '') {
  if (Array.isArray(a)) {
    assert.equal(a.length, b.length, `length differs at ${where}`);
    return Math.max(0, ...a.map((x, i) => maxAbsDiff(x, b[i], `${where}[${i}]`)));
  }
  if (a === null || b === null) { assert.equal(a, b, `null mismatch at ${where}`); return 0; }
  return Math.abs(a - b);
}

test('the page boots: ready resolves, first frame drawn, no console errors, nothing leaves 127.0.0.1', async () => {
  const { page, errors, external } = ctx.app;
  assert.equal(await page.title(), 'Attention Lab: step through transformer attention');
  assert.equal(await page.evaluate(() => typeof window.attnlab.version), 'string');
  assert.equal(await page.isHidden('#overlay'), true, 'loading overlay hidden after the first frame');
  await frames(page, 5);
  const file = await screenshot(page, 'web-first-view.png');
  assert.ok(fs.statSync(file).size > 20000, 'screenshot has content');
  // The screenshot is not blank: decode it in the page and count distinct colours.
  const png = fs.readFileSync(file).toString('base64');
  const colours = await page.evaluate(async (b64) => {
    const img = new Image();
    img.src = 'data:image/png;base64,' + b64;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width; c.height = img.height;
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    const seen = new Set();
    for (let i = 0; i < d.length; i += 16) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
    return seen.size;
  }, png);
  assert.ok(colours > 50, `canvas shows ${colours} colours`);
  assert.deepEqual(errors, []);
  assert.deepEqual(external, []);
});

test('backends() lists cpu and the detected WebGPU adapter', async () => {
  const b = await ctx.app.page.evaluate(() => window.attnlab.backends());
  assert.deepEqual(b[0], { name: 'cpu', available: true });
  assert.equal(b[1].name, 'webgpu');
  assert.equal(typeof b[1].available, 'boolean');
  if (b[1].available) {
    assert.equal(typeof b[1].adapter.vendor, 'string');
    assert.equal(typeof b[1].adapter.architecture, 'string');
    assert.ok(b[1].limits.maxStorageBufferBindingSize >= 128 * 1024 * 1024, JSON.stringify(b[1].limits));
    assert.ok(b[1].limits.maxComputeWorkgroupStorageSize >= 16384);
  } else {
    assert.match(b[1].reason, /\w/);
  }
  console.log('webgpu:', JSON.stringify(b[1]));
});

test('run() on the cpu backend matches the CLI (f64 multi-head, f32 causal with trace)', async () => {
  const problems = [
    { random: { seed: 7, n: 9, d_model: 12, num_heads: 3, num_kv_heads: 1 }, mask: { window: 4 }, precision: 'f64' },
    { tokens: ['a', 'b', 'c'], q: [[1, 0], [0, 1], [1, 1]], k: [[1, 0], [0, 1], [1, -1]],
      v: [[1, 2], [3, 4], [5, 6]], mask: 'causal', temperature: 0.7 },
  ];
  for (const p of problems) {
    const web = await ctx.app.page.evaluate((q) => window.attnlab.run(q, { backend: 'cpu', trace: true }), p);
    const cli = runCli(p, ['--trace']);
    const tol = p.precision === 'f64' ? 1e-12 : 1e-6;
    assert.ok(maxAbsDiff(web.output, cli.output, 'output') <= tol);
    assert.ok(maxAbsDiff(web.attention_weights, cli.attention_weights, 'weights') <= tol);
    assert.ok(maxAbsDiff(web.trace[0].masked, cli.trace[0].masked, 'masked') <= tol);
    assert.equal(web.stats.backend, 'cpu');
    assert.equal(web.attention_weights.length, cli.stats.heads);
  }
});

test('run() rejects bad problems and unknown backends with a message', async () => {
  const msg = (p, o) => ctx.app.page.evaluate(([q, opt]) => window.attnlab.run(q, opt).then(() => 'resolved', (e) => e.message), [p, o]);
  assert.match(await msg({ q: [[1, 2]], k: [[1]], v: [[1]] }, {}), /^k: has 1 columns, q has 2/);
  assert.match(await msg('{"q": [[1', {}), /^q\[0\]\[0\]: malformed JSON at line 1, column 10/);
  assert.match(await msg({ q: [[1]], k: [[1]], v: [[1]] }, { backend: 'tpu' }), /backend "tpu" is unknown/);
  assert.match(await msg({ q: [[1, 2]], k: [[1]], v: [[1]] }, { backend: 'webgpu' }), /^k: has 1 columns/);
  assert.match(await msg({ random: { n: 65536, d_model: 64, num_heads: 8 } }, {}), /random\.n: 65536×65536 tokens × 8 heads .* need .* of memory; the limit here is 1\.0 GiB/);
});

test('getState()/setState() round-trip; a bad state throws and changes nothing', async () => {
  const { page } = ctx.app;
  const state = await page.evaluate(() => window.attnlab.getState());
  assert.deepEqual(Object.keys(state), ['problem', 'inputs', 'step', 'view']);
  assert.equal(state.problem.tokens[0], 'The');
  for (const k of ['stage', 'query', 'key', 'index', 'total']) assert.ok(k in state.step, `step.${k}`);

  const next = structuredClone(state);
  next.view.ui_scale = 1.5;
  next.step = { stage: 'softmax', query: 7, key: 2 };
  next.problem.mask = 'causal';
  await page.evaluate((s) => window.attnlab.setState(s), next);
  const got = await page.evaluate(() => window.attnlab.getState());
  assert.equal(got.view.ui_scale, 1.5);
  assert.equal(got.step.stage, 'softmax');
  assert.equal(got.step.query, 7);
  assert.equal(got.problem.mask, 'causal');
  await page.evaluate((s) => window.attnlab.setState(s), got);
  assert.deepEqual(await page.evaluate(() => window.attnlab.getState()), got);
  await frames(page, 4);
  await screenshot(page, 'web-causal-scale1.5.png');

  for (const [bad, re] of [[{ view: { ui_scale: 7 } }, /view\.ui_scale/], [{ step: { index: -1 } }, /step\.index/],
                           [{ problem: { q: 'x', k: [[1]], v: [[1]] } }, /problem: q: expected an array/], ['{oops', /malformed/], [{ colour: 1 }, /colour/]]) {
    const err = await page.evaluate((s) => { try { window.attnlab.setState(s); return null; } catch (e) { return e.message; } }, bad);
    assert.match(err ?? 'accepted', re);
    assert.deepEqual(await page.evaluate(() => window.attnlab.getState()), got, 'unchanged after refusal');
  }
  await page.evaluate((s) => window.attnlab.setState(s), state);  // leave the default for later tests
});

test('a browser without WebGL2 or WebAssembly gets a readable notice', async () => {
  const cases = [
    ['no-webgl2', () => { const g = HTMLCanvasElement.prototype.getContext; HTMLCanvasElement.prototype.getContext = function (t, ...a) { return t === 'webgl2' ? null : g.call(this, t, ...a); }; }, /WebGL2 is not available/],
    ['no-wasm', () => { delete window.WebAssembly; }, /WebAssembly is not available/],
  ];
  for (const [name, init, re] of cases) {
    const { page } = await openApp(ctx.browser, ctx.url, { initScript: init, waitReady: false });
    await page.waitForSelector('#fatal:not([hidden])');
    assert.match(await page.textContent('#fatal'), re);
    await assert.rejects(page.evaluate(() => window.attnlab.ready), re);
    await screenshot(page, `web-fallback-${name}.png`);
    await page.close();
  }
});
