// The GPU half of the WebGPU backend: runs the WGSL kernels of shaders/ (embedded as window.ATTNLAB_SHADERS) on
// jobs prepared by the C++ compute layer (src/compute/gpu_jobs.cpp). One command encoder and one
// queue.submit per attention call; pipelines cached per override constants; buffers reused across calls of
// the same sizes. Failures (no adapter, compile error, out of memory, device lost) throw an Error with the
// reason; attnlab.js then falls back to the CPU, and the next call re-creates the device.
(function () {
  'use strict';
  const MiB = 1024 * 1024;
  const U = globalThis.GPUBufferUsage;  // undefined where the browser has no WebGPU (then init() throws)
  const STORAGE = U?.STORAGE, COPY_DST = U?.COPY_DST, COPY_SRC = U?.COPY_SRC;

  class AttnGpu {
    constructor() {
      this.device = null;
      this.pipelines = new Map();
      this.buffers = new Map();
      this.lastLoss = null;
    }

    // Creates the device on first use and after a loss; concurrent callers share one request.
    init() {
      if (this.device) return Promise.resolve(this.device);
      this.initPromise ??= this.createDevice().finally(() => { this.initPromise = null; });
      return this.initPromise;
    }

    async createDevice() {
      if (!('gpu' in navigator)) throw new Error('this browser has no WebGPU (navigator.gpu)');
      const adapter = await navigator.gpu.requestAdapter();
      if (!adapter) throw new Error('the browser offered no WebGPU adapter');
      const features = ['timestamp-query'].filter((f) => adapter.features.has(f));
      const l = adapter.limits;
      const device = await adapter.requestDevice({
        requiredFeatures: features,
        requiredLimits: {
          maxStorageBufferBindingSize: l.maxStorageBufferBindingSize, maxBufferSize: l.maxBufferSize,
          maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
        },
      });
      this.info = adapter.info || {};
      this.timestamps = features.includes('timestamp-query');
      this.device = device;
      device.lost.then((info) => {
        if (this.device !== device) return;
        this.lastLoss = `device lost (${info.reason || 'unknown'}${info.message ? ': ' + info.message : ''})`;
        this.device = null;
        this.pipelines.clear();
        this.buffers.clear();
        this.querySet = null;
      });
      return device;
    }

    limits() {
      const l = this.device.limits;
      return { maxStorageBufferBindingSize: l.maxStorageBufferBindingSize, maxBufferSize: l.maxBufferSize,
               maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
               maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup };
    }

    async pipeline(name, constants) {
      const key = name + JSON.stringify(constants);
      if (!this.pipelines.has(key)) {
        const shaders = window.ATTNLAB_SHADERS;
        if (!shaders || !shaders[name]) throw new Error(`shader ${name}.wgsl is missing from shaders.js`);
        const module = this.device.createShaderModule({ code: shaders.common + '\n' + shaders[name], label: name });
        const info = await module.getCompilationInfo();
        const errors = info.messages.filter((m) => m.type === 'error');
        if (errors.length) throw new Error(`${name}.wgsl does not compile: ${errors[0].message} (line ${errors[0].lineNum})`);
        this.pipelines.set(key, this.device.createComputePipelineAsync({
          layout: 'auto', label: name, compute: { module, entryPoint: `${name}_main`, constants } })
          .catch((e) => { this.pipelines.delete(key); throw new Error(`${name}.wgsl: pipeline failed: ${e.message}`); }));
      }
      return this.pipelines.get(key);
    }

    // A buffer for `role`, reused while the size is unchanged.
    buffer(role, bytes, usage) {
      bytes = Math.max(16, Math.ceil(bytes / 16) * 16);
      const cached = this.buffers.get(role);
      if (cached && cached.size === bytes && cached.usage === usage) return cached;
      cached?.destroy();
      const max = this.device.limits.maxStorageBufferBindingSize;
      if (usage & STORAGE && bytes > max) {
        throw new Error(`${role} needs ${(bytes / MiB).toFixed(0)} MiB in one buffer; this GPU allows ` +
                        `${(max / MiB).toFixed(0)} MiB (maxStorageBufferBindingSize)`);
      }
      const b = this.device.createBuffer({ size: bytes, usage, label: role });
      this.buffers.set(role, b);
      return b;
    }

    upload(role, array) {
      const b = this.buffer(role, array.byteLength, STORAGE | COPY_DST);
      this.device.queue.writeBuffer(b, 0, array.buffer, array.byteOffset, array.byteLength);
      return b;
    }

    // Forgets the device and everything made on it, so the next call starts afresh.
    reset() {
      const device = this.device;
      this.device = null;
      this.pipelines.clear();
      this.buffers.clear();
      this.querySet = null;
      try { device?.destroy(); } catch (e) { /* already gone */ }
    }

    // job: the header from the bridge's gpu_prepare with typed-array copies params, q, k, v, allowed, slopes.
    // Returns {path, out, weights?, scores?, lse?, gpu_ms, timer} (Float32Arrays). On any failure the
    // device is dropped (the next call re-creates it) and the error is rethrown.
    // Calls are queued: one at a time on the device and its shared buffers.
    run(job, options = {}) {
      const next = (this.queue || Promise.resolve()).then(async () => {
        try {
          return await this.runOnce(job, options);
        } catch (e) {
          this.reset();
          throw e;
        }
      });
      this.queue = next.catch(() => {});
      return next;
    }

    async runOnce(job, { path = 'auto', trace = false }) {
      const device = await this.init();
      const limits = device.limits;
      if (path === 'auto') path = job.path;  // (C++ chose it in gpu_prepare: compute::choose_gpu_path)
      device.pushErrorScope('out-of-memory');
      device.pushErrorScope('validation');
      const paramBuf = this.buffer('params', job.params.byteLength, GPUBufferUsage.UNIFORM | COPY_DST);
      device.queue.writeBuffer(paramBuf, 0, job.params);  // compute::GpuParams, as C++ filled it
      const q = this.upload('q', job.q), k = this.upload('k', job.k), v = this.upload('v', job.v);
      const allowed = this.upload('allowed', job.allowed);
      const slopes = this.upload('slopes', job.slopes);
      const outBytes = job.h * job.L * job.dv * 4;
      const out = this.buffer('out', outBytes, STORAGE | COPY_SRC);
      const reads = [['out', out, outBytes]];
      const querySet = this.timestamps ? (this.querySet ??= device.createQuerySet({ type: 'timestamp', count: 2 })) : null;
      const stamp = (first, last) => querySet ? { timestampWrites: { querySet,
        ...(first ? { beginningOfPassWriteIndex: 0 } : {}), ...(last ? { endOfPassWriteIndex: 1 } : {}) } } : {};
      const enc = device.createCommandEncoder({ label: `attention ${path}` });
      const bind = (pipe, buffers) => device.createBindGroup({ layout: pipe.getBindGroupLayout(0),
        entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })) });

      if (path === '3-pass') {
        const hls = job.h * job.L * job.S * 4;
        const scores = this.buffer('scores', hls, STORAGE | COPY_SRC);
        const [ps, pm, pw] = await Promise.all([this.pipeline('scores', { TILE: 16 }),
          this.pipeline('softmax_rows', { WG: 64 }), this.pipeline('weighted_sum', { TILE: 16 })]);
        let pass = enc.beginComputePass(stamp(true, false));
        pass.setPipeline(ps);
        pass.setBindGroup(0, bind(ps, [paramBuf, q, k, allowed, scores, slopes]));
        pass.dispatchWorkgroups(Math.ceil(job.S / 16), Math.ceil(job.L / 16), job.h);
        pass.end();
        if (trace) {
          const copy = this.buffer('scores_copy', hls, STORAGE | COPY_SRC | COPY_DST);
          enc.copyBufferToBuffer(scores, 0, copy, 0, hls);
          reads.push(['scores', copy, hls]);
        }
        pass = enc.beginComputePass();
        pass.setPipeline(pm);
        pass.setBindGroup(0, bind(pm, [paramBuf, scores]));
        const rows = job.h * job.L;
        pass.dispatchWorkgroups(Math.min(rows, 32768), Math.ceil(rows / 32768));
        pass.end();
        pass = enc.beginComputePass(stamp(false, true));
        pass.setPipeline(pw);
        pass.setBindGroup(0, bind(pw, [paramBuf, scores, v, out]));
        pass.dispatchWorkgroups(Math.ceil(job.dv / 16), Math.ceil(job.L / 16), job.h);
        pass.end();
        reads.push(['weights', scores, hls]);
      } else {
        const storage = limits.maxComputeWorkgroupStorageSize;
        let BC = 64;
        while (BC > 1 && BC * (job.d + job.dv) * 4 > storage) BC /= 2;
        const pf = await this.pipeline('flash_attention', { BR: 64, BC, DK: job.d, DV: job.dv });
        const lseBytes = job.h * job.L * 4;
        const lse = this.buffer('lse', lseBytes, STORAGE | COPY_SRC);
        const pass = enc.beginComputePass(stamp(true, true));
        pass.setPipeline(pf);
        pass.setBindGroup(0, bind(pf, [paramBuf, q, k, v, allowed, out, lse, slopes]));
        pass.dispatchWorkgroups(Math.ceil(job.L / 64), job.h);
        pass.end();
        reads.push(['lse', lse, lseBytes]);
      }
      // Staging for everything read back (the outputs, then the timestamps): as few buffers as the device's
      // maxBufferSize allows (one, usually), mapped together: a run is one submit and one readback, the error
      // scopes answered alongside (each wait is a trip to the GPU process).
      const ranges = reads.map(([name, src, bytes]) => [name, src, Math.ceil(bytes / 4) * 4]);
      if (querySet) {
        const resolve = this.buffer('stamps', 16, GPUBufferUsage.QUERY_RESOLVE | COPY_SRC);
        enc.resolveQuerySet(querySet, 0, 2, resolve, 0);
        ranges.push(['stamps', resolve, 16]);
      }
      const stages = [];  // [{ranges: [[name, at, size]], total}]
      for (const [name, src, size] of ranges) {
        let st = stages[stages.length - 1];
        if (!st || st.total + size > limits.maxBufferSize) stages.push(st = { ranges: [], total: 0 });
        st.ranges.push([name, src, st.total, size]);
        st.total = Math.ceil((st.total + size) / 256) * 256;
      }
      stages.forEach((st, i) => {
        st.buffer = this.buffer(`read_${i}`, st.total, GPUBufferUsage.MAP_READ | COPY_DST);
        for (const [, src, at, size] of st.ranges) enc.copyBufferToBuffer(src, 0, st.buffer, at, size);
      });
      const t0 = performance.now();
      device.queue.submit([enc.finish()]);
      this.afterSubmit?.(device);  // test hook (tests/web/webgpu.test.mjs destroys the device here)
      const scopes = [device.popErrorScope(), device.popErrorScope()];  // (validation, then out-of-memory)
      const mapped = Promise.all(stages.map((st) => st.buffer.mapAsync(GPUMapMode.READ, 0, st.total)));
      mapped.catch(() => {});  // (a validation error says more than the failed map it causes)
      const [validation, oom] = await Promise.all(scopes);
      if (oom) throw new Error(`out of GPU memory: ${oom.message}`);
      if (validation) throw new Error(`WebGPU validation error: ${validation.message}`);
      await mapped;
      const wall = performance.now() - t0;
      const result = { path, gpu_ms: wall, timer: 'wall' };
      for (const st of stages) {
        const all = st.buffer.getMappedRange(0, st.total).slice(0);
        st.buffer.unmap();
        for (const [name, , at, size] of st.ranges) {
          if (name !== 'stamps') {
            result[name] = new Float32Array(all, at, size / 4);
            continue;
          }
          const t = new BigUint64Array(all, at, 2);
          if (t[1] > t[0]) Object.assign(result, { gpu_ms: Number(t[1] - t[0]) / 1e6, timer: 'timestamp-query' });
        }
      }
      return result;
    }

    // The long-sequence overview: flash attention, then the M×M map of block means from the rows' lse, in one
    // queued task (the map reads the q, k, allowed and params buffers the flash run just uploaded).
    overview(job, M) {
      const next = (this.queue || Promise.resolve()).then(async () => {
        try {
          const res = await this.runOnce(job, { path: 'flash', trace: false });
          return { ...res, ...(await this.mapOnce(job, res.lse, M)) };
        } catch (e) {
          this.reset();
          throw e;
        }
      });
      this.queue = next.catch(() => {});
      return next;
    }

    async mapOnce(job, lse, M) {
      const device = await this.init();
      device.pushErrorScope('out-of-memory');
      device.pushErrorScope('validation');
      const rows = Math.ceil(job.L / M), cols = Math.ceil(job.S / M);
      const shape = this.buffer('map_shape', 16, GPUBufferUsage.UNIFORM | COPY_DST);
      device.queue.writeBuffer(shape, 0, new Uint32Array([M, rows, cols, 0]));
      const lseBuf = this.upload('lse_in', lse);
      const bytes = job.h * M * M * 4;
      const out = this.buffer('map', bytes, STORAGE | COPY_SRC);
      const read = this.buffer('read_map', bytes, GPUBufferUsage.MAP_READ | COPY_DST);
      const pipe = await this.pipeline('attention_map', {});
      const enc = device.createCommandEncoder({ label: 'attention map' });
      const pass = enc.beginComputePass();
      pass.setPipeline(pipe);
      pass.setBindGroup(0, device.createBindGroup({ layout: pipe.getBindGroupLayout(0), entries:
        [this.buffers.get('params'), this.buffers.get('q'), this.buffers.get('k'), this.buffers.get('allowed'), lseBuf, out, shape,
         this.buffers.get('slopes')]
          .map((buffer, binding) => ({ binding, resource: { buffer } })) }));
      pass.dispatchWorkgroups(Math.ceil(M / 64), M, job.h);
      pass.end();
      enc.copyBufferToBuffer(out, 0, read, 0, bytes);
      const t0 = performance.now();
      device.queue.submit([enc.finish()]);
      const [validation, oom] = [await device.popErrorScope(), await device.popErrorScope()];
      if (oom) throw new Error(`out of GPU memory: ${oom.message}`);
      if (validation) throw new Error(`WebGPU validation error: ${validation.message}`);
      await read.mapAsync(GPUMapMode.READ);
      const map = new Float32Array(read.getMappedRange().slice(0));
      read.unmap();
      return { map, ms: performance.now() - t0 };
    }

    // Test hook: loses the device on purpose (as a driver reset would).
    destroyDevice() { this.device?.destroy(); }
  }

  window.AttnlabGpu = AttnGpu;
})();
