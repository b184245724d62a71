"""Write the reference curves that the chapters compare their runs with.

Run from the repository root with `.venv/bin/python scripts/make_reference.py`.

- prunebook/reference/article.json: the article's two runs at full scale, seeds 0, 1 and 2
  (seed 0 is the run the chapter shows; seeds 1 and 2 measure how far the curves move when
  only the seed changes).
- prunebook/reference/reaching.json: the sweep with the corrected schedule and the small
  dense models of the chapter on reaching the target sparsity.
- prunebook/reference/fair.json: that chapter's same-budget comparison at 75 %, every arm
  (:data:`prunebook.experiments.FAIR_ARMS`) for every seed in SEEDS.

`scripts/make_reference.py fair` writes only the files named (article, reaching, fair).

Runs go through the training cache, so the ones a chapter already trained are not retrained.
About a minute a run on two CPU cores.
"""
import sys
from pathlib import Path

import prunebook  # noqa: F401  (before TensorFlow)
from prunebook import article
from prunebook.data import article_data
from prunebook.experiments import (FAIR_NAMES, article_schedule_run, baseline_run, fair_runs,
                                   small_dense_runs, sweep_runs)
from prunebook.reference import SEEDS, run_name, write_reference

OUT = Path(__file__).resolve().parents[1] / "src" / "prunebook" / "reference"


PARTS = ("article", "reaching", "fair")


def fair_reference(data, settings, seeds=SEEDS):
    """``{name: History}`` of every arm and seed of the chapter's same-budget comparison."""
    fair = fair_runs(data, sparsity=0.75, seeds=seeds, **settings)
    return {run_name(FAIR_NAMES[arm], seed): run.history
            for arm, name in FAIR_NAMES.items() for seed, run in fair[arm].items()}


def main(parts=PARTS):
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        raise SystemExit(f"unknown reference {unknown}; choose from {PARTS}")
    data = article_data()
    full = article.training_settings("full")  # full-scale runs, whatever PRUNEBOOK_SCALE says
    if "fair" in parts:
        write_reference(OUT / "fair.json", fair_reference(data, full))
        print(f"wrote {OUT}/fair.json")
    if "article" in parts:
        article_reference(data, full)
    if "reaching" in parts:
        reaching_reference(data, full)


def article_reference(data, full):
    runs = {}
    for seed in SEEDS:
        settings = {**full, "seed": seed}
        runs[run_name("baseline", seed)] = baseline_run(data, **settings).history
        runs[run_name("pruned", seed)] = article_schedule_run(data, **settings).history
    write_reference(OUT / "article.json", runs)
    print(f"wrote {OUT}/article.json")


def reaching_reference(data, full):
    sweep = sweep_runs(data, **full)
    dense = small_dense_runs(data, {s: sweep[s] for s in (0.75, 0.9)}, **full)
    reaching = {f"sweep_{s}": run.history for s, run in sweep.items()}
    reaching.update({f"dense_{s}": run.history for s, (_, run) in dense.items()})
    write_reference(OUT / "reaching.json", reaching)
    print(f"wrote {OUT}/reaching.json")


if __name__ == "__main__":
    main(sys.argv[1:] or PARTS)
