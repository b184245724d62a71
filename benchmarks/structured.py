"""Structured-pruning benchmark: the latency table of the structured-pruning chapter.

Usage: .venv/bin/python benchmarks/structured.py [--rounds 9]

Uses the seed-0 models of every form of the article's MLP (prunebook.structured_runs.mlp_runs,
from the training cache, trained if missing), converted to TFLite (the pruned ones with
EXPERIMENTAL_SPARSITY). Times each on one thread at batch 1 and batch 256, interleaved in
rounds (prunebook.deploy.latency_table), every file (the dense one too) with the interpreter's
default setup and with its builtin kernels, and prints per form and sparsity the file size, the
median time and interquartile range of its faster path, and the speed-up of that path over the
dense file's faster path (as chapter 09 sums a form up).
Targets: neurons removed at least 4x at 90 % and 8x at 95 % (batch 1, one thread).
Not a test: timings on a shared machine are noisy; the IQR says how noisy.
"""
import argparse

import prunebook  # noqa: F401  (before TensorFlow)
from prunebook import article
from prunebook.data import article_data
from prunebook.deploy import TFLiteModel, latency_table, to_tflite
from prunebook.experiments import baseline_run
from prunebook.structured_runs import DENSE_CONTROL, mlp_runs


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    data = article_data()
    dense = baseline_run(data, progress=False, **article.training_settings("full")).model
    files = {("dense", 0.0): to_tflite(dense, "float")}
    files |= {(form, s): to_tflite(run.model, "float", sparsity=True)
              for (form, s, seed), run in mlp_runs(data, seeds=(0,), progress=False).items()
              if form != DENSE_CONTROL}
    paths = {(*key, resolver): TFLiteModel(flat, op_resolver=resolver).predict
             for key, flat in files.items() for resolver in ("default", "builtin")}
    table = latency_table(paths, data[1], batch_sizes=(1, 256), rounds=args.rounds,
                          repeats={1: 30, 256: 3}, progress=True)
    fastest = table.xs("median", axis=1, level=1).groupby(level=[0, 1]).min()
    print(f"{'form':>22} {'sparsity':>8} {'bytes':>10}  batch 1 ms (IQR)       speed-up  "
          "batch 256 ms (IQR)     speed-up")
    for form, s in files:
        rows = table.loc[[k for k in table.index if k[:2] == (form, s)]]
        line = f"{form:>22} {s:>8.0%} {len(files[(form, s)]):>10,}"
        for b in ("batch 1", "batch 256"):
            best = rows[(b, "median")].idxmin()
            m, q1, q3 = (rows.loc[best, (b, stat)] * 1e3 for stat in ("median", "q1", "q3"))
            speed = fastest.loc[("dense", 0.0), b] / rows.loc[best, (b, "median")]
            line += f"  {m:8.3f} ({q1:.3f}-{q3:.3f})  {speed:6.1f}x"
        print(line)


if __name__ == "__main__":
    main()
