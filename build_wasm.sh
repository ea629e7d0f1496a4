#!/usr/bin/env bash
# Builds the web app (C++ → WebAssembly with Emscripten, WebGL2 UI) into build/web/site.
#   ./build_wasm.sh            install what is missing, build
#   ./build_wasm.sh --serve    … then serve it on http://127.0.0.1:8080 (--port N to change)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
serve=0
port=8080
while [ $# -gt 0 ]; do
  case "$1" in
    --serve) serve=1 ;;
    --port) port=$2; shift ;;
    --port=*) port=${1#*=} ;;
    -h | --help) sed -n '2,4p' "$0"; exit 0 ;;
    *) echo "build_wasm.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done

source .ci/deps.sh
deps_web

export NODE_PATH=/usr/share/nodejs  # emcc's JS optimizer needs Debian's acorn (see shared/TOOLCHAIN.md)
if [ ! -f build/web/CMakeCache.txt ]; then
  emcmake cmake -S . -B build/web -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
start=$(date +%s)
cmake --build build/web -j2
site=build/web/site
echo "[web] built $site in $(($(date +%s) - start)) s: app.wasm $(du -k $site/app.wasm | cut -f1) KiB, app.data $(du -k $site/app.data | cut -f1) KiB"

if [ $serve = 1 ]; then
  exec node web/serve.mjs "$site" --port "$port"
fi
