// The GPU benchmark for a lent device machine (issue 13), which has a GPU but no browser: our own kernels
// (shaders/*.wgsl, driven by web/webgpu.js exactly as the page drives them) on Dawn in Node (npm `webgpu`).
// For one head, d = 64, no mask, n = 2048 … max-n: flash and 3-pass (while its n×n scores fit one buffer), GPU
// time from timestamp queries, GFLOP/s (4·n²·d per run) against the GPU's fp32 peak, and parity: sampled
// output rows against an f64 reference computed here. Prints a table; writes gpu.json into $OUT (or build/bench).
// tests/bench/gpu_device.sh runs it there; here it runs on SwiftShader (VK_ICD_FILENAMES, small --max-n).
//   node tests/bench/gpu_device.mjs --dawn DIR [--max-n 65536] [--min-n 2048] [--peak-tflops 67] [--reps 3]
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const opt = (name, def) => (args.includes(name) ? args[args.indexOf(name) + 1] : def);
const maxN = Number(opt('--max-n', 65536)), minN = Number(opt('--min-n', 2048)), reps = Number(opt('--reps', 3));
const D = 64;

// Dawn's WebGPU as the page sees it: navigator.gpu, the GPU* constants, and window for webgpu.js.
const dawn = await import(pathToFileURL(path.join(path.resolve(opt('--dawn', 'node_modules/webgpu')), 'index.js')).href);
Object.assign(globalThis, dawn.globals);
globalThis.navigator = { gpu: dawn.create([]) };
globalThis.window = globalThis;
window.ATTNLAB_SHADERS = Object.fromEntries(fs.readdirSync(path.join(ROOT, 'shaders')).filter((f) => f.endsWith('.wgsl'))
  .map((f) => [path.basename(f, '.wgsl'), fs.readFileSync(path.join(ROOT, 'shaders', f), 'utf8')]));
vm.runInThisContext(fs.readFileSync(path.join(ROOT, 'web/webgpu.js'), 'utf8'), { filename: 'web/webgpu.js' });
const gpu = new window.AttnlabGpu();
await gpu.init();
const adapter = gpu.info;
const name = [adapter.vendor, adapter.architecture, adapter.device, adapter.description].filter(Boolean).join(' / ');
// fp32 peak (non-tensor) in TFLOP/s: given, or known from the adapter's name (NVIDIA's figures, boost clock).
const KNOWN_PEAKS = [[/H200|H100 SXM|H100 80GB HBM3/i, 67], [/H100/i, 51], [/A100/i, 19.5]];
const peak = Number(opt('--peak-tflops', (KNOWN_PEAKS.find(([re]) => re.test(name)) || [])[1] || 0));

// The kernels' uniform block, filled by member name in the order shaders/common.wgsl declares it (as
// compute::GpuParams does in C++; tests/core GpuParams.MatchesCommonWgsl keeps those two equal).
const members = /struct Params \{([^}]*)\}/.exec(window.ATTNLAB_SHADERS.common)[1]
  .split('\n').map((l) => /^\s*(\w+):\s*(u32|f32)/.exec(l)).filter(Boolean).map((m) => [m[1], m[2]]);
function params(values) {
  const buf = new ArrayBuffer(4 * members.length), view = new DataView(buf);
  members.forEach(([member, type], i) => {
    if (!(member in values)) throw new Error(`params: no value for ${member}`);
    if (type === 'f32') view.setFloat32(4 * i, values[member], true);
    else view.setUint32(4 * i, values[member], true);
  });
  return buf;
}

// Seeded N(0, 1) inputs (mulberry32 + Box–Muller): the same numbers on every machine.
function normals(count, seed) {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const r = Math.sqrt(-2 * Math.log(uniform())), th = 2 * Math.PI * uniform();
    out[i] = r * Math.cos(th);
    if (i + 1 < count) out[i + 1] = r * Math.sin(th);
  }
  return out;
}

// softmax(q·kᵀ/√d)·v for query row i, in f64.
function referenceRow(q, k, v, n, i) {
  const s = new Float64Array(n);
  let max = -Infinity;
  for (let j = 0; j < n; j++) {
    let dot = 0;
    for (let c = 0; c < D; c++) dot += q[i * D + c] * k[j * D + c];
    s[j] = dot / Math.sqrt(D);
    max = Math.max(max, s[j]);
  }
  const out = new Float64Array(D);
  let sum = 0;
  for (let j = 0; j < n; j++) {
    const w = Math.exp(s[j] - max);
    sum += w;
    for (let c = 0; c < D; c++) out[c] += w * v[j * D + c];
  }
  return out.map((x) => x / sum);
}

const limits = gpu.limits();
const rows = [];
console.log(`GPU: ${name || 'unknown adapter'}; fp32 peak ${peak ? peak + ' TFLOP/s' : 'unknown (--peak-tflops)'}; ` +
            `maxStorageBufferBindingSize ${(limits.maxStorageBufferBindingSize / 2 ** 20).toFixed(0)} MiB`);
console.log('n        path     GPU ms   wall ms   GFLOP/s  % peak   max |GPU − f64| (8 rows)');
for (let n = minN; n <= maxN; n *= 2) {
  const q = normals(n * D, 1), k = normals(n * D, 2), v = normals(n * D, 3);
  const job = { params: params({ L: n, S: n, d: D, dv: D, h: 1, g: 1, explicit_mask: 0, causal: 0, window: 0,
                                 key_end: n, multiplier: 1 / Math.sqrt(D), alibi: 0 }),
                q, k, v, allowed: new Uint32Array(1), slopes: new Float32Array(1), h: 1, L: n, S: n, d: D, dv: D,
                score_bytes: 4 * n * n, weights_fit: true, variant: 'standard' };
  const sample = Array.from({ length: 8 }, (_, r) => Math.floor((r * (n - 1)) / 7));
  const refs = sample.map((i) => referenceRow(q, k, v, n, i));
  const fits3 = 4 * n * n <= Math.min(limits.maxStorageBufferBindingSize, 512 * 2 ** 20);
  for (const pathName of fits3 ? ['flash', '3-pass'] : ['flash']) {
    const times = [], walls = [];
    let last;
    for (let r = 0; r <= reps; r++) {  // (the first run compiles the pipelines: not counted)
      const t0 = performance.now();
      last = await gpu.run(job, { path: pathName });
      if (r > 0) { times.push(last.gpu_ms); walls.push(performance.now() - t0); }
    }
    const med = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const ms = med(times), wall = med(walls);
    let diff = 0;
    sample.forEach((i, r) => { for (let c = 0; c < D; c++) diff = Math.max(diff, Math.abs(last.out[i * D + c] - refs[r][c])); });
    const gflops = (4 * n * n * D) / (ms * 1e6);
    const row = { n, path: pathName, gpu_ms: ms, wall_ms: wall, timer: last.timer, gflops,
                  peak_share: peak ? gflops / (peak * 1000) : undefined, max_diff: diff };
    rows.push(row);
    console.log([String(n).padEnd(8), pathName.padEnd(7), ms.toFixed(2).padStart(8), wall.toFixed(1).padStart(9),
                 (gflops < 10 ? gflops.toFixed(2) : gflops.toFixed(0)).padStart(9), (peak ? (100 * row.peak_share).toFixed(1) + '%' : '—').padStart(7),
                 diff.toExponential(2).padStart(12), last.timer === 'timestamp-query' ? '' : ' (wall: no timestamps)'].join(' '));
  }
}
// Parity: f32 on the GPU against f64 here; the sums run over n keys, so the bound grows with √n.
const worst = Math.max(...rows.map((r) => r.max_diff / (1e-5 * Math.sqrt(r.n))));
console.log(`parity: max |GPU − f64| within 1e-5·√n on every run: ${worst <= 1 ? 'yes' : 'NO'} (worst ${worst.toFixed(2)} of the bound)`);
for (const n of [...new Set(rows.map((r) => r.n))]) {
  const f = rows.find((r) => r.n === n && r.path === 'flash'), t = rows.find((r) => r.n === n && r.path === '3-pass');
  if (f && t) console.log(`n = ${n}: 3-pass / flash GPU time ${(t.gpu_ms / f.gpu_ms).toFixed(2)}×`);
}
const dir = process.env.OUT || path.join(ROOT, 'build/bench');
fs.mkdirSync(dir, { recursive: true });
fs.writeFileSync(path.join(dir, 'gpu.json'), JSON.stringify({ adapter: name, peak_tflops: peak, rows }, null, 1));
console.log(`wrote ${path.join(dir, 'gpu.json')}`);
gpu.destroyDevice();
process.exit(worst <= 1 ? 0 : 1);
