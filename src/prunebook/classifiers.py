"""The real-data chapters' runs: a dense phase, then a second phase that prunes or not.

Each function returns a :class:`~prunebook.history.Run` whose History joins both phases
(:data:`prunebook.realdata.DENSE_EPOCHS` + :data:`~prunebook.realdata.PRUNE_EPOCHS` epochs),
trained through the cache, so a chapter, the next chapter and ``scripts/make_reference.py``
train each run once. The dense phase of a model and seed is shared by every second phase.
"""
import numpy as np

from prunebook import realdata
from prunebook.experiments import join_histories, masked_run, seed_table
from prunebook.history import Run
from prunebook.magnitude import layerwise_masks
from prunebook.models import cnn_filters_for_params, lenet_300_100, lenet_hidden_for_params, small_cnn
from prunebook.sparsity import kernels_of
from prunebook.training import fit_baseline, fit_pruned
from prunebook.validation import require_one_of, require_sparsity

#: The second phases :func:`second_phase` knows, in the order the chapters show them.
ARMS = ("dense", "gradual", "one-shot + fine-tune")


def _dense(build, data, seed, progress):
    """The first phase of the model ``build(seed)`` makes."""
    return fit_baseline(build(seed), data, epochs=realdata.DENSE_EPOCHS, seed=seed,
                        progress=progress, **realdata.training_settings())


def _start(build, seed, trained):
    """A fresh ``build(seed)`` holding ``trained``'s weights (so the next cache key depends on
    the weights only, not on whether the dense phase was trained now or read back)."""
    start = build(seed)
    start.set_weights(trained.get_weights())
    return start


def _builder(model_name):
    require_one_of(model_name, "model_name", tuple(realdata.MODELS))
    return lambda seed: realdata.build(model_name, seed)


def dense_phase(model_name, data, seed, *, progress=True):
    """The first phase: ``model_name`` trained dense from its seeded weights."""
    return _dense(_builder(model_name), data, seed, progress)


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
    build = _builder(model_name)
    first = _dense(build, data, seed, progress)
    start = _start(build, seed, first.model)
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


#: For each model, ``(widths for a parameter count, builder)`` of its small dense control: a
#: narrower network of the same shape (LeNet's 3 : 1 hidden widths, the CNN's 1 : 2 filters).
SMALL = {"LeNet-300-100": (lenet_hidden_for_params, lambda w, s: lenet_300_100(hidden=w, seed=s)),
         "CNN": (cnn_filters_for_params, lambda w, s: small_cnn(filters=w, seed=s))}


def small_dense(model_name, data, seed, n_params, *, progress=True):
    """A narrower ``model_name`` with about ``n_params`` parameters (:data:`SMALL`), trained like
    the others: :data:`~prunebook.realdata.DENSE_EPOCHS`, then a fresh Adam for
    :data:`~prunebook.realdata.PRUNE_EPOCHS` more. Returns ``(widths, Run)``."""
    require_one_of(model_name, "model_name", tuple(SMALL))
    widths_for, builder = SMALL[model_name]
    widths = widths_for(n_params)

    def build(s):
        return builder(widths, s)

    first = _dense(build, data, seed, progress)
    second = fit_baseline(_start(build, seed, first.model), data, seed=seed,
                          epochs=realdata.PRUNE_EPOCHS, progress=progress,
                          **realdata.training_settings())
    return widths, Run(second.model, join_histories(first.history, second.history))


def accuracy_on(model, x, y, *, batch_size=2048):
    """The share of ``x`` whose largest logit is the label ``y``."""
    x = np.asarray(x, dtype=np.float32)
    if len(x) != len(y) or len(x) == 0:
        raise ValueError(f"x and y must hold the same, non-zero number of rows, got {len(x)} and {len(y)}")
    predicted = np.concatenate([np.argmax(model(x[i:i + batch_size], training=False).numpy(), axis=1)
                                for i in range(0, len(x), batch_size)])
    return float(np.mean(predicted == np.asarray(y)))


def seed_accuracies(trained, x_test, y_test, stored, *, name, seeds=realdata.SEEDS):
    """``{(*row, seed): test accuracy}`` for every row of ``trained`` and every seed of ``seeds``.

    ``trained`` is ``{(*row, seed): Run}`` for the seeds trained now: their accuracy on
    ``x_test``/``y_test`` is measured (:func:`accuracy_on`). Every other seed of a row is read
    from ``stored`` (``{run name: accuracy}``, :func:`prunebook.reference.load_scores`), under
    ``name(*row, seed)`` (:func:`reference_name`, :func:`layers_reference_name`). A seed that is
    in neither raises ``ValueError`` naming the run and the fix.
    """
    out = {key: accuracy_on(run.model, x_test, y_test) for key, run in trained.items()}
    for row in dict.fromkeys(key[:-1] for key in trained):
        for seed in seeds:
            if (*row, seed) in out:
                continue
            run = name(*row, seed)
            if run not in stored:
                raise ValueError(f"seeds: run {run!r} was neither trained nor found in the stored "
                                 "test accuracies; train it, or write them with scripts/make_reference.py")
            out[(*row, seed)] = stored[run]
    return out


def accuracy_table(accuracies):
    """Mean, min and max over seeds: ``accuracies`` is ``{row: {seed: accuracy}}``."""
    return seed_table(accuracies, name="accuracies")


def _bar(total, desc, show):
    """One tqdm bar over ``total`` runs, on stderr, 80 columns (none when ``show`` is False)."""
    import sys

    from tqdm.std import tqdm

    return tqdm(total=total, desc=desc, disable=not show, file=sys.stderr, ncols=80, ascii=True,
                mininterval=10.0, unit="run")


def sweep(model_name, data, *, arms=ARMS, sparsities=realdata.SPARSITIES, seeds=realdata.SEEDS,
          progress=True):
    """``{(arm, sparsity, seed): Run}`` for every arm, sparsity and seed (the dense arm once a
    seed, under sparsity 0.0), with one progress bar over the runs."""
    for arm in arms:
        require_one_of(arm, "arms (each)", ARMS)
    jobs = [(arm, s, seed) for seed in seeds for arm in arms
            for s in ((0.0,) if arm == "dense" else sparsities)]
    out = {}
    with _bar(len(jobs), model_name, progress) as bar:
        for arm, s, seed in jobs:
            out[(arm, s, seed)] = second_phase(model_name, data, seed, arm,
                                               None if arm == "dense" else s, progress=False)
            bar.update()
    return out


def small_dense_sweep(model_name, data, gradual, *, progress=True):
    """``{(sparsity, seed): (widths, Run)}``: for each gradual run of ``model_name`` in ``gradual``
    (``{(sparsity, seed): Run}``), the small dense network with as many parameters as it has
    non-zero weights (kernels and biases)."""
    from prunebook.sparsity import nonzero_params

    out = {}
    with _bar(len(gradual), f"{model_name} small dense", progress) as bar:
        for (s, seed), run in gradual.items():
            out[(s, seed)] = small_dense(model_name, data, seed, nonzero_params(run.model),
                                         progress=False)
            bar.update()
    return out


def reference_name(model_name, arm, sparsity, seed):
    """The name a run is stored under in ``fashion.json``: model, arm and sparsity, and the seed
    as :func:`prunebook.reference.run_name` adds it."""
    from prunebook.reference import run_name

    return run_name(f"{model_name}|{arm}|{sparsity:g}", seed)


#: The Fashion-MNIST chapter's runs: ``{model: arms}`` of :func:`sweep`.
CHAPTER_ARMS = {"LeNet-300-100": ARMS, "CNN": ARMS}


def han_uniform_sparsity():
    """The sparsity of all LeNet-300-100 kernels under Han et al.'s allocation (about 91.8 %)."""
    from prunebook.sparsity import kernel_layers as layers

    sizes = {layer.name: int(np.prod(layer.kernel.shape))
             for layer in layers(realdata.build("LeNet-300-100", 0))}
    return realdata.overall_sparsity({name: 1 - kept for name, kept in realdata.HAN_KEPT.items()}, sizes)


def fashion_runs(data, *, seeds=realdata.SEEDS, progress=True):
    """Every run of the chapter, ``{(model, arm, sparsity, seed): Run}``, for ``scripts/make_reference.py``:

    :func:`sweep` of each model with its :data:`CHAPTER_ARMS`; the small dense networks
    (arm ``"small dense"``); Han et al.'s allocation of LeNet-300-100 (arm ``"Han et al."``, under
    its overall sparsity) and the uniform schedule to the same overall sparsity (arm ``"gradual"``).
    """
    out = {}
    for model_name, arms in CHAPTER_ARMS.items():
        runs = sweep(model_name, data, arms=arms, seeds=seeds, progress=progress)
        out.update({(model_name, *key): run for key, run in runs.items()})
        gradual = {(s, seed): out[(model_name, "gradual", s, seed)]
                   for s in realdata.SPARSITIES for seed in seeds}
        for (s, seed), (_, run) in small_dense_sweep(model_name, data, gradual, progress=progress).items():
            out[(model_name, "small dense", s, seed)] = run
    overall = han_uniform_sparsity()
    for seed in seeds:
        out[("LeNet-300-100", "Han et al.", overall, seed)] = second_phase(
            "LeNet-300-100", data, seed, "gradual", realdata.han_schedules(), progress=progress)
        out[("LeNet-300-100", "gradual", overall, seed)] = second_phase(
            "LeNet-300-100", data, seed, "gradual", overall, progress=progress)
    return out


def allocation_schedules(layer_sparsities):
    """``{layer: gradual schedule}`` for per-layer sparsities; layers at 0 are left unwrapped."""
    schedules = {name: realdata.gradual_schedule(s) for name, s in layer_sparsities.items() if s > 0}
    if not schedules:
        raise ValueError("layer_sparsities must give at least one layer a sparsity above 0")
    return schedules


def allocation_runs(model_name, data, allocations, *, seeds=realdata.SEEDS, progress=True):
    """``{(allocation, seed): Run}``: ``model_name`` pruned gradually with per-layer sparsities.

    ``allocations`` is ``{name: {layer: sparsity}}`` (one allocation for every seed) or
    ``{name: {seed: {layer: sparsity}}}`` (one for each seed, e.g. set by each seed's weights).
    """
    out = {}
    with _bar(len(allocations) * len(seeds), f"{model_name} allocations", progress) as bar:
        for name, allocation in allocations.items():
            for seed in seeds:
                layers = allocation[seed] if seed in allocation else allocation
                out[(name, seed)] = second_phase(model_name, data, seed, "gradual",
                                                 allocation_schedules(layers), progress=False)
                bar.update()
    return out


def scan_seeds(model_name, data, *, seeds=realdata.SEEDS, progress=True):
    """``{seed: scan}``: :func:`prunebook.sensitivity.layer_scan` of each seed's dense-phase
    model on the validation set, at :data:`prunebook.realdata.SCAN_SPARSITIES`.

    A scan is stored in the cache (:func:`prunebook.filecache.cached_result`), keyed by the
    model's weights, the validation set and the code that scans."""
    _, x_val, _, y_val = data
    out = {}
    with _bar(len(seeds), f"{model_name} scan", progress) as bar:
        for seed in seeds:
            model = dense_phase(model_name, data, seed, progress=False).model
            out[seed] = _stored_scan(model, x_val, y_val)
            bar.update()
    return out


def _stored_scan(model, x_val, y_val):
    import pandas as pd

    from prunebook.cache import code_digest
    from prunebook.filecache import cached_result
    from prunebook.sensitivity import layer_scan

    content = b"".join(np.ascontiguousarray(a).tobytes() for a in (*model.get_weights(), x_val, y_val))
    code = code_digest(("prunebook.sensitivity", "prunebook.magnitude", "prunebook.classifiers"))
    settings = {"model": model.to_json(), "sparsities": list(realdata.SCAN_SPARSITIES), "code": code}
    rows = cached_result("layer scan", content, settings, lambda: layer_scan(
        model, x_val, y_val, realdata.SCAN_SPARSITIES, accuracy=accuracy_on).to_dict(orient="records"))
    return pd.DataFrame(rows)


def layer_allocations(model_name, data, *, seeds=realdata.SEEDS, progress=True):
    """The chapter's two per-layer allocations of :data:`prunebook.realdata.BUDGET`:
    ``{"sensitivity": {layer: s}, "global threshold": {seed: {layer: s}}}`` (the greedy
    choice from the seeds' mean scan, and one magnitude threshold over each seed's kernels)."""
    from prunebook.sensitivity import choose_sparsities, global_sparsities, mean_scan

    scans = scan_seeds(model_name, data, seeds=seeds, progress=progress)
    return {"sensitivity": choose_sparsities(mean_scan(list(scans.values())), realdata.BUDGET),
            "global threshold": {seed: global_sparsities(
                dense_phase(model_name, data, seed, progress=False).model, realdata.BUDGET)
                for seed in seeds}}


def layers_runs(data, *, seeds=realdata.SEEDS, progress=True):
    """Every run of the chapter on which layers can lose the most, ``{(model, allocation,
    seed): Run}``: each model pruned gradually with its :func:`layer_allocations`."""
    out = {}
    for model_name in realdata.MODELS:
        allocations = layer_allocations(model_name, data, seeds=seeds, progress=progress)
        runs = allocation_runs(model_name, data, allocations, seeds=seeds, progress=progress)
        out.update({(model_name, *key): run for key, run in runs.items()})
    return out


def layers_reference_name(model_name, allocation, seed):
    """The name a run is stored under in ``layers.json``."""
    from prunebook.reference import run_name

    return run_name(f"{model_name}|{allocation}", seed)


def fashion_tolerance():
    """The tolerance the real-data chapters check their curves with: the largest seed spread of
    the validation accuracy of the dense and the 90 % gradual runs of both models (log10 units)."""
    from prunebook.reference import load_reference, seed_tolerance

    bases = [reference_name(m, arm, s, 0) for m in realdata.MODELS
             for arm, s in (("dense", 0.0), ("gradual", 0.9))]
    return seed_tolerance(load_reference("fashion"), runs=bases, column="val_accuracy", from_epoch=1)
