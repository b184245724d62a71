"""Write the reference curves that the chapters compare their runs with.

Run from the repository root with `.venv/bin/python scripts/make_reference.py`
(`--only article|reaching|fair|fashion|layers` writes one of the files).

- prunebook/reference/article.json: the article's experiments at full scale, seeds 0, 1 and 2
  (seed 0 is the run the chapter shows; seeds 1 and 2 measure how far the curves move when
  only the seed changes):
  - ``baseline``: the article's MLP trained without pruning;
  - ``continued``: the article's own pruned run, which wraps the *trained* baseline and
    fits it again with pruning (a fresh Adam, the step counter from 0 again);
  - ``pruned``: the comparison the article did not make, pruning from the baseline's
    initial weights on the same batches.
- prunebook/reference/reaching.json: the sweep with the corrected schedule and the small
  dense models of the chapter on reaching the target sparsity.
- prunebook/reference/fair.json: that chapter's same-budget comparison at 75 %, every arm
  (:data:`prunebook.experiments.FAIR_ARMS`) for every seed in SEEDS. The chapter trains
  seed 0 and reads seeds 1 and 2 from this file unless it is told to train them too.
- prunebook/reference/fashion.json: every run of the chapter on pruning a real classifier
  (Fashion-MNIST), every seed of :data:`prunebook.realdata.SEEDS`, named by
  :func:`prunebook.classifiers.reference_name`; fashion_test.json holds each run's test
  accuracy. The chapter trains seed 0 and reads seeds 1 and 2 from these files unless it is
  told to train them too.
- prunebook/reference/layers.json and layers_test.json: the same for the per-layer allocations
  of the chapter on which layers can lose the most (:func:`prunebook.classifiers.layers_runs`).

Runs go through the training cache, so the ones a chapter already trained are not retrained.
About a minute or two a run on two quiet CPU cores. ``--reuse pruned`` copies the stored
records of the controlled pruned runs instead of training them again (only when the code that
trains them has not changed). article.json is written again after each seed.
"""
import argparse
from pathlib import Path

import prunebook  # noqa: F401  (before TensorFlow)
from prunebook import article
from prunebook.data import article_data
from prunebook.experiments import (FAIR_NAMES, article_schedule_run, baseline_run,
                                   continued_run, fair_runs, small_dense_runs, sweep_runs)
from prunebook.reference import SEEDS, load_reference, run_name, write_reference, write_scores

OUT = Path(__file__).resolve().parents[1] / "src" / "prunebook" / "reference"


def write_article(data, full, reuse=()):
    stored = load_reference("article") if reuse else {}
    runs = {}
    for seed in SEEDS:
        settings = {**full, "seed": seed}
        baseline = baseline_run(data, **settings)
        runs[run_name("baseline", seed)] = baseline.history
        if "pruned" in reuse:
            runs[run_name("pruned", seed)] = stored[run_name("pruned", seed)]
        else:
            runs[run_name("pruned", seed)] = article_schedule_run(data, **settings).history
        runs[run_name("continued", seed)] = continued_run(data, baseline, **settings).history
        write_reference(OUT / "article.json", {**stored, **runs})
        print(f"wrote {OUT / 'article.json'} (seeds up to {seed})")


def write_reaching(data, full):
    sweep = sweep_runs(data, **full)
    dense = small_dense_runs(data, {s: sweep[s] for s in (0.75, 0.9)}, **full)
    reaching = {f"sweep_{s}": run.history for s, run in sweep.items()}
    reaching.update({f"dense_{s}": run.history for s, (_, run) in dense.items()})
    write_reference(OUT / "reaching.json", reaching)
    print(f"wrote {OUT / 'reaching.json'}")


def write_fair(data, full):
    runs = {}
    for seed in SEEDS:  # one seed at a time, so that a stopped run keeps what it trained
        fair = fair_runs(data, sparsity=0.75, seeds=(seed,), **full)
        runs.update({run_name(FAIR_NAMES[arm], seed): run.history
                     for arm in FAIR_NAMES for run in fair[arm].values()})
        write_reference(OUT / "fair.json", runs)
        print(f"wrote {OUT / 'fair.json'} (seeds up to {seed})")


def _write_real(name, runs, run_name_of):
    """``<name>.json`` (the curves) and ``<name>_test.json`` (each run's test accuracy)."""
    from prunebook import realdata
    from prunebook.classifiers import accuracy_on

    _, (x_test, y_test) = realdata.fashion_data()
    write_reference(OUT / f"{name}.json", {run_name_of(*key): run.history for key, run in runs.items()})
    write_scores(OUT / f"{name}_test.json",
                 {run_name_of(*key): accuracy_on(run.model, x_test, y_test) for key, run in runs.items()})
    print(f"wrote {OUT / f'{name}.json'} and {OUT / f'{name}_test.json'}")


def write_fashion():
    from prunebook import realdata
    from prunebook.classifiers import fashion_runs, reference_name

    data, _ = realdata.fashion_data()
    _write_real("fashion", fashion_runs(data), reference_name)


def write_layers():
    from prunebook import realdata
    from prunebook.classifiers import layers_reference_name, layers_runs

    data, _ = realdata.fashion_data()
    _write_real("layers", layers_runs(data), layers_reference_name)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("article", "reaching", "fair", "fashion", "layers"),
                        help="write only this reference file")
    parser.add_argument("--reuse", action="append", default=[], choices=("pruned",),
                        help="copy these stored runs of article.json instead of training them")
    args = parser.parse_args()
    data = article_data()
    full = article.training_settings("full")  # full-scale runs, whatever PRUNEBOOK_SCALE says
    if args.only in (None, "article"):
        write_article(data, full, args.reuse)
    if args.only in (None, "reaching"):
        write_reaching(data, full)
    if args.only in (None, "fair"):
        write_fair(data, full)
    if args.only in (None, "fashion"):
        write_fashion()
    if args.only in (None, "layers"):
        write_layers()


if __name__ == "__main__":
    main()
