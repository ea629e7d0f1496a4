#!/usr/bin/env bash
# On a lent GPU machine (after tests/bench/gpu_pack.sh packed .gpu/ here): unpacks Node, Dawn and the Vulkan
# loader into /tmp, points Vulkan at NVIDIA's driver, and runs tests/bench/gpu_device.mjs — parity, flash vs
# 3-pass for n = 2048 … 65 536, GFLOP/s against the fp32 peak. The output is also in $OUT/gpu.txt, gpu.json.
#   bash tests/bench/gpu_device.sh [--max-n 65536] [--reps 3]     (ATTN_VK_ICD=FILE: another Vulkan driver)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
[ -f .gpu/node.xz ] || { echo "gpu_device: .gpu/ is missing: run tests/bench/gpu_pack.sh here and carry .gpu" >&2; exit 2; }
g=/tmp/attnlab-gpu
rm -rf "$g" && mkdir -p "$g/root"
python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' .gpu/node.xz "$g/node"
chmod +x "$g/node"
python3 -m tarfile -e .gpu/webgpu.tar.xz "$g"
for f in .gpu/*.deb; do dpkg -x "$f" "$g/root"; done
export LD_LIBRARY_PATH=$g/root/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
icd=${ATTN_VK_ICD:-}
[ -n "$icd" ] || icd=$(ls /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json \
  /etc/vulkan/icd.d/nvidia_icd.json 2>/dev/null | head -1 || true)
[ -n "$icd" ] || icd=$(find / -name 'nvidia_icd*.json' -not -path '/proc/*' 2>/dev/null | head -1 || true)
[ -n "$icd" ] && export VK_ICD_FILENAMES=$icd VK_DRIVER_FILES=$icd
echo "Vulkan driver: ${icd:-none found}; node $("$g/node" --version)"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,clocks.max.sm --format=csv,noheader || true
out=${OUT:-build/bench}
mkdir -p "$out"
"$g/node" tests/bench/gpu_device.mjs --dawn "$g/package" "$@" 2>&1 | tee "$out/gpu.txt"
