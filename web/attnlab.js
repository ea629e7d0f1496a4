// window.attnlab: the embedding and test API of the web build (keep it stable; README "JS API").
// Also the Emscripten Module setup: loading progress, fatal notices, and the first-frame `ready` signal.
// The C side is src/app/platform.cpp (attnlab_* exports).
(function () {
  'use strict';
  const VERSION = '0.1.0';
  const $ = (id) => document.getElementById(id);
  $('canvas').addEventListener('contextmenu', (e) => e.preventDefault());  // (right-click belongs to the app)

  function showFatal(title, detail) {
    $('loading').hidden = true;
    const box = $('fatal');
    box.hidden = false;
    box.replaceChildren();
    const h = document.createElement('h1');
    h.textContent = title;
    const p = document.createElement('p');
    p.textContent = detail;
    box.append(h, p);
    $('overlay').hidden = false;
  }

  let resolveReady, rejectReady;
  const ready = new Promise((res, rej) => { resolveReady = res; rejectReady = rej; });
  ready.catch(() => {});  // a failed start is shown on the page; callers still see the rejection

  // WebGPU is only detected here (its kernels live in the compute layer's WebGPU backend).
  let webgpu = { name: 'webgpu', available: false, adapter: null, reason: 'not probed yet' };
  async function probeWebGPU() {
    if (!('gpu' in navigator)) {
      webgpu = { name: 'webgpu', available: false, adapter: null, reason: 'this browser has no WebGPU (navigator.gpu)' };
      return;
    }
    try {
      const adapter = await navigator.gpu.requestAdapter();
      if (!adapter) {
        webgpu = { name: 'webgpu', available: false, adapter: null, reason: 'the browser offered no WebGPU adapter' };
        return;
      }
      const info = adapter.info || {};
      const l = adapter.limits;
      webgpu = { name: 'webgpu', available: true,
                 adapter: { vendor: info.vendor || '', architecture: info.architecture || '',
                            device: info.device || '', description: info.description || '' },
                 limits: { maxStorageBufferBindingSize: l.maxStorageBufferBindingSize, maxBufferSize: l.maxBufferSize,
                           maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
                           maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
                           maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension },
                 features: ['timestamp-query', 'shader-f16', 'subgroups'].filter((f) => adapter.features.has(f)) };
    } catch (e) {
      webgpu = { name: 'webgpu', available: false, adapter: null, reason: 'requestAdapter failed: ' + e.message };
    }
  }

  // Calls an attnlab_* export that returns a malloc'd C string; frees it and returns a JS string. String
  // arguments go through malloc, not ccall's stack copies: a large problem's JSON would overflow the stack.
  function call(name, types, args) {
    const owned = [];
    const cArgs = args.map((a, i) => {
      if (types[i] !== 'string') return a;
      const len = Module.lengthBytesUTF8(a) + 1;
      const p = Module._malloc(len);
      if (!p) throw new Error('memory: no room for the input in WebAssembly memory');
      Module.stringToUTF8(a, p, len);
      owned.push(p);
      return p;
    });
    try {
      return Module.ccall(name, 'number', types.map(() => 'number'), cArgs);
    } finally {
      owned.forEach((p) => Module._free(p));
    }
  }
  function callString(name, types, args) {
    const ptr = call(name, types, args);
    if (!ptr) throw new Error('memory: WebAssembly memory is full (the result did not fit)');
    const s = Module.UTF8ToString(ptr);
    Module._attnlab_free(ptr);
    return s;
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

  const gpu = window.AttnlabGpu ? new window.AttnlabGpu() : null;

  // The WebGPU backend: C++ prepares the job (projections, per-head f32 buffers), webgpu.js runs the kernels,
  // C++ finishes it (output projection, Result JSON). Invalid problems throw {problem: true}.
  async function runGpu(text, options) {
    const t0 = performance.now();
    await gpu.init();  // the device's limits decide what fits
    const header = JSON.parse(callString('attnlab_gpu_prepare', ['string', 'number'],
                                         [text, gpu.limits().maxStorageBufferBindingSize]));
    if (header.error) throw Object.assign(new Error(header.error), { problem: !header.gpu_limit });
    const id = header.id;
    try {
      const copy = (T, [ptr, len]) => new T(Module.HEAPU8.buffer, ptr, len).slice();  // wasm memory may grow later
      const job = { ...header, q: copy(Float32Array, header.q), k: copy(Float32Array, header.k),
                    v: copy(Float32Array, header.v), allowed: copy(Uint32Array, header.allowed) };
      const res = await gpu.run(job, { path: options.path || 'auto', trace: !!options.trace });
      const outs = JSON.parse(callString('attnlab_gpu_outputs', ['number', 'string', 'number'],
                                         [id, res.path, options.trace ? 1 : 0]));
      if (outs.error) throw new Error(outs.error);
      for (const [name, [ptr, len]] of Object.entries(outs)) {
        new Float32Array(Module.HEAPU8.buffer, ptr, len).set(res[name].subarray(0, len));
      }
      const result = JSON.parse(callString('attnlab_gpu_finish', ['number', 'string', 'number', 'string', 'number', 'number'],
        [id, res.path, res.gpu_ms, res.timer, performance.now() - t0, options.trace ? 1 : 0]));
      if (res.notice) result.stats.notice = res.notice;
      return result;
    } catch (e) {
      Module._attnlab_gpu_cancel(id);
      throw e;
    }
  }

  // The long-sequence overview: flash attention on the GPU (never the L×S matrix), then an M×M map of block
  // means of the weights, and the exact weights of one query row (from its q, the keys and the row's lse).
  async function overview(text, { size = 128, row = 0, head = 0 } = {}) {
    await gpu.init();
    const header = JSON.parse(callString('attnlab_gpu_prepare', ['string', 'number'],
                                         [text, gpu.limits().maxStorageBufferBindingSize]));
    if (header.error) throw new Error(header.error);
    const copy = (T, [ptr, len]) => new T(Module.HEAPU8.buffer, ptr, len).slice();
    let job;
    try {
      job = { ...header, q: copy(Float32Array, header.q), k: copy(Float32Array, header.k),
              v: copy(Float32Array, header.v), allowed: copy(Uint32Array, header.allowed) };
    } finally {
      Module._attnlab_gpu_cancel(header.id);  // only the copied buffers are needed; no Result is built
    }
    if (row < 0 || row >= job.L) throw new Error(`row: ${row} is outside 0…${job.L - 1}`);
    if (head < 0 || head >= job.h) throw new Error(`head: ${head} is outside 0…${job.h - 1}`);
    const M = Math.max(1, Math.min(size, job.L, job.S));
    const res = await gpu.overview(job, M);
    const { map, ms } = res;
    // Exact weights of the selected row, in f64 from the same inputs (n·d work).
    const kvh = Math.floor(head * job.g / job.h), d = job.d, l = res.lse[head * job.L + row];
    const weights = new Array(job.S).fill(0);
    const pos = row + job.S - job.L;
    for (let j = 0; j < job.S && l > -1e38; j++) {
      const m = job.mask_kind;
      const ok = m === 1 ? j <= pos : m === 2 ? j <= pos && j > pos - job.window : m === 3 ? j < job.valid_len
               : m === 4 ? job.allowed[row * job.S + j] !== 0 : true;
      if (!ok) continue;
      let dot = 0;
      for (let c = 0; c < d; c++) dot += job.q[(head * job.L + row) * d + c] * job.k[(kvh * job.S + j) * d + c];
      weights[j] = Math.exp(dot * job.multiplier - l);
    }
    const grid = [];
    for (let i = 0; i < M; i++) grid.push(Array.from(map.subarray((head * M + i) * M, (head * M + i + 1) * M)));
    return { map: grid, row_weights: weights, stats: { L: job.L, S: job.S, size: M, block_rows: Math.ceil(job.L / M),
             block_cols: Math.ceil(job.S / M), flash_gpu_ms: res.gpu_ms, gpu_timer: res.timer, map_ms: ms } };
  }

  let started = false;
  let pendingHandout = null;  // attnlab.handout()'s promise, resolved by _download
  function requireStarted(what) {
    if (!started) throw new Error(`attnlab.${what}: the app is not ready yet (await attnlab.ready)`);
  }

  const api = {
    version: VERSION,
    ready,
    // [{name:'cpu', available:true}, {name:'webgpu', available, adapter:{vendor, architecture}, reason?}]
    backends() {
      return [{ name: 'cpu', available: true }, JSON.parse(JSON.stringify(webgpu))];
    },
    // Runs a Problem (object or JSON text); resolves to the Result JSON, rejects with the reason.
    async run(problem, options = {}) {
      await ready;
      if (options === null || typeof options !== 'object') throw new Error('options: expected an object such as {backend: "cpu"}');
      const backend = options.backend || 'cpu';
      if (backend !== 'cpu' && backend !== 'webgpu') throw new Error(`backend "${backend}" is unknown (known: cpu, webgpu)`);
      const text = asText(problem, 'problem');
      const runCpu = () => {
        const result = JSON.parse(callString('attnlab_run_json', ['string', 'string', 'number', 'number'],
                                             [text, 'cpu', options.trace ? 1 : 0, options.weights === false ? 0 : 1]));
        if (result.error) throw new Error(result.error);
        return result;
      };
      if (backend === 'cpu') return runCpu();
      // WebGPU, falling back to the CPU with a notice when the GPU cannot do it (unless fallback: false).
      let reason;
      try {
        if (!gpu) throw new Error('webgpu.js is not loaded');
        return await runGpu(text, options);
      } catch (e) {
        if (e.problem) throw e;
        reason = e.message;
      }
      if (options.fallback === false) throw new Error(`backend "webgpu" failed: ${reason}`);
      console.warn(`attnlab: WebGPU failed (${reason}); computing on the CPU`);
      const result = runCpu();
      result.stats.notice = `WebGPU failed (${reason}); computed on the CPU instead`;
      return result;
    },
    // The whole UI state {problem, step, view}.
    getState() {
      requireStarted('getState');
      return JSON.parse(callString('attnlab_get_state', [], []));
    },
    // Long sequences on WebGPU: {map (size×size block means of the weights), row_weights (exact, one row), stats}.
    async overview(problem, options = {}) {
      await ready;
      if (!gpu) throw new Error('webgpu.js is not loaded');
      if (options === null || typeof options !== 'object') throw new Error('options: expected an object such as {size: 128, row: 0}');
      for (const [k, lo, hi] of [['size', 1, 1024], ['row', 0, 2 ** 31 - 1], ['head', 0, 1024]]) {
        const v = options[k];
        if (v !== undefined && !(Number.isInteger(v) && v >= lo && v <= hi)) throw new Error(`${k}: expected an integer from ${lo} to ${hi}`);
      }
      return overview(asText(problem, 'problem'), options);
    },
    // The WebGPU engine (limits, adapter info, and a test hook that loses the device).
    gpu,
    // The Result the app shows now (same JSON as run()); {trace: true} adds every stage per head.
    result(options = {}) {
      requireStarted('result');
      if (options === null || typeof options !== 'object') throw new Error('options: expected an object such as {trace: true}');
      const r = JSON.parse(callString('attnlab_get_result', ['number'], [options.trace ? 1 : 0]));
      if (r.error) throw new Error(r.error);
      return r;
    },
    // Applies a (partial) state; throws an Error naming the bad field and changes nothing if invalid.
    setState(state) {
      requireStarted('setState');
      const err = callString('attnlab_set_state', ['string'], [asText(state, 'state')]);
      if (err) throw new Error(err);
    },
    // A link to this view: the page's address + '#state=' + the state as short as it can be said (a seeded
    // sentence or a scenario by name, the problem by its settings; edited numbers travel in full).
    link() {
      requireStarted('link');
      const state = callString('attnlab_get_link_state', [], []);
      return location.href.split('#')[0] + '#state=' + encodeURIComponent(state);
    },
    // Opens a GPT-2 from its files, read here and never uploaded: a FileList or array of File (config.json,
    // model.safetensors, vocab.json, merges.txt, optionally README.md), or {name, config, weights, vocab, merges}
    // with strings and an ArrayBuffer. Resolves to attnlab.model(); rejects naming the file that is wrong.
    async openModel(files, name) {
      await ready;
      const got = {};
      if (files && typeof files === 'object' && !('length' in files)) {
        Object.assign(got, files);
      } else {
        const byName = {};
        for (const f of Array.from(files || [])) byName[f.name] = f;
        const need = { config: 'config.json', weights: 'model.safetensors', vocab: 'vocab.json', merges: 'merges.txt' };
        for (const [k, file] of Object.entries(need)) {
          if (!byName[file]) throw new Error(`${file}: missing (a GPT-2 is config.json, model.safetensors, vocab.json and merges.txt)`);
          got[k] = k === 'weights' ? await byName[file].arrayBuffer() : await byName[file].text();
        }
        if (byName['README.md']) got.readme = await byName['README.md'].text();
        const rel = byName['config.json'].webkitRelativePath || '';
        got.name = name || (rel.includes('/') ? rel.split('/').slice(-2, -1)[0] : 'my-gpt2');
      }
      for (const k of ['config', 'vocab', 'merges']) if (typeof got[k] !== 'string') throw new Error(`${k}: expected the file's text`);
      if (!(got.weights instanceof ArrayBuffer)) throw new Error('weights: expected model.safetensors as an ArrayBuffer');
      const bytes = got.weights.byteLength;
      const ptr = Module._malloc(Math.max(1, bytes));
      if (!ptr) throw new Error(`memory: no room for model.safetensors (${(bytes / 1048576).toFixed(0)} MiB) in this page's WebAssembly memory`);
      let err;
      try {
        Module.HEAPU8.set(new Uint8Array(got.weights), ptr);
        err = callString('attnlab_open_model', ['string', 'string', 'number', 'number', 'string', 'string', 'string'],
                         [String(got.name || name || 'my-gpt2'), got.config, ptr, bytes, got.vocab, got.merges, got.readme || '']);
      } finally {
        Module._free(ptr);
      }
      if (err) throw new Error(err);
      return api.model();
    },
    // Handouts (the Handout menu): kind is view_png, matrix_png (with {matrix: index into handoutMatrices()}),
    // csv, json, latex_step or latex_row. Resolves to {name, mime, bytes: Uint8Array} once the app has made it
    // (after the next frame) and the browser has been handed it as a download.
    async handout(kind, { matrix = 0 } = {}) {
      requireStarted('handout');
      if (typeof kind !== 'string') throw new Error('kind: expected a string such as "csv"');
      if (!Number.isInteger(matrix) || matrix < 0 || matrix > 1000) throw new Error('matrix: expected an integer from 0');
      const made = new Promise((resolve, reject) => { pendingHandout = { resolve, reject }; });
      const err = callString('attnlab_request_handout', ['string', 'number'], [kind, matrix]);
      if (err) { pendingHandout = null; throw new Error(err); }
      return Promise.race([made, new Promise((_, reject) => setTimeout(() => reject(new Error(api.notice() || 'handout: no file came')), 10000))]);
    },
    handoutMatrices() { requireStarted('handoutMatrices'); return JSON.parse(callString('attnlab_handout_matrices', [], [])); },
    // Called by the app with a handout: the browser downloads it (nothing leaves the computer).
    _download(name, mime, bytes) {
      const url = URL.createObjectURL(new Blob([bytes], { type: mime }));
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      a.hidden = true;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
      if (pendingHandout) { pendingHandout.resolve({ name, mime, bytes }); pendingHandout = null; }
    },
    _handoutFailed(why) {
      if (pendingHandout) { pendingHandout.reject(new Error(why)); pendingHandout = null; }
    },
    // The lessons (assets/lessons): [{id, title, audience, pages: [page titles]}]. Open one with
    // setState({lesson: {id, page}}) (page 1, 2, …) or the link …#lesson=ID&page=N.
    lessons() { requireStarted('lessons'); return JSON.parse(callString('attnlab_get_lessons', [], [])); },
    // The open model: {name, card, n_layer, n_head, n_embd, n_positions, vocab_size, parameters, edited}, or null.
    model() { requireStarted('model'); return JSON.parse(callString('attnlab_describe_model', [], [])); },
    // Runs the open model on {text | token_ids, top, generate, temperature, seed, attention}: the same JSON as
    // `attnlab-cli model` ({tokens, token_ids, attention, next, logits, loss, generated}).
    async runModel(request) {
      await ready;
      const out = JSON.parse(callString('attnlab_run_model', ['string'], [asText(request, 'request')]));
      if (out.error) throw new Error(out.error);
      return out;
    },
    // Called by the Model view's "Choose its four files…": a file picker; what is picked opens, or says why not.
    _pickModel() {
      const input = document.createElement('input');
      input.type = 'file';
      input.multiple = true;
      input.accept = '.json,.safetensors,.txt,.md';
      input.addEventListener('change', () => openPicked(input.files));
      input.click();
    },
    // Offline use (web/sw.js): {supported, controlled, version, files} — controlled once this page is served
    // from the cache a visit installed (the app then reloads without a network).
    async offline() {
      if (!('serviceWorker' in navigator)) return { supported: false, controlled: false };
      const sw = navigator.serviceWorker.controller;
      if (!sw) return { supported: true, controlled: false };
      const info = await new Promise((resolve) => {
        const channel = new MessageChannel();
        channel.port1.onmessage = (e) => resolve(e.data);
        sw.postMessage('version', [channel.port2]);
        setTimeout(() => resolve({}), 3000);
      });
      return { supported: true, controlled: true, ...info };
    },
    // The message above the main view ("" when none): a copied link, or why a link could not be opened.
    notice() { requireStarted('notice'); return callString('attnlab_get_notice', [], []); },
    // What the Share menu does: the link into the address bar and onto the clipboard, and a notice saying so.
    share() { requireStarted('share'); Module._attnlab_request(2); },
    async _share() {
      const url = api.link();
      history.replaceState(null, '', url);
      const long = url.length > 8000 ? ` It is long (${url.length} characters) because it carries edited ` +
                                       'numbers; some chat apps cut long links.' : '';
      try {
        await navigator.clipboard.writeText(url);
        setNotice(`Link copied: whoever opens it sees this view.${long}`);
      } catch (e) {
        setNotice(`The address bar now holds the link to this view (the browser refused the clipboard: ${e.message}).${long}`);
      }
    },
    // The Performance panel from script: measure() starts it (CPU here, then WebGPU), checkGpu() runs the
    // current problem on WebGPU; performance() reads {points: [{series, n, ms}], status, gpu_report}.
    measure() { requireStarted('measure'); Module._attnlab_request(0); },
    checkGpu() { requireStarted('checkGpu'); Module._attnlab_request(1); },
    performance() { requireStarted('performance'); return JSON.parse(callString('attnlab_get_performance', [], [])); },
    // Called by the app's Performance panel: WebGPU flash and 3-pass for n = 128 … 4096 (d = 64, one head),
    // stopping a series once one run takes over 3 s. Points and status go back to the panel.
    async _perfGpu() {
      const status = (t) => Module.ccall('attnlab_perf_status', null, ['string'], [t]);
      const info = webgpu.adapter ? `${webgpu.adapter.vendor}/${webgpu.adapter.architecture}` : 'no adapter';
      if (!webgpu.available) return status(`CPU done; WebGPU unavailable: ${webgpu.reason}`);
      for (const path of ['flash', '3-pass']) {
        for (let n = 128; n <= 4096; n *= 2) {
          const p = { random: { seed: 1, n, d_model: 64, num_heads: 1 } };
          try {
            await api.run(p, { backend: 'webgpu', path, fallback: false });  // warm-up (pipelines, buffers)
            const r = await api.run(p, { backend: 'webgpu', path, fallback: false });
            Module.ccall('attnlab_perf_point', null, ['string', 'number', 'number'], [`webgpu ${path}`, n, r.stats.gpu_time_ms]);
            if (r.stats.gpu_time_ms > 3000) break;
          } catch (e) {
            return status(`WebGPU ${path} failed at n=${n}: ${e.message}`);
          }
        }
      }
      status(`done (WebGPU adapter: ${info})`);
    },
    // Called by the app's Long sequences panel with {n, mask, size, row}; the result goes back to the panel.
    async _overviewRun(params) {
      const { n, mask, size, row } = JSON.parse(params);
      const send = (j) => call('attnlab_overview_result', ['string'], [JSON.stringify(j)]);
      try {
        const p = { random: { seed: 1, n, d_model: 64, num_heads: 1 }, mask: [ 'none', 'causal', { window: 256 } ][mask] };
        const ov = await api.overview(p, { size, row });
        const s = ov.stats;
        send({ map: ov.map, row_weights: ov.row_weights, row,
               status: `n = ${n}: flash attention took ${s.flash_gpu_ms.toFixed(1)} ms of GPU time (${s.gpu_timer}), ` +
                       `the ${s.size}×${s.size} map ${s.map_ms.toFixed(1)} ms; the ${n}×${n} matrix was never formed ` +
                       `(it would take ${(4 * n * n / 1048576).toFixed(0)} MiB).` });
      } catch (e) {
        send({ status: `could not compute: ${e.message}` });
      }
    },
    // Where the interactive parts were drawn last frame, in canvas CSS pixels: {mask_grid: {x, y, cell}} (x, y of
    // cell (0, 0); −1 when not on screen) and global_chips: [[x, y, w, h] per key token] (empty when not shown).
    // For page scripts and tests that click on the canvas.
    layout() { requireStarted('layout'); return JSON.parse(callString('attnlab_get_layout', [], [])); },
    // What the step view shows from WebGPU: {state: off|pending|running|shown|cpu, version, result_version,
    // discarded, max_diff, path, gpu_time_ms, status}. Switch with setState({view: {backend: 'webgpu'}}).
    gpuView() { requireStarted('gpuView'); return JSON.parse(callString('attnlab_get_gpu_view', [], [])); },
    // Called by the app when the step view needs the current problem (result_version `version`) on WebGPU.
    async _gpuView(version) {
      let text;
      try {
        const { problem } = api.getState();
        text = JSON.stringify(await api.run(problem, { backend: 'webgpu', trace: true }));
      } catch (e) {
        text = JSON.stringify({ error: e.message });
      }
      call('attnlab_gpu_view_result', ['number', 'string'], [version, text]);
    },
    // Called by the app: the current problem on WebGPU (3-pass) against the CPU result on screen.
    async _gpuCheck() {
      const report = (t) => Module.ccall('attnlab_gpu_report', null, ['string'], [t]);
      try {
        const { problem } = api.getState();
        const cpu = api.result();
        const gpu = await api.run(problem, { backend: 'webgpu', path: '3-pass', fallback: false });
        let worst = 0;
        cpu.output.forEach((row, i) => row.forEach((x, c) => { worst = Math.max(worst, Math.abs(x - gpu.output[i][c])); }));
        cpu.attention_weights.forEach((h, a) => h.forEach((row, i) => row.forEach((x, j) => {
          worst = Math.max(worst, Math.abs(x - gpu.attention_weights[a][i][j]));
        })));
        const a = webgpu.adapter || {};
        report(`WebGPU (${gpu.stats.path}, ${a.vendor}/${a.architecture}) took ${gpu.stats.gpu_time_ms.toFixed(2)} ms of GPU ` +
               `time; max |GPU − CPU| over outputs and weights = ${worst.toExponential(2)} (f32 on the GPU).`);
      } catch (e) {
        report(`WebGPU could not run it: ${e.message}`);
      }
    },
    // Called by the app when the step or the numbers change: mirrors them for screen readers.
    _announce(info) {
      api.narration = info;
      const l = info.lesson;
      const lesson = l ? [`Lesson: ${l.title}, page ${l.page} of ${l.pages}: ${l.page_title}`, l.narration,
                          l.question && `Predict: ${l.question}`, l.choices && `Choices: ${l.choices.join(', ')}`,
                          l.answer && `Answer: ${l.answer}. ${l.explanation}`] : [];
      $('live').textContent = [...lesson, info.title, info.formula, info.narration].filter(Boolean).join('. ');
      $('view').textContent = info.view || '';
      const table = $('numbers');
      table.replaceChildren();
      if (!info.headers) return;
      const caption = table.createCaption();
      caption.textContent = info.caption;
      const head = table.createTHead().insertRow();
      const body = table.createTBody().insertRow();
      info.headers.forEach((h, i) => {
        const th = document.createElement('th');
        th.scope = 'col';
        th.textContent = h;
        head.appendChild(th);
        body.insertCell().textContent = info.values[i];
      });
    },
    _frameDrawn(n) {
      if (n !== 0 || started) return;
      started = true;
      // prefers-reduced-motion: nothing starts moving by itself (a link's or lesson's playback stays off).
      const motion = window.matchMedia ? window.matchMedia('(prefers-reduced-motion: reduce)') : null;
      if (motion) {
        Module._attnlab_set_reduced_motion(motion.matches ? 1 : 0);
        motion.addEventListener('change', (e) => Module._attnlab_set_reduced_motion(e.matches ? 1 : 0));
      }
      $('overlay').hidden = true;
      window.addEventListener('hashchange', () => openLink(location.hash));
      probeDone.then(() => {  // (outside the frame that called us)
        try {
          openLink(location.hash);
        } finally {
          resolveReady(api);
          installOffline();
        }
      });
    },
  };
  window.attnlab = api;

  function setNotice(text) { call('attnlab_set_notice', ['string'], [text]); }
  // The offline copy (web/sw.js), once the app runs: over http(s) only (file:// has no service workers, and
  // cannot load the app's WebAssembly and data either). A failure only means no offline copy.
  function installOffline() {
    if (!('serviceWorker' in navigator) || !/^https?:$/.test(location.protocol)) return;
    navigator.serviceWorker.register('sw.js').catch((e) => console.warn(`attnlab: no offline copy (${e.message})`));
  }
  // Picked or dropped files: a model opens (its own notice says so) or the notice says why it did not.
  function openPicked(files) {
    api.openModel(files).catch((e) => setNotice(`This model could not be opened: ${e.message}. The app keeps the one it had.`));
  }
  const canvas = $('canvas');
  canvas.addEventListener('dragover', (e) => { e.preventDefault(); e.dataTransfer.dropEffect = 'copy'; });
  canvas.addEventListener('drop', (e) => {
    e.preventDefault();
    if (started && e.dataTransfer.files.length) openPicked(e.dataTransfer.files);
  });
  // Opens the address's '#state=…' (C++ ui::open_shared); anything wrong with it is said above the main view.
  function openLink(hash) {
    if (hash && hash !== '#') call('attnlab_open_link', ['string'], [hash]);
  }
  const probeDone = probeWebGPU();

  // Refuse early, with a readable reason, when the browser lacks what the app needs.
  const gl2 = (() => { try { return !!document.createElement('canvas').getContext('webgl2'); } catch (e) { return false; } })();
  if (typeof WebAssembly !== 'object') {
    showFatal('WebAssembly is not available',
      'Attention Lab computes attention with WebAssembly, which this browser does not offer (or has turned off). ' +
      'Please open this page in a current Chrome, Edge, Firefox or Safari.');
    rejectReady(new Error('WebAssembly is not available'));
    return;
  }
  if (!gl2) {
    showFatal('WebGL2 is not available',
      'Attention Lab draws with WebGL2, which this browser or graphics driver does not offer. ' +
      'Try enabling hardware acceleration, updating the browser, or another browser.');
    rejectReady(new Error('WebGL2 is not available'));
    return;
  }

  window.Module = {
    canvas: $('canvas'),
    print: (t) => console.log(t),
    printErr: (t) => console.warn(t),
    setStatus(text) {
      const m = /\((\d+(?:\.\d+)?)\/(\d+)\)/.exec(text || '');
      const bar = $('progress');
      if (m) { bar.hidden = false; bar.value = Number(m[1]); bar.max = Number(m[2]); }
      if (text) $('status').textContent = text.replace(/\(\d.*\)/, '').trim() || 'Loading…';
    },
    onAbort(what) {
      showFatal('Attention Lab stopped', 'The WebAssembly module failed: ' + what +
        '. Reloading the page may help; if not, the browser may be out of memory.');
      rejectReady(new Error('aborted: ' + what));
    },
  };
  const script = document.createElement('script');
  script.src = 'app.js';
  script.onerror = () => {
    showFatal('Could not load the app', 'app.js did not load. Check the connection and reload the page.');
    rejectReady(new Error('app.js failed to load'));
  };
  document.body.appendChild(script);
})();
