"""Seconds per epoch: the article's baseline against its pruned (tfmot-wrapped) model.

Usage: .venv/bin/python benchmarks/epoch_time.py [--epochs 200] [--repeats 2]

Each repeat trains both models for the full schedule window (the article's 200
epochs, so the 6 mask updates are included), baseline and pruned in turns, with
no cache and no progress bar. The first epoch (graph tracing) is left out; the
median of the rest is reported. Not a test: timings on a shared machine are noisy.
"""
import argparse
import statistics

import prunebook  # noqa: F401  (before TensorFlow)
from prunebook import article
from prunebook.data import article_data
from prunebook.experiments import article_schedule_run, baseline_run


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=article.EPOCHS)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    if args.epochs < 2 or args.repeats < 1:
        parser.error("--epochs must be >= 2 and --repeats >= 1")
    data = article_data()
    common = {**article.training_settings("full"), "epochs": args.epochs, "progress": False, "cache": False}
    times = {"baseline": [], "pruned": []}
    for repeat in range(args.repeats):
        base = baseline_run(data, **common).history
        pruned = article_schedule_run(data, **common).history
        times["baseline"] += base.seconds[1:]
        times["pruned"] += pruned.seconds[1:]
        print(f"repeat {repeat + 1}: baseline {statistics.median(base.seconds[1:]):.4f} s/epoch, "
              f"pruned {statistics.median(pruned.seconds[1:]):.4f} s/epoch", flush=True)
    b, p = statistics.median(times["baseline"]), statistics.median(times["pruned"])
    print(f"median s/epoch: baseline {b:.4f}, pruned {p:.4f}, ratio pruned/baseline {p / b:.3f}")


if __name__ == "__main__":
    import warnings

    warnings.simplefilter("ignore")  # the schedule warning is the chapter's subject, not the benchmark's
    main()
