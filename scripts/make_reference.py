"""Write prunebook/reference/article.json: the article's runs at full scale, seeds 0, 1 and 2.

Run from the repository root with `.venv/bin/python scripts/make_reference.py`.
Seed 0 is the run the chapter shows (taken from the cache when the chapter ran
first); seeds 1 and 2 measure how far the curves move when only the seed changes.
About a minute a run on two CPU cores.
"""
from pathlib import Path

import prunebook  # noqa: F401  (before TensorFlow)
from prunebook import article
from prunebook.data import article_data
from prunebook.models import article_mlp
from prunebook.reference import write_reference
from prunebook.training import fit_baseline, fit_pruned

OUT = Path(__file__).resolve().parents[1] / "src" / "prunebook" / "reference" / "article.json"


def main():
    data = article_data()
    settings = {"epochs": article.EPOCHS, "batch_size": article.BATCH_SIZE,
                "learning_rate": article.LEARNING_RATE}
    runs = {}
    for seed in (0, 1, 2):
        suffix = "" if seed == 0 else f"_seed{seed}"
        runs["baseline" + suffix] = fit_baseline(article_mlp(seed=seed), data, seed=seed, **settings).history
        runs["pruned" + suffix] = fit_pruned(article_mlp(seed=seed), data, article.SCHEDULE, seed=seed,
                                             **settings).history
    write_reference(OUT, runs)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
