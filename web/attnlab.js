// window.attnlab: the embedding and test API of the web build (keep it stable; README "JS API").
// Also the Emscripten Module setup: loading progress, fatal notices, and the first-frame `ready` signal.
// The C side is src/app/bridge.cpp (one export, attnlab_call, with named handlers).
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

  // Which build computes on the CPU: threads need memory shared between workers, which browsers give only to
  // cross-origin isolated pages; elsewhere the single-thread build runs (and the Performance view says why).
  // Why not, said truly on each browser: a page that is not isolated, or one that is but whose browser still
  // offers no shared memory (or none WebAssembly can use).
  const threadsMissing = (() => {
    if (self.crossOriginIsolated !== true) return 'not_isolated';
    if (typeof SharedArrayBuffer !== 'function') return 'no_shared_memory';
    try {
      new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    } catch (e) {
      return 'no_shared_wasm';
    }
    return '';
  })();
  const isolated = self.crossOriginIsolated === true;
  const cpu = { build: threadsMissing ? 'single' : 'threads', isolated, missing: threadsMissing };

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

  // The one door into C++ and the WebGPU jobs through it (web/bridge.js).
  const gpu = window.AttnlabGpu ? new window.AttnlabGpu() : null;
  const { cmd, cmdOk, asText, runGpu, overviewJob, overview } = window.attnlabBridge(gpu);

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
      const runCpu = (gpuFailed) => {
        const args = { trace: !!options.trace, weights: options.weights !== false };
        if (gpuFailed) args.gpu_failed = gpuFailed;  // (the Result's notice says so, written in C++)
        if (options.threads !== undefined) args.threads = options.threads;  // (at most attnlab.cpu().threads)
        return cmdOk('run', args, text);
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
      return runCpu(reason);
    },
    // Where the CPU path runs: {build: 'threads' | 'single', isolated, threads, says} (says: the sentence the
    // Performance view shows, e.g. why only one thread).
    cpu() {
      requireStarted('cpu');
      return { ...cmdOk('cpu'), isolated: cpu.isolated, missing: cpu.missing };
    },
    // The whole UI state {problem, step, view}.
    getState() {
      requireStarted('getState');
      return cmdOk('get_state');
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
      return cmdOk('get_result', { trace: !!options.trace });
    },
    // Applies a (partial) state; throws an Error naming the bad field and changes nothing if invalid.
    setState(state) {
      requireStarted('setState');
      cmdOk('set_state', {}, asText(state, 'state'));
    },
    // A link to this view: the page's address + '#state=' + the state as short as it can be said (a seeded
    // sentence or a scenario by name, the problem by its settings; edited numbers travel in full).
    link() {
      requireStarted('link');
      const state = cmdOk('link_state');
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
      cmdOk('open_model', { name: String(got.name || name || 'my-gpt2'), config: got.config, vocab: got.vocab,
                            merges: got.merges, readme: got.readme || '' }, got.weights);
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
      const err = cmd('request_handout', { kind, matrix }).error;
      if (err) { pendingHandout = null; throw new Error(err); }
      return Promise.race([made, new Promise((_, reject) => setTimeout(() => reject(new Error(api.notice() || 'handout: no file came')), 10000))]);
    },
    handoutMatrices() { requireStarted('handoutMatrices'); return cmdOk('handout_matrices'); },
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
    lessons() { requireStarted('lessons'); return cmdOk('lessons'); },
    // The open model: {name, card, n_layer, n_head, n_embd, n_positions, vocab_size, parameters, edited}, or null.
    model() { requireStarted('model'); return cmd('model'); },
    // Runs the open model on {text | token_ids, top, generate, temperature, seed, attention}: the same JSON as
    // `attnlab-cli model` ({tokens, token_ids, attention, next, logits, loss, generated}).
    async runModel(request) {
      await ready;
      return cmdOk('run_model', {}, asText(request, 'request'));
    },
    // Where the open model's next-token logit comes from, as `attnlab-cli explain` prints it: {text | token_ids,
    // target, contrast?, steps?} (a token as its id or its one-token text) → {tokens, target, logit,
    // attribution (five methods beside raw attention), dla (embeddings, heads, MLPs, biases: they add up to
    // logit), logit_lens}.
    async explain(request) {
      await ready;
      return cmdOk('explain', {}, asText(request, 'request'));
    },
    // Activation patching, as `attnlab-cli patch`: {clean, corrupt (texts of one token count) | clean_ids,
    // corrupt_ids, target, contrast?} → {heads: [L][H], positions: [L][H][T]}, the fraction of the logit
    // difference each head's clean output restores in the corrupted run.
    async patch(request) {
      await ready;
      return cmdOk('patch', {}, asText(request, 'request'));
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
    notice() { requireStarted('notice'); return cmdOk('notice').notice; },
    // What the Share menu does: the link into the address bar and onto the clipboard, and a notice saying so.
    share() { requireStarted('share'); cmdOk('request', { what: 'share' }); },
    async _share() {
      const url = api.link();
      history.replaceState(null, '', url);
      const long = url.length > 8000 ? '_long' : '';  // (edited numbers travel in full; some chat apps cut long links)
      try {
        await navigator.clipboard.writeText(url);
        setNotice(`notice.link_copied${long}`, { chars: url.length });
      } catch (e) {
        setNotice(`notice.link_in_address${long}`, { error: e.message, chars: url.length });
      }
    },
    // The Performance panel from script: measure() starts it (CPU here, then WebGPU), checkGpu() runs the
    // current problem on WebGPU; performance() reads {points: [{series, n, ms}], status, gpu_report}.
    measure() { requireStarted('measure'); cmdOk('request', { what: 'measure' }); },
    checkGpu() { requireStarted('checkGpu'); cmdOk('request', { what: 'gpu_check' }); },
    performance() { requireStarted('performance'); return cmdOk('performance'); },
    // Called by the app's Performance panel: runs the WebGPU measurements C++ asks for one by one
    // (bridge.cpp perf_next: which sizes and paths, when a series stops) and reports each GPU time back.
    async _perfGpu() {
      if (!webgpu.available) return cmd('perf_next', { unavailable: webgpu.reason });
      let next = cmd('perf_next', { adapter: webgpu.adapter ? `${webgpu.adapter.vendor}/${webgpu.adapter.architecture}` : 'no adapter' });
      while (next && next.problem) {
        try {
          const opts = { backend: 'webgpu', path: next.path, fallback: false };
          await api.run(next.problem, opts);  // warm-up (pipelines, buffers)
          next = cmd('perf_next', { ms: (await api.run(next.problem, opts)).stats.gpu_time_ms });
        } catch (e) {
          next = cmd('perf_next', { error: e.message });
        }
      }
    },
    // Called by the app's Long sequences panel with {problem, size, row}; C++ takes the map and the job back.
    async _overviewRun(params) {
      const { problem, size, row } = JSON.parse(params);
      try {
        await overviewJob(JSON.stringify(problem), { size, row }, (job, res, M) => cmdOk('overview_done',
          { id: job.id, size: M, row, flash_ms: res.gpu_ms, timer: res.timer, map_ms: res.ms }, res.map.subarray(0, M * M)));
      } catch (e) {
        cmd('gpu_failed', { for: 'overview', error: e.message });
      }
    },
    // Where the interactive parts were drawn last frame, in canvas CSS pixels: {mask_grid: {x, y, cell}} (x, y of
    // cell (0, 0); −1 when not on screen) and global_chips: [[x, y, w, h] per key token] (empty when not shown).
    // For page scripts and tests that click on the canvas.
    layout() { requireStarted('layout'); return cmdOk('layout'); },
    // What the step view shows from WebGPU: {state: off|pending|running|shown|cpu, version, result_version,
    // discarded, max_diff, path, gpu_time_ms, status}. Switch with setState({view: {backend: 'webgpu'}}).
    gpuView() { requireStarted('gpuView'); return cmdOk('gpu_view'); },
    // Called by the app when the step view needs the problem on screen (result_version `version`) on WebGPU;
    // C++ takes the Result straight from the job.
    async _gpuView(version) {
      try {
        await runGpu(undefined, { trace: true }, { for: 'view', version }, { app: true });
      } catch (e) {
        cmd('gpu_failed', { for: 'view', version, error: e.message });
      }
    },
    // Called by the app: the problem on screen on WebGPU (3-pass); C++ compares it with the CPU result.
    async _gpuCheck() {
      const a = webgpu.adapter || {};
      try {
        if (!gpu) throw new Error('webgpu.js is not loaded');
        await runGpu(undefined, { path: '3-pass' }, { for: 'check', adapter: `${a.vendor}/${a.architecture}` }, { app: true });
      } catch (e) {
        cmd('gpu_failed', { for: 'check', error: e.message });
      }
    },
    // Called by the app when the step or the numbers change: mirrors them for screen readers.
    _announce(info) {
      api.narration = info;
      const lesson = info.lesson ? info.lesson.spoken : [];
      if (info.language) document.documentElement.lang = info.language;
      $('live').textContent = [...lesson, info.title, info.formula, info.narration].filter(Boolean)
        .map((t) => (/[.?!:…]$/.test(t) ? t : `${t}.`)).join(' ');  // (one full stop after each, not two)
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
    // The bridge itself (src/app/bridge.cpp handlers), for tests and page scripts that need a command the API
    // does not wrap.
    _cmd: (name, args, payload) => cmd(name, args, payload),
    _frameDrawn(n) {
      if (n !== 0 || started) return;
      started = true;
      // prefers-reduced-motion: nothing starts moving by itself (a link's or lesson's playback stays off).
      const motion = window.matchMedia ? window.matchMedia('(prefers-reduced-motion: reduce)') : null;
      if (motion) {
        cmd('set_reduced_motion', { on: motion.matches });
        motion.addEventListener('change', (e) => cmd('set_reduced_motion', { on: e.matches }));
      }
      if (cpu.missing) cmd('cpu_reason', { reason: cpu.missing });  // (the Performance view says why one thread)
      $('overlay').hidden = true;
      window.addEventListener('hashchange', () => openLink(location.hash));
      probeDone.then(() => {  // (outside the frame that called us)
        try {
          openLink(location.hash);
          welcomeOnFirstVisit();
        } finally {
          resolveReady(api);
          installOffline();
        }
      });
    },
  };
  window.attnlab = api;

  function setNotice(id, args) { cmd('set_notice', { id, args }); }  // (said in the app's language)
  // The offline copy (web/sw.js), once the app runs: over http(s) only (file:// has no service workers, and
  // cannot load the app's WebAssembly and data either). A failure only means no offline copy.
  function installOffline() {
    if (!('serviceWorker' in navigator) || !/^https?:$/.test(location.protocol)) return;
    navigator.serviceWorker.register('sw.js').catch((e) => console.warn(`attnlab: no offline copy (${e.message})`));
  }
  // Picked or dropped files: a model opens (its own notice says so) or the notice says why it did not.
  function openPicked(files) {
    api.openModel(files).catch((e) => setNotice('notice.model_failed', { error: e.message }));
  }
  const canvas = $('canvas');
  canvas.addEventListener('dragover', (e) => { e.preventDefault(); e.dataTransfer.dropEffect = 'copy'; });
  canvas.addEventListener('drop', (e) => {
    e.preventDefault();
    if (started && e.dataTransfer.files.length) openPicked(e.dataTransfer.files);
  });
  // A first visit (no link in the address) opens with "where to start" (C++ ui::panel_welcome); once.
  function welcomeOnFirstVisit() {
    let first = false;
    try {
      first = !localStorage.getItem('attnlab.visited');
      localStorage.setItem('attnlab.visited', '1');
    } catch (e) { /* no storage (a private window): no welcome, the app as usual */ }
    if (first && (!location.hash || location.hash === '#')) cmd('welcome');
  }
  // Opens the address's '#state=…' (C++ ui::open_shared); anything wrong with it is said above the main view.
  function openLink(hash) {
    if (hash && hash !== '#') cmd('open_link', {}, hash);
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
  // The assets package (app.data through app.data.js), then the app: the pthreads build where the page may
  // share memory between threads (cross-origin isolated: the server sends COOP and COEP, as web/serve.mjs
  // does), the single-thread build otherwise (a static host without those headers); attnlab.cpu() says which.
  const load = (src) => {
    const script = document.createElement('script');
    script.src = src;
    script.async = false;  // (in order: the package's loader registers itself with Module first)
    script.onerror = () => {
      showFatal('Could not load the app', `${src} did not load. Check the connection and reload the page.`);
      rejectReady(new Error(`${src} failed to load`));
    };
    document.body.appendChild(script);
  };
  load('app.data.js');
  load(cpu.build === 'threads' ? 'app-mt.js' : 'app.js');
})();
