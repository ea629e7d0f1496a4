#!/usr/bin/env bash
# Installs what is missing, builds native and web, runs every test layer, ends with one summary line:
#   format  clang-format check of our sources (warnings are errors in the build itself)
#   pointers  every "Tests:" comment names a test file and suite that exist (tests/check_pointers.py)
#   packages  every system header the builds read belongs to a package .ci/deps.sh installs for that build
#   layers  panels only draw: no drawing file calls update_derived() (tests/check_layers.py)
#   includes  no include cycle between modules of src/, each layer includes only those below, ImGui only in
#           src/ui and src/app (tests/check_includes.py)
#   core    GoogleTest via CTest (math, masks, parser, step engine, app state, headless UI render)
#   golden  attnlab-cli vs PyTorch nn.MultiheadAttention and a numpy reference (/usr/bin/python3)
#   model-golden  the GPT-2 forward pass and tokenizer vs a PyTorch GPT-2, bpe.py and npm gpt-3-encoder
#   window  the native app opens a window under Xvfb and writes a screenshot
#   fuzz    libFuzzer on every parser (tests/fuzz/run.sh: fixed seed, 20 s each) and a malformed-CLI sweep
#   web     playwright-core + Debian Chromium against the served web build, and Firefox ESR and WebKitGTK under
#           Xvfb (node --test)
# ./run_tests.sh --quick is the inner loop: both builds, format/pointers/layers, core and one web smoke test (the
# page boots and the JS API matches the CLI); no golden, window, fuzz or other browser tests.
# Exit status is non-zero if anything failed. Logs: build/logs/. Screenshots: build/screenshots/.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
quick=0
case "${1:-}" in
  --quick) quick=1 ;;
  "") ;;
  -h | --help) sed -n '2,16p' "$0"; exit 0 ;;
  *) echo "run_tests.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
esac
root=$PWD
logs=$root/build/logs
mkdir -p "$logs" build/screenshots
t_start=$(date +%s)

source .ci/deps.sh
if ! { deps_web && deps_native && deps_test && deps_fuzz; }; then
  echo "run_tests: installing dependencies failed"
  echo "0 passed, 1 failed"
  exit 1
fi
use_ccache

declare -A pass fail
layers=()
record() {  # record LAYER PASSED FAILED
  layers+=("$1")
  pass[$1]=$2
  fail[$1]=$3
  echo "[$1] $2 passed, $3 failed"
}
show_log() { echo "---- last lines of $1 ----"; tail -n 40 "$1"; echo "----"; }

# python_layer NAME TITLE SCRIPT: runs SCRIPT with Debian's python (torch) on the CLI; its last line
# "NAME: P passed, F failed" is the layer's count.
python_layer() {
  step "$2"
  /usr/bin/python3 "$3" build/native/attnlab-cli >"$logs/$1.log" 2>&1
  local line p f
  line=$(grep "^$1: " "$logs/$1.log" | tail -1)
  if [ -n "$line" ]; then
    p=$(echo "$line" | sed "s/$1: \([0-9]*\) passed.*/\1/"); f=$(echo "$line" | sed 's/.* \([0-9]*\) failed/\1/')
  else p=0; f=1; fi
  [ "$f" = 0 ] || show_log "$logs/$1.log"
  record "$1" "$p" "$f"
}

# --- builds ---------------------------------------------------------------------------------------------
step() { echo "== $1"; }
step "native build (build/native)"
t0=$(date +%s)
native_ok=1
if [ ! -f build/native/CMakeCache.txt ]; then
  cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release -DATTN_WERROR=ON "${ATTN_LAUNCHER[@]}" >"$logs/native-configure.log" 2>&1 ||
    { native_ok=0; show_log "$logs/native-configure.log"; }
fi
if [ $native_ok = 1 ] && ! cmake --build build/native -j2 >"$logs/native-build.log" 2>&1; then
  native_ok=0
  show_log "$logs/native-build.log"
fi
echo "   $(( $(date +%s) - t0 )) s"
step "web build (build/web)"
t0=$(date +%s)
web_ok=1
./build_wasm.sh >"$logs/web-build.log" 2>&1 || { web_ok=0; show_log "$logs/web-build.log"; }
grep '^\[web\]' "$logs/web-build.log" | sed 's/^/   /'
echo "   $(( $(date +%s) - t0 )) s"
[ $native_ok = 1 ] && record build-native 1 0 || record build-native 0 1
[ $web_ok = 1 ] && record build-web 1 0 || record build-web 0 1

# --- format ---------------------------------------------------------------------------------------------
step "format (clang-format --dry-run --Werror)"
mapfile -t sources < <(git ls-files 'src/*.cpp' 'src/*.h' 'tests/core/*.cpp' 'tests/core/*.h' 'tests/bench/*.cpp' \
  'tests/fuzz/*.cpp' 'tests/fuzz/*.h' 2>/dev/null)
if clang-format --dry-run --Werror "${sources[@]}" >"$logs/format.log" 2>&1; then
  record format "${#sources[@]}" 0
else
  show_log "$logs/format.log"
  bad=$(grep -c "error:" "$logs/format.log")
  record format $(( ${#sources[@]} > bad ? ${#sources[@]} - bad : 0 )) "$bad"
fi
# every "Tests:" pointer in a source comment names a test file and suite that exist
if python3 tests/check_pointers.py >"$logs/pointers.log" 2>&1; then
  record pointers 1 0
else
  show_log "$logs/pointers.log"
  record pointers 0 1
fi
# every system file the builds read comes from a package their install step installs (a fresh machine builds)
if python3 tests/check_packages.py >"$logs/packages.log" 2>&1; then
  record packages 1 0
else
  show_log "$logs/packages.log"
  record packages 0 1
fi
# panels only draw: no drawing file writes derived data (tests/check_layers.py)
if python3 tests/check_layers.py >"$logs/layers.log" 2>&1; then
  record layers 1 0
else
  show_log "$logs/layers.log"
  record layers 0 1
fi
# the include graph: no cycle, no arrow up a layer, ImGui only where drawing is (tests/check_includes.py)
if python3 tests/check_includes.py >"$logs/includes.log" 2>&1; then
  record includes 1 0
else
  show_log "$logs/includes.log"
  record includes 0 1
fi

# --- core -----------------------------------------------------------------------------------------------
if [ $native_ok = 1 ]; then
  step "core (ctest)"
  (cd build/native && ctest --output-on-failure -j2) >"$logs/core.log" 2>&1
  total=$(sed -n 's/.* tests failed out of \([0-9]*\).*/\1/p' "$logs/core.log" | tail -1)
  failed=$(sed -n 's/.*, \([0-9]*\) tests failed out of.*/\1/p' "$logs/core.log" | tail -1)
  [ -n "$total" ] || { total=1; failed=1; }
  [ "$failed" = 0 ] || show_log "$logs/core.log"
  # (a test this machine cannot run, such as the AVX-512 kernel's, is skipped and said so, not passed)
  skipped=$(grep -c '(Skipped)$' "$logs/core.log")
  grep '(Skipped)$' "$logs/core.log" | sed 's/^\s*[0-9]* - /   skipped: /'
  record core $((total - failed - skipped)) "$failed"

  [ $quick = 1 ] || python_layer golden "golden (attnlab-cli vs torch / numpy)" tests/golden/golden.py
  [ $quick = 1 ] || python_layer model-golden "model-golden (the C++ GPT-2 and tokenizer vs torch, bpe.py and gpt-3-encoder)" \
    tests/golden/model_golden.py
  [ $quick = 1 ] || grep -E '^(forward|tokenizer|checkpoints):' "$logs/model-golden.log" | sed 's/^/   /'
fi
if [ $native_ok = 1 ] && [ $quick = 0 ]; then
  step "window (native app under Xvfb)"
  display=:$(( 90 + RANDOM % 9 ))
  Xvfb "$display" -screen 0 1366x768x24 -nolisten tcp >"$logs/xvfb.log" 2>&1 &
  xvfb_pid=$!
  sleep 1
  if DISPLAY=$display timeout 60 build/native/attnlab --screenshot build/screenshots/native-first-view.png \
      --frames 5 >"$logs/window.log" 2>&1 && [ "$(stat -c %s build/screenshots/native-first-view.png)" -gt 20000 ]; then
    record window 1 0
  else
    show_log "$logs/window.log"
    record window 0 1
  fi
  # A malformed --state file (70 000 levels deep once crashed it) opens the app as usual, with the reason.
  python3 -c "print('{\"view\": ' + '[' * 70000)" >build/bad_state.json
  if DISPLAY=$display timeout 60 build/native/attnlab --state build/bad_state.json --frames 3 \
      --screenshot build/screenshots/native-bad-state.png >"$logs/window-bad-state.log" 2>&1 &&
      grep -q "nested deeper than 64 levels" "$logs/window-bad-state.log"; then
    record window-bad-state 1 0
  else
    show_log "$logs/window-bad-state.log"
    record window-bad-state 0 1
  fi
  kill "$xvfb_pid" 2>/dev/null
fi
[ $native_ok = 1 ] || record core 0 1

# --- fuzz -----------------------------------------------------------------------------------------------
if [ $quick = 1 ]; then
  :
elif [ $native_ok = 1 ]; then
  step "fuzz (libFuzzer per parser, fixed seed; CLI sweep)"
  t0=$(date +%s)
  tests/fuzz/run.sh --seconds "${ATTN_FUZZ_SECONDS:-20}" --sweep "${ATTN_SWEEP_TRIES:-500}" >"$logs/fuzz.log" 2>&1
  grep -E '^(fuzz_|sweep:|fuzz:)' "$logs/fuzz.log" | sed 's/^/   /'
  p=$(grep -cE '^fuzz_.* 0 crashes$|^sweep: .* 0 crashes, 0 hangs, 0 silent nulls, 0 wrong$' "$logs/fuzz.log")
  f=$(grep -E '^fuzz_|^sweep: ' "$logs/fuzz.log" | grep -cvE ' 0 crashes$| 0 crashes, 0 hangs, 0 silent nulls, 0 wrong$')
  [ "$p" -gt 0 ] || f=$((f > 0 ? f : 1))
  [ "$f" = 0 ] || show_log "$logs/fuzz.log"
  echo "   $(( $(date +%s) - t0 )) s"
  record fuzz "$p" "$f"
else
  record fuzz 0 1
fi

# --- web ------------------------------------------------------------------------------------------------
if [ $web_ok = 1 ] && [ $native_ok = 1 ]; then
  step "web (node --test, playwright-core + Chromium$([ $quick = 0 ] || echo ': the smoke test'))"
  if [ $quick = 1 ]; then  # (the page boots; run() matches the CLI)
    (cd tests/web && timeout 300 node --test --test-reporter=spec --test-name-pattern='page boots|matches the CLI' \
      app.test.mjs) >"$logs/web.log" 2>&1
  else
    (cd tests/web && timeout 1200 node --test --test-reporter=spec) >"$logs/web.log" 2>&1
  fi
  p=$(sed -n 's/^ℹ pass \([0-9]*\)/\1/p' "$logs/web.log" | tail -1)
  f=$(sed -n 's/^ℹ fail \([0-9]*\)/\1/p' "$logs/web.log" | tail -1)
  [ -n "$p" ] || { p=0; f=1; }
  [ "$f" = 0 ] || show_log "$logs/web.log"
  grep -E '^(✔|✖)' "$logs/web.log" | sed 's/^/   /'
  record web "$p" "$f"
else
  record web 0 1
fi

# --- summary --------------------------------------------------------------------------------------------
total_p=0; total_f=0; parts=()
for l in "${layers[@]}"; do
  total_p=$((total_p + pass[$l])); total_f=$((total_f + fail[$l]))
  parts+=("$l ${pass[$l]}/$((pass[$l] + fail[$l]))")
done
echo
echo "run_tests: ${parts[*]} · $(( $(date +%s) - t_start )) s · screenshots in build/screenshots/"
echo "$total_p passed, $total_f failed"
[ "$total_f" = 0 ]
