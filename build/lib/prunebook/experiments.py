"""The runs of the chapter on reaching the target sparsity, shared with the reference script.

Every run goes through the training cache, so the chapter and
``scripts/make_reference.py`` train each one only once.
"""
from prunebook import article
from prunebook.models import article_mlp, width_for_params
from prunebook.report import sparsity_report
from prunebook.training import fit_baseline, fit_pruned

SETTINGS = {"epochs": article.EPOCHS, "batch_size": article.BATCH_SIZE,
            "learning_rate": article.LEARNING_RATE, "seed": article.SEED}


def sweep_runs(data, *, sparsities=article.SWEEP, progress=True, **overrides):
    """``{final sparsity: Run}``: the article's MLP pruned with the corrected schedule's shape."""
    settings = {**SETTINGS, **overrides}
    return {s: fit_pruned(article_mlp(seed=settings["seed"]), data, article.corrected_schedule(s),
                          progress=progress, **settings) for s in sparsities}


def nonzero_params(model):
    """Non-zero weights of a model, biases included."""
    report = sparsity_report(model)
    return int(report.params.iloc[-1] - report.zeros.iloc[-1])


def small_dense_runs(data, pruned, *, progress=True, **overrides):
    """``{sparsity: (width, Run)}``: dense MLPs with about as many weights as each pruned model has non-zeros."""
    settings = {**SETTINGS, **overrides}
    out = {}
    for s, run in pruned.items():
        width = width_for_params(nonzero_params(run.model))
        out[s] = (width, fit_baseline(article_mlp(units=width, seed=settings["seed"]), data,
                                      progress=progress, **settings))
    return out
