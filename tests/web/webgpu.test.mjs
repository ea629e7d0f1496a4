// WebGPU backend in headless Chromium on SwiftShader: every kernel path (3-pass: scores → softmax_rows →
// weighted_sum, and flash_attention) against the f64 CPU reference on shapes that are not multiples of the
// tiles, every mask kind, grouped/multi-query heads, d_k ∈ {8, 64, 80}, positions (RoPE rotated before the
// upload, ALiBi's bias in the scores kernel and inside flash's tiles); tolerance |gpu − ref| ≤ 1e-4 + 1e-3·|ref|
// with the first mismatches printed by (head, row, col). Then the fallbacks (no WebGPU, no adapter, a shader
// that does not compile, the device destroyed mid-run) and flash at n = 16 384.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, openApp, screenshot, frames } from './harness.mjs';

const ctx = useApp({ before, after });

// Runs `problem` on the CPU in f64 and on the GPU (path), compares in the page; returns a summary. The masked
// scores are compared up to 300 000 cells: beyond that the f64 trace's JSON passes the page's memory budget
// (budget.h), which the CPU backend refuses, as it should.
function parity(page, problem, path) {
  return page.evaluate(async ([p, path]) => {
    const n = p.random ? p.random.n : p.q.length, h = p.random ? p.random.num_heads : 1;
    const trace = h * n * n <= 300000;
    const ref = await window.attnlab.run({ ...p, precision: 'f64' }, { backend: 'cpu', trace });
    const gpu = await window.attnlab.run(p, { backend: 'webgpu', path, trace, fallback: false });
    const bad = [];
    let worst = 0, checked = 0;
    const cmp = (what, a, b, idx) => {
      checked++;
      if (a === null || b === null) { if (a !== b) bad.push(`${what}${idx}: gpu ${a} vs ref ${b}`); return; }
      const err = Math.abs(a - b), tol = 1e-4 + 1e-3 * Math.abs(b);
      worst = Math.max(worst, err / tol);
      if (err > tol && bad.length < 5) bad.push(`${what}${idx}: gpu ${a} vs ref ${b} (|diff| ${err.toExponential(2)})`);
    };
    ref.output.forEach((row, i) => row.forEach((x, c) => cmp('output', gpu.output[i][c], x, `[row ${i}, col ${c}]`)));
    if (path === '3-pass') {
      ref.attention_weights.forEach((h, a) => h.forEach((row, i) => row.forEach((x, j) =>
        cmp('weights', gpu.attention_weights[a][i][j], x, `[head ${a}, row ${i}, col ${j}]`))));
      if (trace) ref.trace.forEach((t, a) => t.masked.forEach((row, i) => row.forEach((x, j) =>
        cmp('scores', gpu.trace[a].masked[i][j], x, `[head ${a}, row ${i}, col ${j}]`))));
    } else if (gpu.attention_weights !== null) {
      bad.push('flash returned attention_weights');
    }
    return { bad, worst, checked, backend: gpu.stats.backend, path: gpu.stats.path, gpu_ms: gpu.stats.gpu_time_ms };
  }, [problem, path]);
}

function explicitMask(n, seed) {
  let x = seed;
  const rnd = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, () => (i % 17 === 5 ? 0 : rnd() < 0.4 ? 1 : 0)));
}

const random = (seed, n, d, h, g, mask) => ({ random: { seed, n, d_model: d * h, num_heads: h, num_kv_heads: g }, mask });
const CASES = [
  ['n=1 h=1 d=8 none', random(1, 1, 8, 1, 1, 'none')],
  ['n=7 h=3 g=1 d=8 causal', random(2, 7, 8, 3, 1, 'causal')],
  ['n=63 h=8 g=4 d=64 window 5', random(3, 63, 64, 8, 4, { window: 5 })],
  ['n=63 h=8 g=8 d=8 padding 40', random(4, 63, 8, 8, 8, { padding: 40 })],
  ['n=257 h=3 g=3 d=80 explicit (with fully masked rows)', random(5, 257, 80, 3, 3, explicitMask(257, 5))],
  ['n=257 h=8 g=1 d=8 causal', random(6, 257, 8, 8, 1, 'causal')],
  ['n=1000 h=3 g=1 d=64 none', random(7, 1000, 64, 3, 1, 'none')],
  ['n=1000 h=1 d=80 window 17', random(8, 1000, 80, 1, 1, { window: 17 })],
  ['n=63 h=3 g=3 d=8 strided 5 + global 0, 40', random(9, 63, 8, 3, 3, { strided: 5, global: [0, 40] })],
  ['n=100 h=1 d=64 window 7 both sides, ', random(10, 100, 64, 1, 1, { window: 7, causal: false })],
  ['n=70 h=2 g=1 d=8 block 16', random(11, 70, 8, 2, 1, { block: 16 })],
  ['n=2048 h=1 d=64 causal', random(9, 2048, 64, 1, 1, 'causal')],
  ['n=63 h=6 g=2 d=8 causal, ALiBi (geometric slopes, h not a power of two)',
   { ...random(12, 63, 8, 6, 2, 'causal'), position: 'alibi' }],
  ['n=300 h=2 g=1 d=64 window 40, ALiBi given slopes', { ...random(13, 300, 64, 2, 1, { window: 40 }),
   position: { alibi: { slopes: [0.5, 0.03] } } }],
  ['n=100 h=2 g=1 d=64 strided 6, RoPE interleaved d_rot 32 from 5', { ...random(14, 100, 64, 2, 1, { strided: 6 }),
   position: { rope: { pairing: 'interleaved', dims: 32, start: 5 } } }],
  ['n=70 h=4 g=4 d=8 none, sinusoidal', { ...random(15, 70, 8, 4, 4, 'none'), position: 'sinusoidal' }],
  ['cross-attention L=7 S=63 d=8 causal, ALiBi', {
    q: Array.from({ length: 7 }, (_, i) => Array.from({ length: 8 }, (_, c) => Math.sin(i * 8 + c))),
    k: Array.from({ length: 63 }, (_, i) => Array.from({ length: 8 }, (_, c) => Math.cos(i * 3 + c))),
    v: Array.from({ length: 63 }, (_, i) => Array.from({ length: 5 }, (_, c) => Math.sin(i + 2 * c))),
    mask: 'causal', position: { alibi: { slopes: [0.25] } } }],
  ['cross-attention L=7 S=63 d=8 causal', {
    q: Array.from({ length: 7 }, (_, i) => Array.from({ length: 8 }, (_, c) => Math.sin(i * 8 + c))),
    k: Array.from({ length: 63 }, (_, i) => Array.from({ length: 8 }, (_, c) => Math.cos(i * 3 + c))),
    v: Array.from({ length: 63 }, (_, i) => Array.from({ length: 5 }, (_, c) => Math.sin(i + 2 * c))),
    mask: 'causal' }],
];

for (const path of ['3-pass', 'flash']) {
  test(`${path} kernels match the f64 reference`, async () => {
    for (const [name, problem] of CASES) {
      const r = await parity(ctx.app.page, problem, path);
      assert.equal(r.backend, 'webgpu', name);
      assert.equal(r.path, path, name);
      assert.deepEqual(r.bad, [], `${path} ${name}: first mismatches`);
      console.log(`${path} ${name}: ${r.checked} values, worst ${(r.worst * 100).toFixed(1)}% of tolerance, GPU ${r.gpu_ms.toFixed(2)} ms`);
    }
    assert.deepEqual(ctx.app.errors, []);
  });
}

// (d = 16: the score matrix is n² whatever the head's width, and SwiftShader's flash at d = 64 takes 100 s here)
test('auto picks flash when the score matrix is too big for one buffer, says so, and n = 16 384 completes', async () => {
  const r = await ctx.app.page.evaluate(async () => {
    const n = 16384, d = 16;
    let x = 42;
    const rnd = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5);
    const mat = (rows, cols) => Array.from({ length: rows }, () => Array.from({ length: cols }, () => Math.round(rnd() * 2000) / 1000));
    const p = { q: mat(n, d), k: mat(n, d), v: mat(n, d), mask: 'causal' };
    const t0 = performance.now();
    const gpu = await window.attnlab.run(p, { backend: 'webgpu', fallback: false });
    const wall = performance.now() - t0;
    // f64 reference for a few rows, straight from the definition.
    let worst = 0;
    for (const i of [0, 1, 4095, 9000, 16383]) {
      const s = [];
      for (let j = 0; j <= i; j++) {
        let dot = 0;
        for (let c = 0; c < d; c++) dot += p.q[i][c] * p.k[j][c];
        s.push(dot / Math.sqrt(d));
      }
      const m = Math.max(...s);
      const e = s.map((v) => Math.exp(v - m));
      const sum = e.reduce((a, b) => a + b, 0);
      for (let c = 0; c < d; c++) {
        let o = 0;
        for (let j = 0; j <= i; j++) o += e[j] * p.v[j][c];
        o /= sum;
        worst = Math.max(worst, Math.abs(gpu.output[i][c] - o) / (1e-4 + 1e-3 * Math.abs(o)));
      }
    }
    return { path: gpu.stats.path, notice: gpu.stats.notice, worst, gpu_ms: gpu.stats.gpu_time_ms, wall };
  });
  assert.equal(r.path, 'flash');
  assert.match(r.notice, /score matrix needs 1\.0 GiB.*flash path/);
  assert.ok(r.worst <= 1, `worst error ${r.worst} × tolerance`);
  console.log(`flash n=16384 d=16 causal on SwiftShader: GPU ${r.gpu_ms.toFixed(0)} ms, call ${r.wall.toFixed(0)} ms`);
});

test('a device destroyed mid-run falls back to the CPU with a notice, and the next call recovers', async () => {
  const r = await ctx.app.page.evaluate(async () => {
    const p = { random: { seed: 3, n: 1500, d_model: 64, num_heads: 1 } };
    window.attnlab.gpu.afterSubmit = (device) => { window.attnlab.gpu.afterSubmit = null; device.destroy(); };
    const first = await window.attnlab.run(p, { backend: 'webgpu' });
    const second = await window.attnlab.run({ random: { seed: 3, n: 64, d_model: 16, num_heads: 2 } }, { backend: 'webgpu' });
    return { first: first.stats, second: second.stats };
  });
  const wide = await ctx.app.page.evaluate(async () => {
    const row = (n) => Array.from({ length: 200 }, (_, c) => Math.sin(n + c));
    return (await window.attnlab.run({ q: [row(1), row(2)], k: [row(3), row(4)], v: [[1], [2]] }, { backend: 'webgpu' })).stats;
  });
  assert.equal(wide.backend, 'cpu', 'a valid problem the GPU cannot hold falls back');
  assert.match(wide.notice, /head widths up to 128, got 200/);
  assert.equal(r.first.backend, 'cpu');
  assert.match(r.first.notice, /WebGPU failed .*computed on the CPU instead/);
  assert.equal(r.second.backend, 'webgpu', 'the device was re-created');
});

test('out of GPU memory falls back to the CPU with the reason, and the next call recovers', async () => {
  const r = await ctx.app.page.evaluate(async () => {
    const gpu = window.attnlab.gpu;
    // Chromium reports allocation failures through the out-of-memory error scope; simulate one there.
    gpu.afterSubmit = (device) => {
      gpu.afterSubmit = null;
      const pop = device.popErrorScope.bind(device);
      let calls = 0;
      device.popErrorScope = async () => (++calls === 2 ? (await pop(), new GPUOutOfMemoryError('simulated')) : pop());
    };
    const p = { random: { seed: 4, n: 33, d_model: 16, num_heads: 2 } };
    const first = await window.attnlab.run(p, { backend: 'webgpu' });
    const second = await window.attnlab.run(p, { backend: 'webgpu' });
    return { first: first.stats, second: second.stats };
  });
  assert.equal(r.first.backend, 'cpu');
  assert.match(r.first.notice, /out of GPU memory: simulated.*computed on the CPU instead/);
  assert.equal(r.second.backend, 'webgpu', 'a fresh device after the failure');
});

test('the step view switches to WebGPU numbers, and a result whose problem changed meanwhile is discarded', async () => {
  const { page, errors } = await openApp(ctx.browser, ctx.url);
  const shown = () => page.waitForFunction(() => {
    const g = window.attnlab.gpuView();
    return g.state === 'shown' && g.version === g.result_version;
  }, null, { timeout: 60000 });
  await page.evaluate(() => window.attnlab.setState({ view: { backend: 'webgpu' }, step: { stage: 'softmax', query: 3 } }));
  await shown();
  const first = await page.evaluate(async () => {
    const { problem } = window.attnlab.getState();
    const direct = await window.attnlab.run(problem, { backend: 'webgpu', trace: true, fallback: false });
    return { view: window.attnlab.gpuView(), direct: direct.stats };
  });
  assert.equal(first.view.path, '3-pass');
  assert.ok(first.view.max_diff >= 0 && first.view.max_diff < 1e-5, `max |GPU − CPU| ${first.view.max_diff}`);
  assert.match(first.view.status, /WebGPU \(3-pass, f32\)/);
  await frames(page, 3);
  await screenshot(page, 'web-step-webgpu.png');
  // Change the problem while the GPU works on the previous one: that result must not be shown.
  const before = await page.evaluate(() => {
    const withTemperature = (t) => ({ ...window.attnlab.getState().problem, temperature: t });
    window.attnlab.gpu.afterSubmit = () => {
      window.attnlab.gpu.afterSubmit = null;
      window.attnlab.setState({ problem: withTemperature(0.5) });
    };
    window.attnlab.setState({ problem: withTemperature(2) });
    return window.attnlab.gpuView().discarded;
  });
  await shown();
  const after = await page.evaluate(() => ({ view: window.attnlab.gpuView(), t: window.attnlab.getState().problem.temperature }));
  assert.equal(after.t, 0.5);
  assert.equal(after.view.discarded, before + 1, 'the result computed for temperature 2 was discarded');
  await page.evaluate(() => window.attnlab.setState({ view: { backend: 'cpu' } }));
  assert.equal(await page.evaluate(() => window.attnlab.gpuView().state), 'off');
  assert.deepEqual(errors, []);
  await page.close();
});

test('no WebGPU, no adapter, or a shader that does not compile: CPU fallback with the reason', async () => {
  const cases = [
    ['no WebGPU', () => { delete Navigator.prototype.gpu; }, /no WebGPU/],
    ['no adapter', () => { if (navigator.gpu) navigator.gpu.requestAdapter = async () => null; }, /no WebGPU adapter/],
    ['compile error', () => { addEventListener('DOMContentLoaded', () => { window.ATTNLAB_SHADERS.scores = 'fn broken('; }); },
     /scores\.wgsl/],
  ];
  for (const [name, init, re] of cases) {
    const { page } = await openApp(ctx.browser, ctx.url, { initScript: init });
    const r = await page.evaluate(async () => {
      const ok = await window.attnlab.run({ random: { seed: 1, n: 5, d_model: 8, num_heads: 2 } }, { backend: 'webgpu' });
      const strict = await window.attnlab.run({ random: { seed: 1, n: 5, d_model: 8 } }, { backend: 'webgpu', fallback: false })
        .then(() => 'resolved', (e) => e.message);
      return { stats: ok.stats, strict, backends: window.attnlab.backends() };
    });
    assert.equal(r.stats.backend, 'cpu', name);
    assert.match(r.stats.notice, re, name);
    assert.match(r.strict, re, name);
    if (name !== 'compile error') assert.equal(r.backends[1].available, false, name);
    await page.close();
  }
});

test('the Performance panel plots real measurements and the GPU check compares with the CPU', async () => {
  const { page, errors } = await openApp(ctx.browser, ctx.url);
  await page.evaluate(() => {
    window.attnlab.setState({ view: { panel: 'performance' } });
    window.attnlab.measure();
    window.attnlab.checkGpu();
  });
  await page.waitForFunction(() => {
    const p = window.attnlab.performance();
    return /^done|failed|unavailable/.test(p.status) && p.points.some((x) => x.series.endsWith('linear') && x.n === 8192);
  }, null, { timeout: 240000 });
  const perf = await page.evaluate(() => window.attnlab.performance());
  const series = new Set(perf.points.map((p) => p.series));
  const cpu = await page.evaluate(() => window.attnlab.cpu());  // (the legend says the threads it measured with)
  const wasm = `cpu (WebAssembly ×${cpu.threads})`;
  for (const name of [wasm, `${wasm} · window 64`, `${wasm} · linear`])
    assert.ok(series.has(name), [...series].join(', '));
  assert.ok(series.has('webgpu flash'), perf.status);
  assert.ok(perf.points.every((p) => p.ms > 0 && p.n >= 128));
  assert.match(perf.gpu_report, /max \|GPU − CPU\| over outputs and weights = \d\.\d\de-([5-9]|1\d) /);
  await (await import('./harness.mjs')).frames(page, 4);
  await (await import('./harness.mjs')).screenshot(page, 'web-performance.png');
  console.log(perf.status, perf.points.map((p) => `${p.series} n=${p.n}: ${p.ms.toFixed(2)} ms`).join('; '));
  assert.deepEqual(errors, []);
  await page.close();
});

test('the long-sequence overview: block means of the weights and one exact row, without the n×n matrix', async () => {
  const r = await ctx.app.page.evaluate(async () => {
    const p = { random: { seed: 5, n: 1000, d_model: 64, num_heads: 2, num_kv_heads: 1 }, mask: { window: 300 } };
    const ov = await window.attnlab.overview(p, { size: 50, row: 777, head: 1 });
    const ref = await window.attnlab.run({ ...p, precision: 'f64' });
    const w = ref.attention_weights[1];
    let worst = 0;
    for (let bi = 0; bi < 50; bi++) {
      let sumRow = 0;
      for (let bj = 0; bj < 50; bj++) {
        let mean = 0;
        for (let i = bi * 20; i < bi * 20 + 20; i++) for (let j = bj * 20; j < bj * 20 + 20; j++) mean += w[i][j];
        mean /= 20;
        sumRow += ov.map[bi][bj];
        worst = Math.max(worst, Math.abs(ov.map[bi][bj] - mean) / (1e-4 + 1e-3 * mean));
      }
      worst = Math.max(worst, Math.abs(sumRow - 1) / 1e-3);
    }
    for (let j = 0; j < 1000; j++) worst = Math.max(worst, Math.abs(ov.row_weights[j] - w[777][j]) / (1e-4 + 1e-3 * w[777][j]));
    // More heads of 65 536 tokens than one buffer of this GPU holds: refused before any work, with the bytes.
    const h = Math.floor(window.attnlab.gpu.limits().maxStorageBufferBindingSize / (4 * 65536 * 64)) + 1;
    const refused = await window.attnlab.overview({ random: { n: 65536, d_model: 64 * h, num_heads: h } })
      .then(() => 'ok', (e) => e.message);
    return { worst, stats: ov.stats, refused };
  });
  assert.ok(r.worst <= 1, `worst ${r.worst} × tolerance`);
  assert.equal(r.stats.block_rows, 20);
  assert.match(r.refused, /^q: \d+ heads × 65536 tokens × 64 need \d+ MiB in one GPU buffer; this GPU allows \d+ MiB/);
});

test('the Long sequences panel shows a flash run it never formed the matrix for', async () => {
  const { page, errors } = await openApp(ctx.browser, ctx.url);
  await page.evaluate(() => {
    window.attnlab.setState({ view: { panel: 'overview' } });
    window.attnlab._overviewRun(JSON.stringify({ problem: { random: { seed: 1, n: 4096, d_model: 64, num_heads: 1 }, mask: 'causal' }, size: 128, row: 3000 }));
  });
  await page.waitForFunction(() => /^n = |could not/.test(window.attnlab.performance().overview), null, { timeout: 120000 });
  assert.match(await page.evaluate(() => window.attnlab.performance().overview), /^n = 4096: flash attention took .* never formed \(it would take 64 MiB\)/);
  await (await import('./harness.mjs')).frames(page, 4);
  await (await import('./harness.mjs')).screenshot(page, 'web-long-sequences.png');
  assert.deepEqual(errors, []);
  await page.close();
});
