#!/usr/bin/env bash
# Installs what the build and tests need, only what is missing (idempotent, seconds when all is present).
# Sourced by build_wasm.sh (deps_web), run_tests.sh (deps_web, deps_native, deps_test, deps_fuzz) and
# tests/fuzz/run.sh (deps_fuzz).
# Sources: Debian's packages, Debian's source package for ImGui, npm for playwright-core. Nothing else.

ATTN_ROOT=${ATTN_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
ATTN_THIRD=$ATTN_ROOT/third_party  # ignored by git
IMGUI_VERSION=1.90.1+ds-1

_sudo() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# apt_need PKG... : installs the packages that dpkg does not report as installed.
apt_need() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "[deps] installing: ${missing[*]}"
  if [ -z "${_ATTN_APT_UPDATED:-}" ]; then
    _sudo apt-get update -qq || return 1
    _ATTN_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive _sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || return 1
}

# ImGui .cpp files from Debian's source package (the binary package has no sources), into third_party/imgui.
deps_imgui() {
  [ -f "$ATTN_THIRD/imgui/imgui.cpp" ] && return 0
  apt_need dpkg-dev ca-certificates || return 1
  local D=$ATTN_THIRD/apt-src
  rm -rf "$D"; mkdir -p "$D/lists/partial" "$D/etc" "$D/archives/partial"
  local src=/etc/apt/sources.list.d/debian.sources
  local uris signed
  uris=$(awk '/^URIs:/ {print $2; exit}' "$src" 2>/dev/null)
  signed=$(awk '/^Signed-By:/ {print $2; exit}' "$src" 2>/dev/null)
  [ -n "$uris" ] || { echo "[deps] cannot read URIs from $src" >&2; return 1; }
  printf 'Types: deb-src\nURIs: %s\nSuites: trixie\nComponents: main\nSigned-By: %s\n' \
    "$uris" "${signed:-/usr/share/keyrings/debian-archive-keyring.gpg}" >"$D/etc/imgui.sources"
  local o=(-oDir::State::Lists="$D/lists" -oDir::Etc::SourceList=/dev/null -oDir::Etc::SourceParts="$D/etc"
           -oDir::Cache::Archives="$D/archives" -oAPT::Sandbox::User=root)
  echo "[deps] fetching Dear ImGui $IMGUI_VERSION sources (Debian source package)"
  apt-get "${o[@]}" update -qq || return 1
  (cd "$D" && apt-get "${o[@]}" source --download-only -qq "imgui=$IMGUI_VERSION" &&
    dpkg-source -x --no-check "imgui_$IMGUI_VERSION.dsc" imgui >/dev/null) || return 1
  rm -rf "$ATTN_THIRD/imgui"
  mv "$D/imgui" "$ATTN_THIRD/imgui"
  rm -rf "$D"
  [ -f "$ATTN_THIRD/imgui/imgui.cpp" ]
}

# Every system file a build reads belongs to a package its function installs (tests/check_packages.py maps the
# builds' dependency files through dpkg's file lists and fails on a file from a package not listed here).
deps_web() {
  apt_need emscripten libeigen3-dev nlohmann-json3-dev libstb-dev fonts-dejavu-core ccache || return 1
  command -v node >/dev/null || apt_need nodejs || return 1
  deps_imgui
}

deps_native() {
  apt_need cmake g++ make libeigen3-dev nlohmann-json3-dev libcli11-dev libglfw3-dev libgl-dev \
    libgtest-dev libbenchmark-dev libstb-dev fonts-dejavu-core clang-format ccache || return 1
  deps_imgui
}

# clang and its libFuzzer runtime for tests/fuzz (Debian's clang-14 + libclang-rt-14-dev).
deps_fuzz() {
  apt_need clang-14 libclang-rt-14-dev cmake make libeigen3-dev nlohmann-json3-dev python3 ccache
}

# Compiler cache for every build (native, web, fuzz): a run on a machine that built before recompiles only what
# changed, whatever folder the clone is in (paths under the clone are hashed relative to it). ATTN_CCACHE=0 turns
# it off. Sets ATTN_LAUNCHER to the CMake arguments that put ccache in front of gcc or clang, and
# EM_COMPILER_WRAPPER, which does the same inside Emscripten's em++.
use_ccache() {
  ATTN_LAUNCHER=()
  [ "${ATTN_CCACHE:-1}" != 0 ] && command -v ccache >/dev/null || return 0
  export CCACHE_BASEDIR=$ATTN_ROOT CCACHE_NOHASHDIR=1 CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G} EM_COMPILER_WRAPPER=ccache
  ATTN_LAUNCHER=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
}

# Tests: torch for the golden oracle (with OpenBLAS: the reference BLAS is ~25× slower), python3-regex for the
# reference BPE, Chromium and Xvfb; npm's playwright-core and axe-core (browser tests) and gpt-3-encoder (tokenizer
# oracle).
deps_test() {
  apt_need python3 python3-torch python3-numpy python3-regex libopenblas0-pthread chromium xvfb xauth || return 1
  # the other engines a school has: Firefox ESR (WebDriver BiDi through puppeteer-core) and WebKitGTK (Safari's
  # engine: WebKitWebDriver + MiniBrowser), both under Xvfb with Mesa's software GL (tests/web/browsers.mjs)
  apt_need firefox-esr webkit2gtk-driver libgl1-mesa-dri || return 1
  command -v npm >/dev/null || apt_need npm || return 1
  local dir
  for dir in tests/web:playwright-core tests/web:axe-core tests/web:puppeteer-core tests/golden/node:gpt-3-encoder; do
    if [ ! -f "$ATTN_ROOT/${dir%%:*}/node_modules/${dir#*:}/package.json" ]; then
      echo "[deps] npm ci (${dir#*:}) in ${dir%%:*}"
      (cd "$ATTN_ROOT/${dir%%:*}" && npm ci --no-audit --no-fund --loglevel=error) || return 1
    fi
  done
}

# Training the bundled model (tests/model/train_tiny.py; not part of CI): the corpus and the same tools.
deps_train() {
  apt_need python3-torch python3-regex libopenblas0-pthread r-cran-janeaustenr
}
