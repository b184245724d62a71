"""Train the article's model with and without pruning; return a plain History.

- The caller's model is never changed: each function trains a copy (same configuration,
  same initial weights) and returns it in :class:`~prunebook.history.Run`, whether the run
  was trained now or read back from the cache.
- Each function calls :func:`set_determinism`, which seeds everything and switches on
  TensorFlow's op determinism *for the rest of the Python process* (TensorFlow has no public
  switch to turn it off): a second run on the same machine gives the same curves.
- Progress is one compact tqdm bar, never a Keras log line an epoch.
- The small pieces a chapter needs to write tfmot's recipe out itself are public:
  :func:`history_recorder` (a callback that fills a History), :func:`progress_bar` and
  :func:`pruned_settings` (the settings that key a pruned run in the cache).
- :func:`fit_baseline` and :func:`fit_pruned` results are cached on disk, keyed by every
  setting and by the training code itself (see :mod:`prunebook.cache`).

The defaults are the article's run (:mod:`prunebook.article`): a regression with the mean
squared error. ``task="classification"`` trains a classifier whose last layer gives logits:
sparse categorical cross-entropy, and the validation accuracy recorded each epoch.
"""
import sys
import time
from dataclasses import asdict

from prunebook import article
from prunebook._keras import keras
from prunebook.cache import cached_run
from prunebook.history import History, Run
from prunebook.schedules import Schedule, warn_if_short
from prunebook.sparsity import kernel_layers, kernel_sparsity
from prunebook.validation import (require_nonnegative_int, require_one_of, require_positive_float,
                                  require_positive_int)

__all__ = ["TASKS", "Run", "compile_for", "fit_baseline", "fit_masked", "fit_pruned", "history_recorder",
           "progress_bar", "pruned_settings", "set_determinism", "wrap_for_pruning"]


def set_determinism(seed):
    """Seed Python, NumPy and TensorFlow, and make TensorFlow ops deterministic.

    Both are process-wide and stay on: the seeds until something seeds again, and op
    determinism for the rest of the Python process (TensorFlow offers no public way to turn
    it off). Every later TensorFlow op in the process, including a reader's own, runs
    deterministically, which on a GPU may be slower. Restart the kernel to turn it off.
    """
    import tensorflow as tf

    keras().utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()


def _copy(model):
    """A new model with ``model``'s configuration and weights (the caller's stays untouched)."""
    copy = keras().models.clone_model(model)
    copy.set_weights(model.get_weights())
    return copy


def history_recorder(history):
    """A Keras callback that appends each epoch's figures to ``history``.

    At each epoch's end it appends Keras' ``loss`` and ``val_loss``, the kernel sparsity of
    the model as it stands then (:func:`prunebook.sparsity.kernel_sparsity`, read through
    pruning wrappers) and the epoch's wall-clock seconds; for a model compiled with the
    ``"accuracy"`` metric, also ``val_accuracy``. Put it after tfmot's
    ``UpdatePruningStep`` in ``callbacks``, so that it reads the weights after that
    callback has applied the masks. The fit needs validation data (``val_loss``).

    Parameters
    ----------
    history : prunebook.history.History
        The record to append to (usually a new, empty one).
    """
    if not isinstance(history, History):
        raise ValueError(f"history must be a prunebook.history.History, got {type(history).__name__}")
    k = keras()

    class EpochRecorder(k.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self._start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            seconds = time.perf_counter() - self._start
            history.append(loss=logs["loss"], val_loss=logs["val_loss"],
                           sparsity=kernel_sparsity(self.model), seconds=seconds,
                           val_accuracy=logs.get("val_accuracy"))

    return EpochRecorder()


def progress_bar(epochs):
    """A Keras callback that shows one text progress bar over ``epochs`` epochs (none per batch).

    tqdm's ``TqdmCallback``, printing to stderr at most every 10 seconds, 80 columns wide.
    """
    require_positive_int(epochs, "epochs")
    import warnings

    from tqdm import TqdmWarning
    from tqdm.std import tqdm

    with warnings.catch_warnings():  # tqdm.keras imports tqdm.auto, which asks for ipywidgets
        warnings.simplefilter("ignore", TqdmWarning)
        from tqdm.keras import TqdmCallback

    return TqdmCallback(epochs=epochs, verbose=0, tqdm_class=tqdm, file=sys.stderr,
                        ncols=80, mininterval=10.0, ascii=True)


#: What :func:`fit_baseline` and the others can train: the loss and metrics of each task.
TASKS = ("regression", "classification")


def compile_for(model, task, learning_rate):
    """Compile ``model`` with Adam and the task's loss: MSE, or cross-entropy on logits + accuracy."""
    require_one_of(task, "task", TASKS)
    k = keras()
    optimizer = k.optimizers.Adam(learning_rate=learning_rate)
    if task == "regression":
        model.compile(loss="mse", optimizer=optimizer)
    else:
        model.compile(loss=k.losses.SparseCategoricalCrossentropy(from_logits=True),
                      optimizer=optimizer, metrics=["accuracy"])


def _run_settings(epochs, batch_size, learning_rate, seed, task):
    """The settings of a run, checked, as the dict that goes into the cache key."""
    settings = {"epochs": require_positive_int(epochs, "epochs"),
                "batch_size": require_positive_int(batch_size, "batch_size"),
                "learning_rate": require_positive_float(learning_rate, "learning_rate"),
                "seed": require_nonnegative_int(seed, "seed")}
    if require_one_of(task, "task", TASKS) != "regression":
        settings["task"] = task  # a regression's key stays as it was
    return settings


def _settings(data, epochs, batch_size, learning_rate, seed, task="regression"):
    """:func:`_run_settings`, after checking that ``data`` is the 4-tuple a fit needs."""
    if not (isinstance(data, (tuple, list)) and len(data) == 4):
        raise ValueError("data must be the 4-tuple (x_train, x_val, y_train, y_val)")
    return _run_settings(epochs, batch_size, learning_rate, seed, task)


def _fit(model, data, *, epochs, batch_size, learning_rate, seed, task="regression", callbacks=(),
         progress=True):
    """Seed, compile for the task with Adam, fit with validation each epoch; return the History."""
    set_determinism(seed)
    x_train, x_val, y_train, y_val = data
    compile_for(model, task, learning_rate)
    history = History()
    callbacks = [*callbacks, history_recorder(history)]
    if progress:
        callbacks.append(progress_bar(epochs))
    model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=epochs,
              batch_size=batch_size, callbacks=callbacks, verbose=0)
    return history


def pruned_settings(schedule, *, epochs, batch_size, learning_rate, seed, task="regression",
                    block_size=(1, 1), sparsity_m_by_n=None):
    """The settings that key a pruned run in the cache: those of :func:`fit_pruned`.

    A chapter that writes tfmot's recipe out itself passes this dict to
    :func:`prunebook.cache.cached_run` (kind ``"pruned"``), so that its run and
    :func:`fit_pruned`'s of the same model and settings share one cache entry.

    Returns
    -------
    dict
        ``epochs``, ``batch_size``, ``learning_rate``, ``seed`` (checked) and the schedule, plus
        ``block_size`` and ``sparsity_m_by_n`` where they are not tfmot's defaults (so the key
        of an element-wise run stays as it was).
    """
    settings = {**_run_settings(epochs, batch_size, learning_rate, seed, task),
                "schedule": _schedule_record(schedule)}
    return settings | _structure_record(block_size, sparsity_m_by_n)


def _structure_record(block_size, sparsity_m_by_n):
    """The structure options of ``prune_low_magnitude`` that differ from its defaults, checked."""
    record = {}
    if not (isinstance(block_size, (tuple, list)) and len(block_size) == 2
            and all(isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in block_size)):
        raise ValueError(f"block_size must be a pair of positive integers, got {block_size!r}")
    if tuple(block_size) != (1, 1):
        record["block_size"] = list(block_size)
    if sparsity_m_by_n is not None:
        if not (isinstance(sparsity_m_by_n, (tuple, list)) and len(sparsity_m_by_n) == 2
                and all(isinstance(n, int) and not isinstance(n, bool) for n in sparsity_m_by_n)
                and 0 < sparsity_m_by_n[0] < sparsity_m_by_n[1]):
            raise ValueError("sparsity_m_by_n must be None or a pair (m, n) of integers with "
                             f"0 < m < n, got {sparsity_m_by_n!r}")
        if record:
            raise ValueError("block_size and sparsity_m_by_n cannot be combined")
        record["sparsity_m_by_n"] = list(sparsity_m_by_n)
    return record


def _schedule_record(schedule):
    """The schedule (or ``{layer name: schedule}``) as plain data for the cache key."""
    if isinstance(schedule, Schedule):
        return {type(schedule).__name__: asdict(schedule)}
    if isinstance(schedule, dict) and schedule and all(
            isinstance(name, str) and isinstance(s, Schedule) for name, s in schedule.items()):
        return {"per_layer": {name: _schedule_record(s) for name, s in sorted(schedule.items())}}
    raise ValueError("schedule must be a prunebook.schedules.PolynomialSchedule or ConstantSchedule, "
                     "or a non-empty {layer name: schedule} dict")


def wrap_for_pruning(model, schedule, *, block_size=(1, 1), sparsity_m_by_n=None):
    """``model`` wrapped by tfmot's ``prune_low_magnitude``: whole, or layer by layer.

    With one schedule, every prunable layer is wrapped (``prune_low_magnitude(model, ...)``).
    With ``{layer name: schedule}``, only the layers named are wrapped, each with its own
    schedule, through ``clone_model(model, clone_function=...)`` as tfmot's guide does it; the
    wrappers hold ``model``'s own layers, so pass a copy if ``model`` must stay as it is.
    ``block_size`` and ``sparsity_m_by_n`` go to every wrapper (tfmot's options of structure).
    """
    import tensorflow_model_optimization as tfmot

    prune = tfmot.sparsity.keras
    _schedule_record(schedule)  # checks it
    structure = _structure_record(block_size, sparsity_m_by_n)  # checks them
    options = {"block_size": tuple(structure.get("block_size", (1, 1))),
               "sparsity_m_by_n": tuple(sparsity_m_by_n) if sparsity_m_by_n else None}
    if isinstance(schedule, Schedule):
        return prune.prune_low_magnitude(model, pruning_schedule=schedule.to_tfmot(), **options)
    with_kernel = {layer.name for layer in kernel_layers(model)}
    unknown = sorted(set(schedule) - with_kernel)
    if unknown:
        raise ValueError(f"schedule names layers without a kernel or not in the model: {unknown}; "
                         f"the layers with kernels are {sorted(with_kernel)}")

    def wrap(layer):
        if layer.name in schedule:
            return prune.prune_low_magnitude(layer, pruning_schedule=schedule[layer.name].to_tfmot(),
                                             **options)
        return layer

    return keras().models.clone_model(model, clone_function=wrap)


def fit_baseline(model, data, *, epochs=article.EPOCHS, batch_size=article.BATCH_SIZE,
                 learning_rate=article.LEARNING_RATE, seed=article.SEED, task="regression", progress=True,
                 cache=True):
    """Train a copy of ``model`` as the article does: MSE loss, Adam, validation each epoch.

    Parameters
    ----------
    model : tf_keras.Model
        An uncompiled model, e.g. :func:`prunebook.models.article_mlp`. It is not changed.
    data : tuple
        ``(x_train, x_val, y_train, y_val)``, e.g. :func:`prunebook.data.article_data`.
    epochs, batch_size : int
        Positive integers (article: 200 and 1024).
    learning_rate : float
        Adam's learning rate, > 0 (article: 0.001).
    seed : int
        Seed of the shuffling (and every other random op) during training.
    task : str
        ``"regression"`` (the article's MSE) or ``"classification"`` (logits, integer labels:
        cross-entropy, and ``val_accuracy`` recorded).
    progress : bool
        Show one tqdm bar over the epochs.
    cache : bool
        Reuse a cached result of the same settings and code, or store this one.

    Returns
    -------
    Run
        The trained copy and its :class:`~prunebook.history.History`.
    """
    settings = _settings(data, epochs, batch_size, learning_rate, seed, task)

    def train(folder):
        copy = _copy(model)
        return Run(copy, _fit(copy, data, progress=progress, **settings))

    return cached_run("baseline", model, data, settings, train, cache=cache)


def fit_pruned(model, data, schedule, *, epochs=article.EPOCHS, batch_size=article.BATCH_SIZE,
               learning_rate=article.LEARNING_RATE, seed=article.SEED, task="regression", callbacks=(),
               summaries=False, progress=True, cache=True, block_size=(1, 1), sparsity_m_by_n=None):
    """Train a copy of ``model`` wrapped by tfmot's ``prune_low_magnitude`` under ``schedule``.

    ``schedule`` is one schedule for every layer, or ``{layer name: schedule}`` to prune only
    those layers, each on its own schedule (:func:`wrap_for_pruning`).

    The same training as :func:`fit_baseline`, plus tfmot's ``UpdatePruningStep``
    callback. Before training, :func:`prunebook.schedules.warn_if_short` warns
    if the run ends before the schedule does. ``callbacks`` are extra Keras
    callbacks; passing any turns the cache off. ``summaries=True`` adds tfmot's
    ``PruningSummaries`` callback, whose TensorBoard logs are kept (in the cache
    entry when caching, else in a temporary folder that lives as long as the Run)
    and named by ``Run.log_dir``.

    ``block_size`` (e.g. ``(4, 1)``) and ``sparsity_m_by_n`` (e.g. ``(2, 4)``) are
    ``prune_low_magnitude``'s options of structure (:func:`wrap_for_pruning`); with
    ``sparsity_m_by_n``, tfmot sets the pattern once, at step 1, whatever the schedule says.

    ``model`` may be untrained (a run from the same initial weights as a baseline) or
    already trained: the article's own pruned run wraps its trained baseline, so the pruned
    fit continues from the trained weights with a fresh Adam and tfmot's step counter at 0.

    Returns
    -------
    Run
        The trained model with its pruning wrappers stripped
        (``tfmot.sparsity.keras.strip_pruning``), and its history. ``model`` is not changed.
    """
    settings = _settings(data, epochs, batch_size, learning_rate, seed, task)
    structure = {"block_size": block_size, "sparsity_m_by_n": sparsity_m_by_n}
    key = pruned_settings(schedule, **settings, **structure)
    for one in schedule.values() if isinstance(schedule, dict) else (schedule,):
        warn_if_short(one, n_samples=len(data[0]), batch_size=batch_size, epochs=epochs)
    if summaries:
        key["summaries"] = True

    def train(folder):
        import tensorflow_model_optimization as tfmot

        sparsity = tfmot.sparsity.keras
        wrapped = wrap_for_pruning(_copy(model), schedule, **structure)
        extra = [sparsity.UpdatePruningStep(), *callbacks]
        log_dir = folder / "logs" if summaries else None
        if summaries:
            extra.append(sparsity.PruningSummaries(log_dir=str(log_dir)))
        history = _fit(wrapped, data, progress=progress, callbacks=extra, **settings)
        return Run(sparsity.strip_pruning(wrapped), history, log_dir)

    return cached_run("pruned", model, data, key, train, cache=cache and not callbacks)


def _mask_keeper(masks):
    """A Keras callback that multiplies the kernels by fixed masks after every batch."""
    k = keras()

    class MaskKeeper(k.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self._pairs = [(layer.kernel, mask) for layer, mask in zip(kernel_layers(self.model), masks)]
            self._apply()

        def on_train_batch_end(self, batch, logs=None):
            self._apply()

        def _apply(self):
            for kernel, mask in self._pairs:
                kernel.assign(kernel * mask)

    return MaskKeeper()


def fit_masked(model, masks, data, *, epochs=10, batch_size=article.BATCH_SIZE,
               learning_rate=article.LEARNING_RATE, seed=article.SEED, task="regression", progress=True):
    """Fine-tune a copy of ``model`` while keeping the weights outside ``masks`` at zero.

    After every batch the kernels are multiplied by their masks, so a pruned
    weight stays pruned whatever the optimizer does. Not cached. Returns a
    :class:`~prunebook.history.Run` with the fine-tuned copy; ``model`` is not changed.
    """
    settings = _settings(data, epochs, batch_size, learning_rate, seed, task)
    n_kernels = len(kernel_layers(model))
    if len(masks) != n_kernels:
        raise ValueError(f"masks must hold one mask per kernel ({n_kernels}), got {len(masks)}")
    copy = _copy(model)
    return Run(copy, _fit(copy, data, callbacks=[_mask_keeper(masks)], progress=progress, **settings))
