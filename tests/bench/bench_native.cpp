// Native CPU benchmark (Google Benchmark) of the same problems tests/bench/bench_web.mjs runs in the browser:
// random self-attention, one head, d = 64, no mask, n = 128 … 16 384. Fast = output only (attn/fast.h);
// Traced = the step-through path with every stage (f32). Prints JSON with --benchmark_format=json; the web
// script reads it to print WebAssembly/native ratios. Not a test: nothing here asserts on time.
#include <benchmark/benchmark.h>

#include <thread>

#include "compute/cpu_backend.h"

namespace {

attn::Problem problem(int n) {
  attn::Problem p;
  p.form = attn::Problem::Form::Random;
  p.random = {1, n, 64, 1, 1};
  return attn::materialize(p);
}

void run(benchmark::State& state, bool weights, int threads) {
  const attn::Problem p = problem(static_cast<int>(state.range(0)));
  attn::RunOptions o;
  o.weights = weights;
  o.threads = threads;
  o.max_bytes = 8.0 * 1024 * 1024 * 1024;
  for (auto _ : state) benchmark::DoNotOptimize(compute::run_cpu(p, o).output.data());
  const double n = static_cast<double>(state.range(0));
  state.counters["GFLOP/s"] = benchmark::Counter(
      4 * n * n * 64, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
}

void BM_Fast(benchmark::State& s) { run(s, false, 1); }
void BM_FastThreads(benchmark::State& s) {
  run(s, false, static_cast<int>(std::thread::hardware_concurrency()));
}
void BM_Traced(benchmark::State& s) { run(s, true, 1); }

}  // namespace

BENCHMARK(BM_Fast)->RangeMultiplier(2)->Range(128, 16384)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FastThreads)->RangeMultiplier(2)->Range(128, 16384)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Traced)->RangeMultiplier(2)->Range(128, 2048)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
