// The page's one door into C++ (src/app/bridge.cpp: one export, attnlab_call, with named handlers) and the
// WebGPU jobs that go through it: C++ prepares each job and decides its path, web/webgpu.js runs the kernels,
// C++ finishes it. window.attnlabBridge(gpu) gives web/attnlab.js {cmd, cmdOk, asText, runGpu, overviewJob,
// overview}; Module is the Emscripten module attnlab.js sets up (used only once the app runs).
window.attnlabBridge = function (gpu) {
  'use strict';

// The one door into C++ (src/app/bridge.cpp): runs the named handler with args (a small object) and an
// optional payload (a string: a problem's or state's JSON text; or bytes: a file), returns its JSON answer
// ({error} when it could not). Everything goes through malloc, not ccall's stack copies: a large problem's
// JSON would overflow the stack.
function cmd(name, args = {}, payload) {
  const owned = [];
  const put = (bytesLen, write) => {
    const p = Module._malloc(Math.max(1, bytesLen));
    if (!p) throw new Error('memory: no room for the input in WebAssembly memory');
    owned.push(p);
    write(p);
    return p;
  };
  const str = (t) => { const n = Module.lengthBytesUTF8(t) + 1; return [put(n, (p) => Module.stringToUTF8(t, p, n)), n - 1]; };
  try {
    const [namePtr] = str(name), [argsPtr] = str(JSON.stringify(args));
    let payloadPtr = 0, length = 0;
    if (typeof payload === 'string') {
      [payloadPtr, length] = str(payload);
    } else if (payload !== undefined && payload !== null) {
      const bytes = payload instanceof Uint8Array ? payload : new Uint8Array(payload.buffer || payload, payload.byteOffset || 0, payload.byteLength);
      length = bytes.length;
      payloadPtr = put(length, (p) => Module.HEAPU8.set(bytes, p));
    }
    const out = Module._attnlab_call(namePtr, argsPtr, payloadPtr, length);
    if (!out) throw new Error('memory: WebAssembly memory is full (the result did not fit)');
    const text = Module.UTF8ToString(out);
    Module._free(out);
    return withMatrices(JSON.parse(text));
  } finally {
    owned.forEach((p) => Module._free(p));
  }
}
// A Result's matrices come beside the JSON as f64 (bridge.cpp binary_matrix): {"$f64": [offset, rows, cols]}
// into the block "$blob": [pointer, length]. They become nested arrays again, non-finite numbers null as
// JSON writes them, so the answer reads the same as JSON; the block is copied before anything else runs.
function withMatrices(answer) {
  const blob = answer && answer.$blob;
  if (!blob) return answer;
  delete answer.$blob;
  const data = new Float64Array(Module.HEAPU8.buffer, blob[0], blob[1]).slice();
  cmd('release');  // (C++ frees the block now, not at some later call)
  const matrix = ([at, rows, cols]) => {
    const m = new Array(rows);
    for (let r = 0; r < rows; r++) {
      const row = new Array(cols);
      for (let c = 0, i = at + r * cols; c < cols; c++, i++) row[c] = Number.isFinite(data[i]) ? data[i] : null;
      m[r] = row;
    }
    return m;
  };
  const visit = (x) => {
    if (Array.isArray(x)) {
      for (let i = 0; i < x.length; i++) x[i] = visit(x[i]);
    } else if (x && typeof x === 'object') {
      if (Array.isArray(x.$f64)) return matrix(x.$f64);
      for (const k of Object.keys(x)) x[k] = visit(x[k]);
    }
    return x;
  };
  return visit(answer);
}
// cmd, rejecting with the handler's error.
function cmdOk(name, args, payload) {
  const out = cmd(name, args, payload);
  if (out && out.error) throw new Error(out.error);
  return out;
}

// A problem or state as JSON text for C++ (which checks depth, UTF-8 and size itself): text as given, an
// object stringified; what cannot be (a cycle, a BigInt, nesting deeper than the JS stack) is an Error
// naming the argument, never a RangeError from the engine.
function asText(value, what) {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') {
    throw new Error(`${what}: expected an object or JSON text, got ${value === null ? 'null' : typeof value}`);
  }
  let text;
  try {
    text = JSON.stringify(value);
  } catch (e) {
    throw new Error(`${what}: cannot be written as JSON (${e instanceof RangeError ? 'nested far too deep' : e.message})`);
  }
  if (typeof text !== 'string') throw new Error(`${what}: cannot be written as JSON`);
  return text;
}

// The WebGPU backend: C++ prepares the job (projections, per-head f32 buffers, the kernels' Params block),
// webgpu.js runs the kernels and writes into C++'s output buffers, C++ finishes it. prepareArgs: {app: true}
// for the problem on screen, else text is the problem. Invalid problems throw {problem: true}.
async function gpuJob(text, prepareArgs = {}) {
  if (!gpu) throw new Error('webgpu.js is not loaded');
  await gpu.init();  // the device's limits decide what fits
  const header = cmd('gpu_prepare', { ...prepareArgs, max_buffer_bytes: gpu.limits().maxStorageBufferBindingSize }, text);
  if (header.error) throw Object.assign(new Error(header.error), { problem: !header.gpu_limit });
  const copy = (T, [ptr, len]) => new T(Module.HEAPU8.buffer, ptr, len).slice();  // wasm memory may grow later
  try {
    return { ...header, params: copy(Uint8Array, header.params), q: copy(Float32Array, header.q),
             k: copy(Float32Array, header.k), v: copy(Float32Array, header.v), allowed: copy(Uint32Array, header.allowed),
             slopes: copy(Float32Array, header.slopes) };
  } catch (e) {
    cmd('gpu_cancel', { id: header.id });  // (no room for the copies: the job goes)
    throw e;
  }
}
// Writes what the GPU computed into the job's C++ buffers.
function writeOutputs(id, res, path, trace) {
  const outs = cmdOk('gpu_outputs', { id, path, trace: !!trace });
  for (const [name, [ptr, len]] of Object.entries(outs)) {
    new Float32Array(Module.HEAPU8.buffer, ptr, len).set(res[name].subarray(0, len));
  }
}
// Runs a job on the GPU and finishes it in C++ for `purpose` (run: resolves to the Result JSON; view, check:
// C++ takes the Result itself, no JSON).
async function runGpu(text, options, finish = { for: 'run' }, prepareArgs = {}) {
  const t0 = performance.now();
  const job = await gpuJob(text, prepareArgs);
  try {
    const res = await gpu.run(job, { path: options.path || 'auto', trace: !!options.trace });
    writeOutputs(job.id, res, res.path, options.trace);
    const result = cmdOk('gpu_finish', { version: job.version, ...finish, id: job.id, path: res.path, auto: !options.path, gpu_ms: res.gpu_ms, timer: res.timer,
                                          wall_ms: performance.now() - t0, trace: !!options.trace });
    return result;
  } catch (e) {
    cmd('gpu_cancel', { id: job.id });
    throw e;
  }
}

// The long-sequence overview: flash attention on the GPU (never the L×S matrix), then an M×M map of block
// means of the weights; the job stays in C++ (with the rows' lse written back) for `done(job, res, M)`.
async function overviewJob(text, { size = 128, row = 0, head = 0 } = {}, done) {
  const job = await gpuJob(text);
  try {
    if (row < 0 || row >= job.L) throw new Error(`row: ${row} is outside 0…${job.L - 1}`);
    if (head < 0 || head >= job.h) throw new Error(`head: ${head} is outside 0…${job.h - 1}`);
    const M = Math.max(1, Math.min(size, job.L, job.S));
    const res = await gpu.overview(job, M);
    writeOutputs(job.id, res, 'flash', false);
    return done(job, res, M);
  } finally {
    cmd('gpu_cancel', { id: job.id });
  }
}
// attnlab.overview(): the map and the exact weights of one row (C++ computes them from q, k and the row's
// lse, and writes the stats).
function overview(text, options = {}) {
  return overviewJob(text, options, (job, res, M) => {
    const { row = 0, head = 0 } = options;
    const answer = cmdOk('gpu_row', { id: job.id, head, row, size: M, flash_ms: res.gpu_ms, timer: res.timer, map_ms: res.ms });
    const grid = [];
    for (let i = 0; i < M; i++) grid.push(Array.from(res.map.subarray((head * M + i) * M, (head * M + i + 1) * M)));
    return { map: grid, ...answer };
  });
}

  return { cmd, cmdOk, asText, runGpu, overviewJob, overview };
};
