#!/usr/bin/env python3
"""The native CPU peers of the fast path, one thread, measured in this run beside ours: PyTorch (Debian's
1.13, OpenBLAS) computing softmax(q·kᵀ/√d)·v on the same shapes as attnlab-bench's BM_Kernel (d = 64, one
head, no mask), and OpenBLAS SGEMM (torch.mm, 2048³) as the machine's GEMM speed. Reads
build/bench/native.json (attnlab-bench --benchmark_format=json), prints a table of ratios and each issue-13
target marked met or not. Not a test: nothing passes or fails.

    tests/bench/run.sh runs it;  /usr/bin/python3 tests/bench/peers_native.py [build/bench/native.json]
"""
import json
import os
import sys
import time

for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = "1"  # (before torch loads its BLAS: one thread there too, not only in torch's own pool)
import torch  # noqa: E402

torch.set_num_threads(1)
D = 64
SIZES = [1024, 2048, 4096, 8192]


def best_ms(f, reps):
    f()  # (warm: allocations, page faults)
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        f()
        times.append((time.perf_counter() - t) * 1e3)
    return sorted(times)[len(times) // 2]


def torch_attention_ms(n):
    g = torch.Generator().manual_seed(1)
    q, k, v = (torch.rand(n, D, generator=g) - 0.5 for _ in range(3))
    return best_ms(lambda: torch.softmax(q @ k.T * (1 / D ** 0.5), dim=-1) @ v, 5 if n <= 2048 else 3)


def sgemm_gflops(m=2048):
    a, b = torch.rand(m, m), torch.rand(m, m)
    ms = best_ms(lambda: torch.mm(a, b), 5)
    return 2.0 * m ** 3 / ms / 1e6


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../../build/bench/native.json")
    ours = {b["name"]: b["real_time"] for b in json.load(open(path))["benchmarks"] if b.get("time_unit") == "ms"}
    peak = sgemm_gflops()
    blas = sorted({line.split()[-1].rsplit("/", 1)[-1] for line in open("/proc/self/maps") if "blas" in line})
    print(f"native, 1 thread, d = {D}, one head, no mask (torch {torch.__version__}, BLAS loaded: "
          f"{', '.join(blas) or 'none found'})")
    print(f"SGEMM 2048³ through torch.mm, 1 thread: {peak:.1f} GFLOP/s")
    print(f"{'n':>6} {'ours ms':>9} {'GFLOP/s':>8} {'% SGEMM':>8} {'PyTorch ms':>11} {'PyTorch/ours':>13} {'4-lane ms':>10}")
    met_speed = met_peak = True
    measured = 0
    for n in SIZES:
        mine = ours.get(f"BM_Kernel/{n}")
        if mine is None:
            continue
        portable = ours.get(f"BM_KernelPortable/{n}", float("nan"))
        theirs = torch_attention_ms(n)
        measured += 1
        gflops = 4.0 * n * n * D / mine / 1e6
        met_speed &= theirs / mine >= 2.0
        met_peak &= gflops / peak >= 0.40
        print(f"{n:>6} {mine:>9.2f} {gflops:>8.1f} {100 * gflops / peak:>7.0f}% {theirs:>11.2f} "
              f"{theirs / mine:>12.2f}× {portable:>10.2f}")
    said = lambda met: "not measured (no BM_Kernel rows in the JSON)" if not measured else "met" if met else "NOT met"
    print(f"target: ≥ 2× faster than PyTorch + OpenBLAS at n = 1024 … 8192: {said(met_speed)}")
    print(f"target: ≥ 40 % of single-thread OpenBLAS SGEMM: {said(met_peak)}")


if __name__ == "__main__":
    main()
