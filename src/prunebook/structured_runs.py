"""The structured-pruning chapter's trained runs, through the training cache.

Every form of the article's MLP starts from the article's trained baseline and trains
:data:`prunebook.structured.FINE_TUNE_EPOCHS` more epochs with a fresh Adam, whatever it does
in them (nothing, prune, prune in blocks, train a smaller model): the same budget for all.
The Fashion-MNIST CNN runs follow the real-data chapters' two phases
(:mod:`prunebook.classifiers`). ``scripts/prewarm_structured.py`` trains them all ahead of the
chapter, so that ``make test`` can time the chapter with its training already done.
"""
from prunebook import article, realdata, structured
from prunebook.classifiers import _bar, dense_phase, second_phase, small_dense
from prunebook.experiments import baseline_run, join_histories
from prunebook.history import Run
from prunebook.models import cnn_filters_for_params
from prunebook.sparsity import nonzero_params
from prunebook.training import fit_baseline, fit_pruned
from prunebook.validation import require_one_of, require_sparsity

DENSE_CONTROL = "dense control"
UNSTRUCTURED = "unstructured"
ONE_CUT = "unstructured, one cut"
M_BY_N = "2:4"
BLOCKS = "1x4 blocks"
LARGE_BLOCKS = "1x16 blocks"
NEURONS = "neurons removed"
#: The forms of the MLP, in the order the chapter shows them.
FORMS = (DENSE_CONTROL, UNSTRUCTURED, ONE_CUT, M_BY_N, BLOCKS, LARGE_BLOCKS, NEURONS)
#: ``(form, sparsity)`` of every MLP run the chapter trains (each for every seed).
MLP_JOBS = ((DENSE_CONTROL, 0.0), (ONE_CUT, 0.5), (M_BY_N, 0.5),
            *((UNSTRUCTURED, s) for s in structured.SPARSITIES),
            *((BLOCKS, s) for s in structured.SPARSITIES), (LARGE_BLOCKS, 0.9),
            *((NEURONS, s) for s in structured.SPARSITIES))
#: The layers every pruned form prunes. tfmot cannot pool the output layer's (1024, 1) kernel
#: into blocks (it squeezes the kernel to one dimension first), so the block forms must leave it
#: dense; the other forms leave it dense too, so that all of them prune the same layers.
PRUNED_LAYERS = ("hidden_1", "hidden_2")
#: The CNN's sparsity in the chapter (that of the real-data chapters' headline comparison).
CNN_SPARSITY = 0.9


def _settings(seed):
    return {**article.training_settings(), "epochs": structured.FINE_TUNE_EPOCHS, "seed": seed}


def mlp_run(form, sparsity, seed, data, baseline, *, progress=False):
    """The run of ``form`` at ``sparsity`` for fine-tuning seed ``seed``, from ``baseline``.

    ``baseline`` is the article's trained MLP (a Keras model, not changed). Forms:

    - ``"dense control"`` (sparsity 0): the same epochs without pruning;
    Every pruned form prunes the hidden layers (:data:`PRUNED_LAYERS`) and keeps the output
    layer whole:

    - ``"unstructured"``: tfmot, element-wise, on :func:`prunebook.structured.ramp_schedule`;
    - ``"unstructured, one cut"``: element-wise, one mask update at step 1
      (:func:`prunebook.structured.one_cut_schedule`), like 2:4;
    - ``"2:4"`` (sparsity 0.5): tfmot's ``sparsity_m_by_n=(2, 4)``;
    - ``"1x4 blocks"``, ``"1x16 blocks"``: tfmot's ``block_size`` (4, 1) or (16, 1) on the
      ramp;
    - ``"neurons removed"``: :func:`prunebook.structured.remove_neurons` to the width whose
      parameters match the unstructured model's non-zero ones, then dense fine-tuning.
    """
    require_one_of(form, "form", FORMS)
    require_sparsity(sparsity, "sparsity")
    if form == DENSE_CONTROL and sparsity != 0.0:
        raise ValueError(f"sparsity must be 0.0 for the dense control, got {sparsity}")
    if form == M_BY_N and sparsity != structured.M_BY_N_SPARSITY:
        raise ValueError(f"sparsity must be {structured.M_BY_N_SPARSITY} for 2:4, got {sparsity}")
    if form not in (DENSE_CONTROL, M_BY_N) and sparsity == 0.0:
        raise ValueError(f"sparsity must be above 0 for {form!r}")
    settings = _settings(seed)
    if form == DENSE_CONTROL:
        return fit_baseline(baseline, data, progress=progress, **settings)
    if form == NEURONS:
        smaller = structured.remove_neurons(baseline, structured.units_for_sparsity(sparsity))
        return fit_baseline(smaller, data, progress=progress, **settings)
    if form in (ONE_CUT, M_BY_N):
        schedule = structured.one_cut_schedule(sparsity)
    else:
        schedule = structured.ramp_schedule(sparsity)
    options = {}
    if form == M_BY_N:
        options["sparsity_m_by_n"] = structured.M_BY_N
    elif form in (BLOCKS, LARGE_BLOCKS):
        options["block_size"] = structured.TFLITE_BLOCK if form == BLOCKS else structured.LARGE_BLOCK
    by_layer = {name: schedule for name in PRUNED_LAYERS}
    return fit_pruned(baseline, data, by_layer, progress=progress, **settings, **options)


def mlp_runs(data, *, jobs=MLP_JOBS, seeds=structured.SEEDS, progress=True):
    """``{(form, sparsity, seed): Run}`` for every job and seed, from the article's baseline."""
    baseline = baseline_run(data, progress=progress, **article.training_settings()).model
    out = {}
    with _bar(len(jobs) * len(seeds), "MLP forms", progress) as bar:
        for seed in seeds:
            for form, sparsity in jobs:
                out[(form, sparsity, seed)] = mlp_run(form, sparsity, seed, data, baseline)
                bar.update()
    return out


def filters_removed(data, seed, filters, *, progress=False):
    """The small CNN's dense phase, its filters cut to ``filters``
    (:func:`prunebook.structured.remove_filters`), then the second phase's epochs, dense."""
    first = dense_phase("CNN", data, seed, progress=progress)
    smaller = structured.remove_filters(first.model, filters)
    second = fit_baseline(smaller, data, seed=seed, epochs=realdata.PRUNE_EPOCHS, progress=progress,
                          **realdata.training_settings())
    return Run(second.model, join_histories(first.history, second.history))


def cnn_runs(data, *, seeds=realdata.SEEDS, sparsity=CNN_SPARSITY, progress=True):
    """``{(arm, seed): Run}`` for the CNN at ``sparsity``: tfmot's gradual pruning, the small
    dense model with as many parameters as the gradual one keeps, and the dense phase with its
    filters removed to that same small model's widths. Also returns those widths."""
    out, widths = {}, None
    with _bar(3 * len(seeds), "CNN", progress) as bar:
        for seed in seeds:
            gradual = second_phase("CNN", data, seed, "gradual", sparsity, progress=False)
            n_params = nonzero_params(gradual.model)
            widths = cnn_filters_for_params(n_params)
            out[("gradual", seed)] = gradual
            bar.update()
            out[("small dense", seed)] = small_dense("CNN", data, seed, n_params, progress=False)[1]
            bar.update()
            out[("filters removed", seed)] = filters_removed(data, seed, widths)
            bar.update()
    return out, widths


#: The layers tfmot's ``PruneForLatencyOnXNNPack`` policy wraps in :func:`prunebook.models.xnnpack_cnn`
#: (its 1 x 1 convolutions); the chapter checks this list against the policy itself.
XNNPACK_PRUNED = ("point1", "point2")


def xnnpack_runs(data, *, seeds=realdata.SEEDS, sparsity=CNN_SPARSITY, progress=True):
    """``{(arm, seed): Run}`` for :func:`prunebook.models.xnnpack_cnn`, arms ``"dense"`` and
    ``"pruned"``: the real-data chapters' two phases (a dense phase, then a second phase with a
    fresh Adam), the pruned arm pruning the 1 x 1 convolutions (:data:`XNNPACK_PRUNED`) to
    ``sparsity`` on :func:`prunebook.realdata.gradual_schedule`."""
    from prunebook.models import xnnpack_cnn

    out = {}
    settings = realdata.training_settings()
    with _bar(2 * len(seeds), "XNNPACK CNN", progress) as bar:
        for seed in seeds:
            first = fit_baseline(xnnpack_cnn(seed=seed), data, epochs=realdata.DENSE_EPOCHS, seed=seed,
                                 progress=False, **settings)
            start = xnnpack_cnn(seed=seed)
            start.set_weights(first.model.get_weights())
            second = {"epochs": realdata.PRUNE_EPOCHS, "seed": seed, "progress": False, **settings}
            dense = fit_baseline(start, data, **second)
            out[("dense", seed)] = Run(dense.model, join_histories(first.history, dense.history))
            bar.update()
            schedule = {name: realdata.gradual_schedule(sparsity) for name in XNNPACK_PRUNED}
            pruned = fit_pruned(start, data, schedule, **second)
            out[("pruned", seed)] = Run(pruned.model, join_histories(first.history, pruned.history))
            bar.update()
    return out
