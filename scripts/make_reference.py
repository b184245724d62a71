"""Write the reference curves that the chapters compare their runs with.

Run from the repository root with `.venv/bin/python scripts/make_reference.py`.

- prunebook/reference/article.json: the article's two runs at full scale, seeds 0, 1 and 2
  (seed 0 is the run the chapter shows; seeds 1 and 2 measure how far the curves move when
  only the seed changes).
- prunebook/reference/reaching.json: the sweep with the corrected schedule and the small
  dense models of the chapter on reaching the target sparsity.

Runs go through the training cache, so the ones a chapter already trained are not retrained.
About a minute a run on two CPU cores.
"""
from pathlib import Path

import prunebook  # noqa: F401  (before TensorFlow)
from prunebook import article
from prunebook.data import article_data
from prunebook.experiments import SETTINGS, small_dense_runs, sweep_runs
from prunebook.models import article_mlp
from prunebook.reference import write_reference
from prunebook.training import fit_baseline, fit_pruned

OUT = Path(__file__).resolve().parents[1] / "src" / "prunebook" / "reference"


def main():
    data = article_data()
    settings = {k: v for k, v in SETTINGS.items() if k != "seed"}
    runs = {}
    for seed in (0, 1, 2):
        suffix = "" if seed == 0 else f"_seed{seed}"
        runs["baseline" + suffix] = fit_baseline(article_mlp(seed=seed), data, seed=seed, **settings).history
        runs["pruned" + suffix] = fit_pruned(article_mlp(seed=seed), data, article.SCHEDULE, seed=seed,
                                             **settings).history
    write_reference(OUT / "article.json", runs)

    sweep = sweep_runs(data)
    dense = small_dense_runs(data, {s: sweep[s] for s in (0.75, 0.9)})
    reaching = {f"sweep_{s}": run.history for s, run in sweep.items()}
    reaching.update({f"dense_{s}": run.history for s, (_, run) in dense.items()})
    write_reference(OUT / "reaching.json", reaching)
    print(f"wrote {OUT}/article.json and reaching.json")


if __name__ == "__main__":
    main()
