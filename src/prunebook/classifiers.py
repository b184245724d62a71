"""The real-data chapters' runs: a dense phase, then a second phase that prunes or not.

Each function returns a :class:`~prunebook.history.Run` whose History joins both phases
(:data:`prunebook.realdata.DENSE_EPOCHS` + :data:`~prunebook.realdata.PRUNE_EPOCHS` epochs),
trained through the cache, so a chapter, the next chapter and ``scripts/make_reference.py``
train each run once. The dense phase of a model and seed is shared by every second phase.
"""
import numpy as np
import pandas as pd

from prunebook import realdata
from prunebook.experiments import join_histories, masked_run
from prunebook.history import Run
from prunebook.magnitude import layerwise_masks
from prunebook.models import lenet_300_100, lenet_hidden_for_params
from prunebook.sparsity import kernels_of
from prunebook.training import fit_baseline, fit_pruned
from prunebook.validation import require_one_of, require_sparsity

#: The second phases :func:`second_phase` knows, in the order the chapters show them.
ARMS = ("dense", "gradual", "one-shot + fine-tune")


def dense_phase(model_name, data, seed, *, progress=True):
    """The first phase: ``model_name`` trained dense from its seeded weights."""
    return fit_baseline(realdata.build(model_name, seed), data, epochs=realdata.DENSE_EPOCHS,
                        seed=seed, progress=progress, **realdata.training_settings())


def _start(model_name, seed, trained):
    """A fresh model of ``model_name`` holding ``trained``'s weights (so the next cache key
    depends on the weights only, not on whether the dense phase was trained now or read back)."""
    start = realdata.build(model_name, seed)
    start.set_weights(trained.get_weights())
    return start


def second_phase(model_name, data, seed, arm, sparsity=None, *, progress=True):
    """The run of ``arm`` for ``model_name`` and ``seed``: the dense phase, then
    :data:`~prunebook.realdata.PRUNE_EPOCHS` epochs with a fresh Adam that

    - ``"dense"``: go on without pruning (the control);
    - ``"gradual"``: prune with tfmot to ``sparsity`` on :func:`prunebook.realdata.gradual_schedule`,
      or, with ``sparsity`` a ``{layer: schedule}`` dict, each named layer on its own schedule;
    - ``"one-shot + fine-tune"``: prune every kernel at once to ``sparsity`` (tfmot's
      magnitude rule, layer by layer) and fine-tune with the mask held.
    """
    require_one_of(arm, "arm", ARMS)
    first = dense_phase(model_name, data, seed, progress=progress)
    start = _start(model_name, seed, first.model)
    settings = {"epochs": realdata.PRUNE_EPOCHS, "seed": seed, **realdata.training_settings()}
    if arm == "dense":
        if sparsity is not None:
            raise ValueError("sparsity must be None for the dense arm")
        second = fit_baseline(start, data, progress=progress, **settings)
    elif arm == "gradual":
        schedule = sparsity if isinstance(sparsity, dict) else realdata.gradual_schedule(sparsity)
        second = fit_pruned(start, data, schedule, progress=progress, **settings)
    else:
        require_sparsity(sparsity, "sparsity")
        masks = layerwise_masks(kernels_of(start), sparsity)
        second = masked_run(start, masks, data, progress=progress, **settings)
    return Run(second.model, join_histories(first.history, second.history))


def small_dense(data, seed, n_params, *, progress=True):
    """A narrower LeNet-300-100 with about ``n_params`` parameters, trained like the others:
    :data:`~prunebook.realdata.DENSE_EPOCHS`, then a fresh Adam for
    :data:`~prunebook.realdata.PRUNE_EPOCHS` more. Returns ``(hidden widths, Run)``."""
    hidden = lenet_hidden_for_params(n_params)
    settings = realdata.training_settings()
    first = fit_baseline(lenet_300_100(hidden=hidden, seed=seed), data, seed=seed,
                         epochs=realdata.DENSE_EPOCHS, progress=progress, **settings)
    start = lenet_300_100(hidden=hidden, seed=seed)
    start.set_weights(first.model.get_weights())
    second = fit_baseline(start, data, seed=seed, epochs=realdata.PRUNE_EPOCHS, progress=progress,
                          **settings)
    return hidden, Run(second.model, join_histories(first.history, second.history))


def accuracy_on(model, x, y, *, batch_size=2048):
    """The share of ``x`` whose largest logit is the label ``y``."""
    x = np.asarray(x, dtype=np.float32)
    if len(x) != len(y) or len(x) == 0:
        raise ValueError(f"x and y must hold the same, non-zero number of rows, got {len(x)} and {len(y)}")
    predicted = np.concatenate([np.argmax(model(x[i:i + batch_size], training=False).numpy(), axis=1)
                                for i in range(0, len(x), batch_size)])
    return float(np.mean(predicted == np.asarray(y)))


def accuracy_table(accuracies):
    """Mean, min and max over seeds: ``accuracies`` is ``{row: {seed: accuracy}}``."""
    rows = {}
    for row, by_seed in accuracies.items():
        values = list(by_seed.values())
        if not values:
            raise ValueError(f"accuracies: row {row!r} has no seeds")
        rows[row] = {"mean": float(np.mean(values)), "min": float(np.min(values)),
                     "max": float(np.max(values)), "seeds": len(values)}
    return pd.DataFrame.from_dict(rows, orient="index")

