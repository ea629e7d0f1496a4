// Native CPU benchmark (Google Benchmark) of the same problems tests/bench/bench_web.mjs runs in the browser:
// random self-attention, one head, d = 64, no mask, n = 128 … 16 384. Fast = output only (attn/fast.h);
// Traced = the step-through path with every stage (f32). The variants lab's scaling: Window64 (causal sliding
// window of 64, mask-aware fast path, O(n·w·d)), Linear (elu1 features, O(n·d²)), FlashTiles (the CPU tile
// walkthrough's algorithm, f64, 64×64 tiles, O(n²·d) time, O(n·d) memory); Kernel and KernelPortable (the
// fast path's tiled kernel with its packing on given q, k, v: tests/bench/peers_native.py sets PyTorch beside
// it). JSON with --benchmark_format=json; the web script reads it to print WebAssembly/native ratios. Not a
// test: nothing here asserts on time.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <thread>
#include <vector>

#include "attn/fast.h"
#include "attn/flash.h"
#include "compute/cpu_backend.h"

namespace {

attn::Problem problem(int n) {
  attn::Problem p;
  p.form = attn::Problem::Form::Random;
  p.random = {1, n, 64, 1, 1};
  return attn::materialize(p);
}

void run(benchmark::State& state, bool weights, int threads, attn::Problem p) {
  attn::RunOptions o;
  o.weights = weights;
  o.threads = threads;
  o.max_bytes = 8.0 * 1024 * 1024 * 1024;
  o.max_operations = 1e13;  // benchmarks go past the interactive limit on purpose
  for (auto _ : state) benchmark::DoNotOptimize(compute::run_cpu(p, o).output.data());
  const double n = static_cast<double>(state.range(0));
  state.counters["GFLOP/s"] = benchmark::Counter(
      4 * n * n * 64, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
}

int n_of(const benchmark::State& s) { return static_cast<int>(s.range(0)); }
void BM_Fast(benchmark::State& s) { run(s, false, 1, problem(n_of(s))); }
void BM_FastThreads(benchmark::State& s) {
  run(s, false, static_cast<int>(std::thread::hardware_concurrency()), problem(n_of(s)));
}
void BM_Traced(benchmark::State& s) { run(s, true, 1, problem(n_of(s))); }
void BM_Window64(benchmark::State& s) {
  attn::Problem p = problem(n_of(s));
  p.mask.kind = attn::MaskSpec::Kind::Window;
  p.mask.window = 64;
  run(s, false, 1, p);
}
void BM_Linear(benchmark::State& s) {
  attn::Problem p = problem(n_of(s));
  p.variant = attn::Variant::Linear;
  run(s, false, 1, p);
}
// The fast path's kernel on given q, k, v (f32, d = 64), packing K and V included: what PyTorch's
// softmax(q·kᵀ/8)·v computes in tests/bench/peers_native.py. Portable: the 4-lane kernel the browser build
// runs (SIMD128 there).
void kernel(benchmark::State& s, bool portable) {
  const int n = n_of(s), d = 64;
  attn::fast::use_kernel(portable ? "4 lanes" : "");
  std::vector<float> q(static_cast<size_t>(n) * d), k(q.size()), v(q.size()), out(q.size());
  std::uint32_t x = 1;
  for (std::vector<float>* m : {&q, &k, &v})
    for (float& y : *m) y = static_cast<float>((x = x * 1664525u + 1013904223u) >> 8) / 16777216.0f - 0.5f;
  for (auto _ : s) {
    const attn::fast::PackedKV kv = attn::fast::pack_kv(k.data(), v.data(), n, d, d);
    attn::fast::attention_rows(q.data(), kv, n, 0.125f, attn::MaskSpec(), out.data(), 0, n);
    benchmark::DoNotOptimize(out.data());
  }
  attn::fast::use_kernel("");
  s.counters["GFLOP/s"] = benchmark::Counter(4.0 * n * n * d, benchmark::Counter::kIsIterationInvariantRate,
                                             benchmark::Counter::kIs1000);
}
void BM_Kernel(benchmark::State& s) { kernel(s, false); }
void BM_KernelPortable(benchmark::State& s) { kernel(s, true); }

void BM_FlashTiles(benchmark::State& s) {
  const attn::Result r = attn::run(problem(n_of(s)));  // the projected q, k, v of the one head
  const attn::HeadTrace<double>& t = r.heads[0];
  for (auto _ : s)
    benchmark::DoNotOptimize(attn::flash_attention(t.q, t.k, t.v, {}, 0.125, 64, 64, false).output.data());
}

}  // namespace

BENCHMARK(BM_Fast)->RangeMultiplier(2)->Range(128, 16384)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FastThreads)->RangeMultiplier(2)->Range(128, 16384)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Traced)->RangeMultiplier(2)->Range(128, 2048)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Window64)->RangeMultiplier(2)->Range(128, 16384)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Linear)->RangeMultiplier(2)->Range(128, 16384)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Kernel)->RangeMultiplier(2)->Range(256, 8192)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_KernelPortable)->RangeMultiplier(2)->Range(256, 8192)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FlashTiles)->RangeMultiplier(2)->Range(128, 2048)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
