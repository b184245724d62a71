"""Train the article's model with and without pruning; return a plain History.

Both functions seed everything and switch on TensorFlow's op determinism, so a
second run on the same machine gives the same curves. Progress is one compact
tqdm bar, never a Keras log line an epoch. Results are cached on disk, keyed
by every setting that produced them (see :mod:`prunebook.config`).
"""
import hashlib
import json
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

import prunebook
from prunebook import config
from prunebook._keras import keras
from prunebook.history import History
from prunebook.report import kernel_sparsity
from prunebook.schedules import Schedule, check_schedule
from prunebook.validation import check_nonnegative_int, check_positive_float, check_positive_int


@dataclass
class Run:
    """A trained model (pruning wrappers stripped), its history, and where its logs are (if any)."""

    model: object
    history: History
    log_dir: object = None


def set_determinism(seed):
    """Seed Python, NumPy and TensorFlow, and make TensorFlow ops deterministic."""
    import tensorflow as tf

    keras().utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()


def _epoch_recorder(history):
    """A Keras callback that appends each epoch's figures to ``history``."""
    k = keras()

    class EpochRecorder(k.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self._start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            seconds = time.perf_counter() - self._start
            history.append(loss=logs["loss"], val_loss=logs["val_loss"],
                           sparsity=kernel_sparsity(self.model), seconds=seconds)

    return EpochRecorder()


def _progress(epochs):
    """One text progress bar over the epochs (no bar per batch)."""
    import warnings

    from tqdm import TqdmWarning
    from tqdm.std import tqdm

    with warnings.catch_warnings():  # tqdm.keras imports tqdm.auto, which asks for ipywidgets
        warnings.simplefilter("ignore", TqdmWarning)
        from tqdm.keras import TqdmCallback

    return TqdmCallback(epochs=epochs, verbose=0, tqdm_class=tqdm, file=sys.stderr,
                        ncols=80, mininterval=10.0, ascii=True)


def _check_settings(data, epochs, batch_size, learning_rate, seed):
    if not (isinstance(data, (tuple, list)) and len(data) == 4):
        raise ValueError("data must be the 4-tuple (x_train, x_val, y_train, y_val)")
    check_positive_int(epochs, "epochs")
    check_positive_int(batch_size, "batch_size")
    check_positive_float(learning_rate, "learning_rate")
    check_nonnegative_int(seed, "seed")


def _cache_key(kind, model, data, settings):
    """A digest of everything that determines a run's result."""
    import tensorflow as tf

    digest = hashlib.sha256()
    for array in (*data, *model.get_weights()):
        digest.update(np.ascontiguousarray(array).tobytes())
    payload = {"kind": kind, "model": model.get_config(), "arrays": digest.hexdigest(),
               "settings": settings, "tensorflow": tf.__version__,
               "prunebook": prunebook.__version__}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _cached(kind, model, data, settings, train, cache):
    """``train(folder)`` once per settings; ``folder`` holds the run's files (e.g. logs)."""
    folder = config.cache_dir() if cache else None
    if folder is None:
        return train(Path(tempfile.mkdtemp(prefix="prunebook-")))
    entry = folder / _cache_key(kind, model, data, settings)
    if (entry / "history.json").exists():
        loaded = keras().models.load_model(entry / "model.keras", compile=False)
        logs = entry / "logs"
        return Run(loaded, History.from_json((entry / "history.json").read_text()),
                   logs if logs.exists() else None)
    entry.mkdir(parents=True, exist_ok=True)
    run = train(entry)
    run.model.save(entry / "model.keras")
    (entry / "history.json").write_text(run.history.to_json())
    return run


def _fit(model, data, *, epochs, batch_size, learning_rate, callbacks, progress):
    k = keras()
    x_train, x_val, y_train, y_val = data
    model.compile(loss="mse", optimizer=k.optimizers.Adam(learning_rate=learning_rate))
    history = History()
    callbacks = [*callbacks, _epoch_recorder(history)]
    if progress:
        callbacks.append(_progress(epochs))
    model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=epochs,
              batch_size=batch_size, callbacks=callbacks, verbose=0)
    return history


def fit_baseline(model, data, *, epochs=200, batch_size=1024, learning_rate=1e-3, seed=0,
                 progress=True, cache=True):
    """Train ``model`` as the article does: MSE loss, Adam, validation each epoch.

    Parameters
    ----------
    model : tf_keras.Model
        An uncompiled model, e.g. :func:`prunebook.models.article_mlp`.
    data : tuple
        ``(x_train, x_val, y_train, y_val)``, e.g. :func:`prunebook.data.article_data`.
    epochs, batch_size : int
        Positive integers (article: 200 and 1024).
    learning_rate : float
        Adam's learning rate, > 0 (article: 0.001).
    seed : int
        Seed of the shuffling (and every other random op) during training.
    progress : bool
        Show one tqdm bar over the epochs.
    cache : bool
        Reuse a cached result of the same settings, or store this one.

    Returns
    -------
    Run
        The trained model and its :class:`~prunebook.history.History`.
    """
    _check_settings(data, epochs, batch_size, learning_rate, seed)
    settings = {"epochs": epochs, "batch_size": batch_size, "learning_rate": learning_rate,
                "seed": seed}

    def train(folder):
        set_determinism(seed)
        history = _fit(model, data, epochs=epochs, batch_size=batch_size,
                       learning_rate=learning_rate, callbacks=[], progress=progress)
        return Run(model, history)

    return _cached("baseline", model, data, settings, train, cache)


def fit_pruned(model, data, schedule, *, epochs=200, batch_size=1024, learning_rate=1e-3,
               seed=0, callbacks=(), summaries=False, progress=True, cache=True):
    """Train ``model`` wrapped by tfmot's ``prune_low_magnitude`` under ``schedule``.

    The same training as :func:`fit_baseline`, plus tfmot's ``UpdatePruningStep``
    callback. Before training, :func:`prunebook.schedules.check_schedule` warns
    if the run ends before the schedule does. ``callbacks`` are extra Keras
    callbacks; passing any turns the cache off. ``summaries=True`` adds tfmot's
    ``PruningSummaries`` callback, whose TensorBoard logs are kept (in the cache
    entry when caching) and named by ``Run.log_dir``.

    Returns
    -------
    Run
        The trained model with its pruning wrappers stripped
        (``tfmot.sparsity.keras.strip_pruning``), and its history.
    """
    if not isinstance(schedule, Schedule):
        raise ValueError("schedule must be a prunebook.schedules.PolynomialSchedule or ConstantSchedule")
    _check_settings(data, epochs, batch_size, learning_rate, seed)
    check_schedule(schedule, n_samples=len(data[0]), batch_size=batch_size, epochs=epochs)
    settings = {"epochs": epochs, "batch_size": batch_size, "learning_rate": learning_rate,
                "seed": seed, "schedule": {type(schedule).__name__: asdict(schedule)}}
    if summaries:
        settings["summaries"] = True

    def train(folder):
        import tensorflow_model_optimization as tfmot

        set_determinism(seed)
        wrapped = tfmot.sparsity.keras.prune_low_magnitude(
            model, pruning_schedule=schedule.to_tfmot())
        extra = [tfmot.sparsity.keras.UpdatePruningStep(), *callbacks]
        log_dir = folder / "logs" if summaries else None
        if summaries:
            extra.append(tfmot.sparsity.keras.PruningSummaries(log_dir=str(log_dir)))
        history = _fit(wrapped, data, epochs=epochs, batch_size=batch_size,
                       learning_rate=learning_rate, progress=progress, callbacks=extra)
        return Run(tfmot.sparsity.keras.strip_pruning(wrapped), history, log_dir)

    return _cached("pruned", model, data, settings, train, cache and not callbacks)


def _mask_keeper(masks):
    """A Keras callback that multiplies the kernels by fixed masks after every batch."""
    k = keras()

    class MaskKeeper(k.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self._pairs = [(layer.kernel, mask) for layer, mask in zip(
                [l for l in self.model.layers if getattr(l, "kernel", None) is not None], masks)]
            self._apply()

        def on_train_batch_end(self, batch, logs=None):
            self._apply()

        def _apply(self):
            for kernel, mask in self._pairs:
                kernel.assign(kernel * mask)

    return MaskKeeper()


def fit_masked(model, masks, data, *, epochs=10, batch_size=1024, learning_rate=1e-3, seed=0, progress=True):
    """Fine-tune ``model`` (in place) while keeping the weights outside ``masks`` at zero.

    After every batch the kernels are multiplied by their masks, so a pruned
    weight stays pruned whatever the optimizer does. Returns a :class:`Run`.
    """
    _check_settings(data, epochs, batch_size, learning_rate, seed)
    n_kernels = sum(1 for layer in model.layers if getattr(layer, "kernel", None) is not None)
    if len(masks) != n_kernels:
        raise ValueError(f"masks must hold one mask per kernel ({n_kernels}), got {len(masks)}")
    set_determinism(seed)
    history = _fit(model, data, epochs=epochs, batch_size=batch_size, learning_rate=learning_rate,
                   callbacks=[_mask_keeper(masks)], progress=progress)
    return Run(model, history)
