"""Deployment benchmark: compressed sizes against the entropy estimate, and inference latency.

Usage: .venv/bin/python benchmarks/deploy.py [--rounds 9] [--repeats 100]

Uses the article's baseline and the corrected-schedule models at 75 % and 90 %
(from the training cache, trained if missing). Prints:
- the 75 % model's compression ratios (gzip, lzma, bit mask + values with lzma;
  float32 and int8) next to the entropy estimates (targets: >= 3.3x float32, >= 10.5x int8);
- batch-1 latency of the dense NumPy product and the scipy CSR product at 0, 50, 75,
  90 and 95 %, timed interleaved in rounds (prunebook.deploy.interleaved_timings, the
  helper chapter 06 uses): the median of the per-round medians, its interquartile range
  and the speed-up over dense NumPy (target: CSR at 90 % at least half of the ideal 10x).
  NumPy's BLAS runs on one thread, as scipy's CSR product does.
Not a test: timings on a shared machine are noisy; the IQR says how noisy.
"""
import argparse

from threadpoolctl import threadpool_limits

import prunebook  # noqa: F401  (before TensorFlow)
from prunebook import article
from prunebook.data import article_data
from prunebook.deploy import (CSRModel, bitmask_layout, compressed_sizes, dense_kernels_model,
                              entropy_estimate_bytes, latency_table, to_tflite)
from prunebook.experiments import baseline_run, sweep_runs
from prunebook.sparsity import nonzero_params


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--repeats", type=int, default=100)
    args = parser.parse_args()
    data = article_data()
    x_val = data[1]
    full = article.training_settings("full")
    dense = baseline_run(data, progress=False, **full).model
    pruned = {s: r.model for s, r in sweep_runs(data, sparsities=(0.5, 0.75, 0.9, 0.95), progress=False,
                                                **full).items()}
    n_bias, n_kernel, dense_bytes = article.N_BIAS, article.N_KERNEL, article.DENSE_BYTES
    m75 = pruned[0.75]
    nnz = nonzero_params(m75) - n_bias
    weights = b"".join(w.tobytes() for w in m75.get_weights())
    packed = compressed_sizes(weights)
    for label, size in [("gzip", packed["gzip"]), ("lzma", packed["lzma"]),
                        ("bit mask + float32, lzma", compressed_sizes(bitmask_layout(m75))["lzma"])]:
        print(f"75 % float32, {label}: {dense_bytes / size:.2f}x")
    print(f"75 % float32 entropy estimate: {dense_bytes / entropy_estimate_bytes(n_kernel, nnz, n_dense=n_bias):.2f}x")
    int8_tflite = to_tflite(m75, "int8", representative=data[0][:200])
    print(f"75 % TFLite int8, lzma: {dense_bytes / compressed_sizes(int8_tflite)['lzma']:.2f}x")
    int8_layout = compressed_sizes(bitmask_layout(m75, dtype="int8"))["lzma"]
    print(f"75 % bit mask + int8, lzma: {dense_bytes / int8_layout:.2f}x")
    int8_estimate = entropy_estimate_bytes(n_kernel, nnz, bytes_per_value=1, n_dense=n_bias)
    print(f"75 % int8 entropy estimate: {dense_bytes / int8_estimate:.2f}x")
    paths = {"dense NumPy, 0 %": dense_kernels_model(dense)}
    for s, m in {0.0: dense, **pruned}.items():
        paths[f"CSR, {s:.0%}"] = CSRModel(m).predict
    with threadpool_limits(limits=1):  # BLAS on one thread: a loaded machine's threads stall
        table = latency_table(paths, x_val, batch_sizes=(1,), rounds=args.rounds,
                              repeats={1: args.repeats}, progress=True)["batch 1"]
    base = table.loc["dense NumPy, 0 %", "median"]
    for name, row in table.iterrows():
        print(f"batch 1, {name}: {row['median'] * 1e3:.3f} ms "
              f"(IQR {row['q1'] * 1e3:.3f}-{row['q3'] * 1e3:.3f}), "
              f"speed-up {base / row['median']:.2f}x")


if __name__ == "__main__":
    import warnings

    warnings.simplefilter("ignore")
    main()
