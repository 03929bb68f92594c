#!/usr/bin/python3
"""Peer for `boundlab bench gemm`: numpy float32 matmul (OpenBLAS SGEMM) on the same shapes.

Run with Debian's /usr/bin/python3 (apt's numpy). Set OPENBLAS_NUM_THREADS to the thread count
before starting Python: OpenBLAS reads it once at load time. Prints one JSON object like the CLI.
"""
import argparse
import json
import os
import time

import numpy as np


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--m", type=int, required=True)
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--k", type=int, required=True)
    p.add_argument("--transa", action="store_true")
    p.add_argument("--transb", action="store_true")
    p.add_argument("--repeats", type=int, default=10)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()

    rng = np.random.default_rng(args.seed)
    # Stored shapes as in the CLI; .T is a view, so numpy hands OpenBLAS a transpose flag, not a copy.
    a = rng.uniform(-1, 1, (args.k, args.m) if args.transa else (args.m, args.k)).astype(np.float32)
    b = rng.uniform(-1, 1, (args.n, args.k) if args.transb else (args.k, args.n)).astype(np.float32)
    op_a = a.T if args.transa else a
    op_b = b.T if args.transb else b
    c = np.empty((args.m, args.n), dtype=np.float32)

    # Warm-up as in the CLI: at least 5 calls and 0.5 s.
    start = time.perf_counter()
    i = 0
    while i < 5 or time.perf_counter() - start < 0.5:
        np.matmul(op_a, op_b, out=c)
        i += 1

    times = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        np.matmul(op_a, op_b, out=c)
        times.append(time.perf_counter() - t0)
    median = float(np.median(times))
    print(json.dumps({
        "gflops": 2.0 * args.m * args.n * args.k / median / 1e9,
        "median_seconds": median,
        "m": args.m, "n": args.n, "k": args.k,
        "trans_a": args.transa, "trans_b": args.transb,
        "threads": int(os.environ.get("OPENBLAS_NUM_THREADS", "0")),
        "repeats": args.repeats,
        "numpy": np.__version__,
    }))


if __name__ == "__main__":
    main()
