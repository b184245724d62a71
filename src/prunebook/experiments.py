"""The article's runs as the chapters, the reference script and the benchmarks train them.

Every function trains the article's MLP (:func:`prunebook.models.article_mlp`, seeded by
the run's ``seed``) with :func:`prunebook.article.training_settings` (the article's settings,
at the scale ``PRUNEBOOK_SCALE`` selects); keyword arguments override any of them, or pass
others to :func:`prunebook.training.fit_baseline` / :func:`~prunebook.training.fit_pruned`
(``cache``, ``summaries``, ...). Every run goes through the training cache, so the
chapters and ``scripts/make_reference.py`` train each one only once.
"""
import hashlib
import math

import numpy as np
import pandas as pd

from prunebook import article
from prunebook.cache import cached_run
from prunebook.data import article_data
from prunebook.history import History, Run
from prunebook.magnitude import apply_masks, layerwise_masks
from prunebook.models import article_mlp, width_for_params
from prunebook.reference import SEEDS, run_name
from prunebook.schedules import steps_per_epoch
from prunebook.sparsity import kernels_of, nonzero_params, sparsity_report
from prunebook.training import fit_baseline, fit_masked, fit_pruned
from prunebook.validation import require_int_in, require_sparsity


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


def first_cut_epoch(schedule, *, n_samples=article.N_TRAIN, batch_size=article.BATCH_SIZE):
    """The epoch (counted from 1) in which ``schedule`` makes its first cut.

    tfmot numbers the steps from 1 and first prunes at ``begin_step``; with
    ``steps_per_epoch`` steps an epoch that step falls in epoch
    ``ceil(begin_step / steps_per_epoch)``. For the corrected schedule (step 200, 8 steps an
    epoch) it is epoch 25, the last step of that epoch.
    """
    return max(1, math.ceil(schedule.begin_step / steps_per_epoch(n_samples, batch_size)))


def join_histories(first, second):
    """One History: ``first``'s epochs followed by ``second``'s (a run trained in two phases)."""
    if bool(first.val_accuracy) != bool(second.val_accuracy):
        raise ValueError("first and second must both record val_accuracy, or neither")
    return History(loss=[*first.loss, *second.loss], val_loss=[*first.val_loss, *second.val_loss],
                   sparsity=[*first.sparsity, *second.sparsity],
                   seconds=[*first.seconds, *second.seconds],
                   val_accuracy=[*first.val_accuracy, *second.val_accuracy])


def _masks_digest(masks):
    digest = hashlib.sha256()
    for mask in masks:
        digest.update(np.ascontiguousarray(mask, dtype=np.float32).tobytes())
    return digest.hexdigest()


def masked_run(model, masks, data, *, progress=True, cache=True, **settings):
    """:func:`~prunebook.training.fit_masked` of ``model`` pruned by ``masks``, through the cache.

    The weights outside ``masks`` are set to zero first (:func:`prunebook.magnitude.apply_masks`)
    and held at zero during training. ``settings`` are ``epochs``, ``batch_size``,
    ``learning_rate`` and ``seed``; the cache key holds them, the masks and the pruned weights.
    """
    pruned = apply_masks(model, masks)
    key = {**settings, "masks": _masks_digest(masks)}

    def train(folder):
        return fit_masked(pruned, masks, data, progress=progress, **settings)

    return cached_run("masked", pruned, data, key, train, cache=cache)


def restart_run(data, *, cut_epoch, sparsity=None, progress=True, **overrides):
    """The article's MLP trained dense for ``cut_epoch`` epochs, then with a fresh Adam for the rest.

    With ``sparsity=None`` the second phase is dense (the optimizer-restart control); with a
    sparsity it starts by pruning the dense model in one shot to that sparsity, layer by layer
    with the magnitude mask (:func:`prunebook.magnitude.layerwise_masks`, tfmot's rule), and
    fine-tunes with the mask held. The second phase is seeded like the first, so for the same
    seed both variants see the same batches in the same order. Both phases go through the
    training cache.

    Returns
    -------
    Run
        The final model and the joined History of both phases (``epochs`` in all).
    """
    settings = _settings(overrides)
    epochs = settings["epochs"]
    require_int_in(cut_epoch, "cut_epoch (at least 1, fewer than epochs)", 1, epochs - 1)
    first = fit_baseline(article_mlp(seed=settings["seed"]), data, progress=progress,
                         **{**settings, "epochs": cut_epoch})
    # rebuild the architecture so the next key depends on the weights only, not on how the
    # first phase's model was obtained (trained now or read back from the cache)
    start = article_mlp(seed=settings["seed"])
    start.set_weights(first.model.get_weights())
    rest = {**settings, "epochs": epochs - cut_epoch}
    if sparsity is None:
        second = fit_baseline(start, data, progress=progress, **rest)
    else:
        require_sparsity(sparsity, "sparsity")
        masks = layerwise_masks(kernels_of(start), sparsity)
        second = masked_run(start, masks, data, progress=progress, **rest)
    return Run(second.model, join_histories(first.history, second.history))


#: The arms of :func:`fair_runs`, in the order the chapter shows them.
FAIR_ARMS = ("gradual", "one-shot + fine-tune", "dense", "dense, Adam restarted", "small dense")
#: The names the reference file ``fair.json`` stores each arm under (with
#: :func:`prunebook.reference.run_name` adding the seed).
FAIR_NAMES = {"gradual": "gradual", "one-shot + fine-tune": "oneshot_finetune", "dense": "dense",
              "dense, Adam restarted": "dense_restart", "small dense": "small_dense"}


def fair_runs(data, *, sparsity=0.75, seeds=SEEDS, progress=True, **overrides):
    """Gradual against one-shot pruning on the same budget, with their dense controls.

    For each seed (model initialisation and batch order), with the same epochs for every arm:

    - ``"gradual"``: the corrected schedule to ``sparsity`` (:func:`sweep_runs`);
    - ``"one-shot + fine-tune"``: dense until the gradual run's first cut
      (:func:`first_cut_epoch`), one-shot to ``sparsity``, fine-tuned with the mask held and a
      fresh Adam for the remaining epochs (:func:`restart_run`);
    - ``"dense"``: the unpruned model for all epochs, one Adam (:func:`baseline_run`);
    - ``"dense, Adam restarted"``: the unpruned model with the same restart at the same epoch;
    - ``"small dense"``: a narrower dense MLP with the gradual model's non-zero weights
      (:func:`small_dense_runs`).

    Returns
    -------
    dict
        ``{arm: {seed: Run}}`` with the arms of :data:`FAIR_ARMS`, and ``"cut_epoch"`` and
        ``"width"`` (the small dense model's hidden width) under ``"info"``.
    """
    settings = _settings(overrides)
    schedule = article.corrected_schedule(sparsity)
    cut = min(first_cut_epoch(schedule, n_samples=len(data[0]), batch_size=settings["batch_size"]),
              settings["epochs"] - 1)  # a quick-scale run ends before the first cut
    out = {arm: {} for arm in FAIR_ARMS}
    for seed in seeds:
        run_settings = {**settings, "seed": seed}
        out["gradual"][seed] = sweep_runs(data, sparsities=(sparsity,), progress=progress,
                                          **run_settings)[sparsity]
        out["one-shot + fine-tune"][seed] = restart_run(data, cut_epoch=cut, sparsity=sparsity,
                                                        progress=progress, **run_settings)
        out["dense"][seed] = baseline_run(data, progress=progress, **run_settings)
        out["dense, Adam restarted"][seed] = restart_run(data, cut_epoch=cut, progress=progress,
                                                         **run_settings)
        width, run = small_dense_runs(data, {sparsity: out["gradual"][seed]}, progress=progress,
                                      **run_settings)[sparsity]
        out["small dense"][seed] = run
    out["info"] = {"cut_epoch": cut, "width": width}
    return out


def sweep_histories(runs, reference, sparsities=article.SWEEP):
    """``{final sparsity: History}`` for every target of ``sparsities``: the trained run where
    ``runs`` (:func:`sweep_runs`'s result for the targets trained now) has it, else the stored
    record ``sweep_<sparsity>`` of ``reference`` (``load_reference("reaching")``, written by
    ``scripts/make_reference.py --only reaching`` with the same code). A target that is in
    neither raises ``ValueError`` naming the run and the fix."""
    out = {}
    for s in sparsities:
        if s in runs:
            out[s] = runs[s].history
        elif f"sweep_{s}" in reference:
            out[s] = reference[f"sweep_{s}"]
        else:
            raise ValueError(f"sparsities: run 'sweep_{s}' was neither trained nor found in the "
                             "reference; train it, or write reaching.json with "
                             "`scripts/make_reference.py --only reaching`")
    return out


def fair_histories(runs, reference, seeds=SEEDS):
    """``{arm: {seed: History}}`` for every seed: the trained run where ``runs`` has it, else
    the stored record.

    ``runs`` is :func:`fair_runs`'s result for the seeds trained now (an ``"info"`` entry is
    skipped); ``reference`` is ``load_reference("fair")``, written by
    ``scripts/make_reference.py --only fair`` with the same code for every seed of ``SEEDS``.
    A seed that is in neither raises ``ValueError`` naming the run and the fix.
    """
    out = {}
    for arm, name in FAIR_NAMES.items():
        trained = runs.get(arm, {})
        out[arm] = {}
        for seed in seeds:
            if seed in trained:
                out[arm][seed] = trained[seed].history
            elif run_name(name, seed) in reference:
                out[arm][seed] = reference[run_name(name, seed)]
            else:
                raise ValueError(f"seeds: run {run_name(name, seed)!r} ({arm}, seed {seed}) was "
                                 "neither trained nor found in the reference; train it, or write "
                                 "fair.json with `scripts/make_reference.py --only fair`")
    return out


def seed_table(values, *, name="values"):
    """Mean, min and max over seeds, and the number of seeds: ``values`` is ``{row: {seed: value}}``
    (``name`` is what an error calls it)."""
    rows = {}
    for row, by_seed in values.items():
        finals = list(by_seed.values())
        if not finals:
            raise ValueError(f"{name}: row {row!r} has no seeds")
        rows[row] = {"mean": float(np.mean(finals)), "min": float(np.min(finals)),
                     "max": float(np.max(finals)), "seeds": len(finals)}
    return pd.DataFrame.from_dict(rows, orient="index")


def fair_table(histories, column="val_loss"):
    """:func:`seed_table` of each arm's final ``column``; ``histories`` is ``{arm: {seed: History}}``
    (:func:`fair_histories`)."""
    for arm, by_seed in histories.items():
        if not by_seed:
            raise ValueError(f"histories: arm {arm!r} has no seeds")
    return seed_table({arm: {seed: getattr(h, column)[-1] for seed, h in by_seed.items()}
                       for arm, by_seed in histories.items()})


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
