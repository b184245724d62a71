"""The article's runs as the chapters, the reference script and the benchmarks train them.

Every function trains the article's MLP (:func:`prunebook.models.article_mlp`, seeded by
the run's ``seed``) with :func:`prunebook.article.training_settings` (the article's settings,
at the scale ``PRUNEBOOK_SCALE`` selects); keyword arguments override any of them, or pass
others to :func:`prunebook.training.fit_baseline` / :func:`~prunebook.training.fit_pruned`
(``cache``, ``summaries``, ...). Every run goes through the training cache, so the
chapters and ``scripts/make_reference.py`` train each one only once.
"""
import numpy as np
import pandas as pd

from prunebook import article
from prunebook.data import article_data
from prunebook.models import article_mlp, width_for_params
from prunebook.sparsity import nonzero_params, sparsity_report
from prunebook.training import fit_baseline, fit_pruned


def _settings(overrides):
    return {**article.training_settings(), **overrides}


def chapter_setup():
    """What a chapter that trains the article's model starts from: ``(data, settings)``.

    ``data`` is :func:`prunebook.data.article_data`; ``settings`` the training settings at the
    current scale (:func:`prunebook.article.training_settings`), a dict to pass on as ``**settings``.
    """
    return article_data(), article.training_settings()


def baseline_run(data, *, progress=True, **overrides):
    """The article's unpruned run: :func:`~prunebook.training.fit_baseline` of the article's MLP."""
    settings = _settings(overrides)
    return fit_baseline(article_mlp(seed=settings["seed"]), data, progress=progress, **settings)


def article_schedule_run(data, *, progress=True, **overrides):
    """The controlled comparison: the article's MLP pruned under the article's schedule
    (:data:`prunebook.article.SCHEDULE`) from the *same initial weights* as
    :func:`baseline_run`, on the same batches. The article did not run this one."""
    settings = _settings(overrides)
    return fit_pruned(article_mlp(seed=settings["seed"]), data, article.SCHEDULE, progress=progress,
                      **settings)


def continued_run(data, baseline=None, *, progress=True, **overrides):
    """The article's own pruned run: it *continues* the trained baseline.

    The article wraps the model it has just trained: ``prune_low_magnitude`` of the trained
    baseline under :data:`prunebook.article.SCHEDULE`, compiled again (a fresh Adam), fitted
    for as many epochs again with ``UpdatePruningStep``, whose step counter starts at 0 again.
    This is :func:`~prunebook.training.fit_pruned` of the trained model; it shares its cache
    entry with a chapter that writes the same recipe out (kind ``"pruned"``, the same
    :func:`~prunebook.training.pruned_settings`).

    Parameters
    ----------
    data : tuple
        ``(x_train, x_val, y_train, y_val)``.
    baseline : Run, optional
        The trained baseline of the same settings; :func:`baseline_run` when omitted.
    """
    settings = _settings(overrides)
    if baseline is None:
        baseline = baseline_run(data, progress=progress, **settings)
    return fit_pruned(baseline.model, data, article.SCHEDULE, progress=progress, **settings)


def sweep_runs(data, *, sparsities=article.SWEEP, progress=True, **overrides):
    """``{final sparsity: Run}``: the article's MLP pruned with the corrected schedule's shape."""
    settings = _settings(overrides)
    return {s: fit_pruned(article_mlp(seed=settings["seed"]), data, article.corrected_schedule(s),
                          progress=progress, **settings) for s in sparsities}


def small_dense_runs(data, pruned, *, progress=True, **overrides):
    """``{sparsity: (width, Run)}``: dense MLPs with about as many weights as each pruned model
    has non-zeros."""
    settings = _settings(overrides)
    out = {}
    for s, run in pruned.items():
        width = width_for_params(nonzero_params(run.model))
        out[s] = (width, fit_baseline(article_mlp(units=width, seed=settings["seed"]), data,
                                      progress=progress, **settings))
    return out


#: How :func:`summary_table`'s columns read best, for ``DataFrame.style.format``.
SUMMARY_FORMAT = {"final loss": "{:.3g}", "final val_loss": "{:.5f}", "best val_loss": "{:.5f}",
                  "kernel sparsity": "{:.4f}", "parameters": "{:,.0f}", "non-zero parameters": "{:,.0f}",
                  "sparsity of all weights": "{:.4f}", "training seconds": "{:.1f}",
                  "median seconds per epoch": "{:.3f}"}


def summary_table(runs):
    """One row a run: its final and best losses, its sparsity, its size, and how long it trained.

    Parameters
    ----------
    runs : dict
        ``{name: Run}``, e.g. ``{"baseline": ..., "pruned": ...}``.

    Returns
    -------
    pandas.DataFrame
        Indexed by run name, with the columns of :data:`SUMMARY_FORMAT` (numbers; show them
        with ``table.style.format(SUMMARY_FORMAT)``).
    """
    if not runs:
        raise ValueError("runs must name at least one run")
    rows = {}
    for name, run in runs.items():
        h, total = run.history, sparsity_report(run.model).iloc[-1]
        rows[name] = {"final loss": h.loss[-1], "final val_loss": h.val_loss[-1],
                      "best val_loss": min(h.val_loss), "kernel sparsity": h.sparsity[-1],
                      "parameters": int(total.params), "non-zero parameters": int(total.params - total.zeros),
                      "sparsity of all weights": total.sparsity, "training seconds": sum(h.seconds),
                      "median seconds per epoch": float(np.median(h.seconds))}
    return pd.DataFrame.from_dict(rows, orient="index")[list(SUMMARY_FORMAT)]
