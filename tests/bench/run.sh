#!/usr/bin/env bash
# Runs the benchmarks (not part of ./run_tests.sh: they print ratios, they do not pass or fail):
# native CPU (Google Benchmark) → build/bench/native.json, set beside PyTorch + OpenBLAS and OpenBLAS SGEMM in
# the same run (tests/bench/peers_native.py), then the browser (CPU in WebAssembly, TensorFlow.js
# wasm, WebGPU 3-pass and flash) → build/bench/web.json, web.csv and a table of ratios.
#   tests/bench/run.sh [--max-n 4096] [--gpu-max-n 1024] [--reps 5]
# Then the UI's frame time (attnlab-bench-frames) and the model: the bundled GPT-2 and a GPT-2-small-shaped
# random checkpoint, native and in the browser. Ends with every "target:" line of the run, met or not
# (the whole output: build/bench/run.log).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
source .ci/deps.sh
deps_web && deps_native && deps_test
[ -d tests/bench/node_modules/@tensorflow/tfjs-core ] || (cd tests/bench && npm ci --no-audit --no-fund --loglevel=error)
[ -f build/native/CMakeCache.txt ] || cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/native -j2 --target attnlab-bench attnlab-bench-model attnlab-bench-frames >/dev/null
./build_wasm.sh >/dev/null
mkdir -p build/bench
{
build/native/attnlab-bench --benchmark_filter='BM_Fast|BM_Kernel' --benchmark_min_time=0.2 \
  --benchmark_format=json --benchmark_out=build/bench/native.json --benchmark_out_format=json >/dev/null
echo "native: build/bench/native.json"
/usr/bin/python3 tests/bench/peers_native.py build/bench/native.json  # beside PyTorch + OpenBLAS, one thread
node tests/bench/bench_web.mjs "$@"
[ -f build/bench/gpt2-small-random/model.safetensors ] || /usr/bin/python3 tests/bench/make_gpt2_small.py build/bench/gpt2-small-random
build/native/attnlab-bench-model --tokens 128
build/native/attnlab-bench-model build/bench/gpt2-small-random --tokens 64
node tests/bench/bench_model_web.mjs build/bench/gpt2-small-random
build/native/attnlab-bench-frames
} 2>&1 | tee build/bench/run.log
echo
echo "== targets (issue 13), this run on $(nproc) cores, $(date -u +%F)"
grep '^target:' build/bench/run.log | sed 's/^target: /  /'
