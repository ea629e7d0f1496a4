#!/usr/bin/env bash
# Fuzzes every parser and entry point with libFuzzer (clang-14, ASan + UBSan): builds build/fuzz, runs each
# harness from a fixed seed over its corpus, then the CLI sweep (sweep.py); prints executions and crashes per
# harness and ends with one line: "fuzz: N harnesses, E executions, C crashes; sweep: …".
#   tests/fuzz/run.sh                       20 s per harness and a 1000-problem sweep (./run_tests.sh runs this)
#   tests/fuzz/run.sh --minutes 30          the long run (and a 20 000-problem sweep)
#   tests/fuzz/run.sh --runs 1000000        each harness until it has run that many inputs (and the sweep)
#   tests/fuzz/run.sh --seconds 5 link      some harnesses only, no sweep
# Inputs that crash or hang are kept in build/fuzz/crashes/<harness>/; each becomes a case in
# tests/core/test_robustness.cpp. Exit status 1 when anything crashed.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
root=$PWD
seconds=20
runs=0
sweep=1000
harnesses=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift ;;
    --minutes) seconds=$(($2 * 60)); sweep=20000; shift ;;
    --runs) runs=$2; seconds=$((6 * 3600)); sweep=20000; shift ;;  # (at most 6 h each)
    --sweep) sweep=$2; shift ;;  # problems in the CLI sweep (0: none)
    -h | --help) sed -n '2,10p' "$0"; exit 0 ;;
    problem | state | link | scenario | safetensors | tokenizer | model | lesson | text) harnesses+=("$1"); sweep=0 ;;
    *) echo "fuzz: unknown argument $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done
[ ${#harnesses[@]} -gt 0 ] || harnesses=(problem state link scenario safetensors tokenizer model lesson text)
[[ $seconds =~ ^[0-9]+$ && $runs =~ ^[0-9]+$ ]] || { echo "fuzz: --seconds/--minutes/--runs need a whole number" >&2; exit 2; }

source .ci/deps.sh
deps_fuzz || { echo "fuzz: installing clang-14 and its fuzzer runtime failed"; exit 1; }
use_ccache

build=$root/build/fuzz
if [ ! -f "$build/CMakeCache.txt" ]; then
  CXX=clang++-14 CC=clang-14 cmake -S . -B "$build" -DATTN_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DATTN_WERROR=ON "${ATTN_LAUNCHER[@]}" >"$build.configure.log" 2>&1 || { cat "$build.configure.log"; exit 1; }
fi
cmake --build "$build" -j2 >"$build.build.log" 2>&1 || { tail -40 "$build.build.log"; exit 1; }

# One harness: its report line into $build/$h.result, "executions crashes" into $build/$h.count.
fuzz_one() {
  local h=$1 corpus=$build/corpus/$1 crashes=$build/crashes/$1 log=$build/$1.log
  mkdir -p "$corpus" "$crashes"
  cp -n tests/fuzz/corpus/$h/* "$corpus"/ 2>/dev/null
  case $h in  # the shipped files are seeds too
    problem) cp -n assets/problems/*.json "$corpus"/ ;;
    scenario) cp -n assets/scenarios/*.json "$corpus"/ ;;
    lesson) cp -n assets/lessons/*.json "$corpus"/ ;;
    text) cp -n assets/text/*.json "$corpus"/ ;;
    safetensors) cp -n assets/models/*/model.safetensors "$corpus"/ 2>/dev/null ;;
    model) cp -n assets/models/*/config.json "$corpus"/ 2>/dev/null ;;
  esac
  touch "$log.start"  # (only what this run finds counts)
  local t0 rc ran found slow
  t0=$(date +%s)
  ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 "$build/tests/fuzz/fuzz_$h" "$corpus" \
    -seed=1 -max_total_time="$seconds" -runs="$((runs > 0 ? runs : -1))" -timeout=30 -rss_limit_mb=2560 -max_len=65536 \
    -dict=tests/fuzz/json.dict -artifact_prefix="$crashes/" -print_final_stats=1 >"$log" 2>&1
  rc=$?
  ran=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\)/\1/p' "$log" | tail -1)
  # (crash-, leak-, oom- and timeout- files are failures; slow-unit- files are inputs over 10 s, reported)
  found=$(find "$crashes" -type f ! -name 'slow-unit-*' -newer "$log.start" | wc -l)
  slow=$(find "$crashes" -type f -name 'slow-unit-*' -newer "$log.start" | wc -l)
  [ $rc = 0 ] || [ "$found" -gt 0 ] || found=1  # (an abort before any artifact was written)
  {
    [ "$slow" = 0 ] || echo "fuzz_$h: $slow inputs took over 10 s (kept in $crashes as slow-unit-*)"
    echo "fuzz_$h: ${ran:-0} executions in $(( $(date +%s) - t0 )) s, $found crashes$([ "$found" = 0 ] || echo " (see $log, $crashes)")"
    [ "$found" = 0 ] || grep -m3 -E "ERROR|fuzz:|SUMMARY" "$log" | sed 's/^/  /'
  } >"$build/$h.result"
  echo "${ran:-0} $found" >"$build/$h.count"
}

# As many harnesses at once as there are cores (each is one process on one core: the same executions each).
parallel=$(nproc)
for h in "${harnesses[@]}"; do
  rm -f "$build/$h.result" "$build/$h.count"
  while [ "$(jobs -rp | wc -l)" -ge "$parallel" ]; do wait -n; done
  fuzz_one "$h" &
done
wait
total_runs=0
total_crashes=0
for h in "${harnesses[@]}"; do
  if [ -f "$build/$h.count" ]; then
    cat "$build/$h.result"
    read -r ran found <"$build/$h.count"
  else
    echo "fuzz_$h: 0 executions, 1 crashes (the harness did not report)"
    ran=0 found=1
  fi
  total_runs=$((total_runs + ran))
  total_crashes=$((total_crashes + found))
done

sweep_line="sweep: skipped"
if [ "$sweep" -gt 0 ]; then
  cli=$root/build/native/attnlab-cli
  if [ -x "$cli" ]; then
    sweep_line=$(python3 tests/fuzz/sweep.py "$cli" --tries "$sweep" --seed 1 | tail -1)
    echo "$sweep_line"
    case $sweep_line in *" 0 crashes, 0 hangs, 0 silent nulls"*) ;; *) total_crashes=$((total_crashes + 1)) ;; esac
  else
    sweep_line="sweep: $cli not built"
    echo "$sweep_line"
  fi
fi
echo "fuzz: ${#harnesses[@]} harnesses, $total_runs executions, $total_crashes crashes"
[ "$total_crashes" = 0 ]
