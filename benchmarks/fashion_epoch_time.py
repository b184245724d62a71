"""Seconds per epoch on Fashion-MNIST: each model of the real-data chapters, dense and pruned.

Usage: .venv/bin/python benchmarks/fashion_epoch_time.py [--repeats 3]

For LeNet-300-100 and the CNN (:data:`prunebook.realdata.MODELS`), each repeat trains one
second phase of the chapters (:data:`~prunebook.realdata.PRUNE_EPOCHS` epochs, the batch size
and the learning rate of :mod:`prunebook.realdata`) dense and one pruned with the gradual
schedule to 90 %, the four runs in turns and with the order rotated each repeat, with no cache
and no progress bar. The first epoch of each run (graph tracing) is left out; the median and
the range of the rest are reported. Not a test: timings on a shared machine are noisy.
"""
import argparse
import statistics

import prunebook  # noqa: F401  (before TensorFlow)
from prunebook import realdata
from prunebook.training import fit_baseline, fit_pruned


def _run(model_name, arm, data):
    model = realdata.build(model_name, seed=0)
    common = {"epochs": realdata.PRUNE_EPOCHS, "seed": 0, "progress": False, "cache": False,
              **realdata.training_settings()}
    if arm == "dense":
        return fit_baseline(model, data, **common).history.seconds
    return fit_pruned(model, data, realdata.gradual_schedule(0.9), **common).history.seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error("--repeats must be >= 1")
    data, _ = realdata.fashion_data()
    paths = [(model, arm) for model in realdata.MODELS for arm in ("dense", "pruned")]
    times = {path: [] for path in paths}
    for repeat in range(args.repeats):
        order = paths[repeat % len(paths):] + paths[:repeat % len(paths)]
        for path in order:
            times[path] += _run(*path, data)[1:]
    for (model, arm), seconds in times.items():
        print(f"{model:>14} {arm:>6}: median {statistics.median(seconds):.2f} s/epoch "
              f"(min {min(seconds):.2f}, max {max(seconds):.2f}, {len(seconds)} epochs)")
    print(f"each run of the chapters trains {realdata.DENSE_EPOCHS} + {realdata.PRUNE_EPOCHS} "
          f"epochs on {realdata.N_TRAIN:,} images, batch {realdata.BATCH_SIZE}")


if __name__ == "__main__":
    main()
