#!/usr/bin/env bash
# Builds the web app (C++ → WebAssembly with Emscripten, WebGL2 UI) into build/web/site: app.js (one thread)
# and app-mt.js (threads, for cross-origin isolated pages; web/attnlab.js loads the one the page can run).
#   ./build_wasm.sh            install what is missing, build
#   ./build_wasm.sh --serve    … then serve it on http://127.0.0.1:8080 (--port N to change)
#   ./build_wasm.sh --serve --host 0.0.0.0   … on every network interface, for other machines (a classroom LAN)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
serve=0
port=8080
host=127.0.0.1
needs_value() { [ $# -ge 2 ] || { echo "build_wasm.sh: $1 needs a value (try --help)" >&2; exit 2; }; }
while [ $# -gt 0 ]; do
  case "$1" in
    --serve) serve=1 ;;
    --port) needs_value "$@"; port=$2; shift ;;
    --port=*) port=${1#*=} ;;
    --host) needs_value "$@"; host=$2; shift ;;
    --host=*) host=${1#*=} ;;
    -h | --help) sed -n '2,5p' "$0"; exit 0 ;;
    *) echo "build_wasm.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done
# Checked before the build, so a typo does not cost a build; serve.mjs checks them again.
if ! [[ $port =~ ^[0-9]{1,5}$ ]] || [ $((10#$port)) -gt 65535 ]; then
  echo "build_wasm.sh: --port must be an integer from 0 to 65535, not '$port'" >&2; exit 2
fi
[ -n "$host" ] || { echo "build_wasm.sh: --host needs a value" >&2; exit 2; }

source .ci/deps.sh
deps_web
use_ccache  # (EM_COMPILER_WRAPPER=ccache: a rebuild on this machine recompiles only what changed)

export NODE_PATH=/usr/share/nodejs  # emcc's JS optimizer needs Debian's acorn (see shared/TOOLCHAIN.md)
site=$PWD/build/web/site
# Two builds into one site: build/web-mt (app-mt.*: pthreads, for cross-origin isolated pages) first, then
# build/web (app.*: one thread, any page; the rest of the site and the service worker's file list).
if [ ! -f build/web-mt/CMakeCache.txt ]; then
  emcmake cmake -S . -B build/web-mt -DCMAKE_BUILD_TYPE=Release -DATTN_WEB_THREADS=ON -DATTN_SITE_DIR="$site" >/dev/null
fi
if [ ! -f build/web/CMakeCache.txt ]; then
  emcmake cmake -S . -B build/web -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
start=$(date +%s)
cmake --build build/web-mt -j2
cmake --build build/web -j2
echo "[web] built build/web/site in $(($(date +%s) - start)) s: app.wasm $(du -k $site/app.wasm | cut -f1) KiB, app-mt.wasm $(du -k $site/app-mt.wasm | cut -f1) KiB, app.data $(du -k $site/app.data | cut -f1) KiB"

if [ $serve = 1 ]; then
  exec node web/serve.mjs "$site" --port "$port" --host "$host"
fi
