"""The training cache: each trained run is stored once, keyed by everything that produced it.

A run's key is a digest of

- its kind (``"baseline"``, ``"pruned"``) and settings (epochs, batch size, learning rate,
  seed, schedule, ...);
- its data, and the model's configuration and initial weights;
- the versions of TensorFlow and prunebook;
- the source code of the modules that train (:data:`TRAINING_MODULES`), so that after a
  change to the training code every key changes and the next call trains again, rather than
  returning curves the old code made. Modules that only read or show results (plots,
  deploy, exercises, ...) are left out: changing them keeps the cache.

An entry is a folder ``<cache>/<key>/`` holding ``model.keras``, ``history.json`` and, when
the run kept them, ``logs/``. It is written into a temporary folder beside it and renamed into
place in one step (``os.replace``), so nobody ever reads half an entry, and two processes that
train the same key at once leave one whole entry. An entry that cannot be read (truncated or
corrupted) is moved aside and trained again, with a :class:`CacheWarning`.

Where: ``PRUNEBOOK_CACHE`` (:func:`prunebook.config.cache_dir`; ``off`` turns the cache off),
by default ``_cache/`` at the top of the book's repository; ``make clean-cache`` empties it.
"""
import hashlib
import importlib.util
import json
import os
import shutil
import tempfile
import warnings
from pathlib import Path

import numpy as np

import prunebook
from prunebook import config
from prunebook._keras import keras
from prunebook.history import History, Run

#: The modules whose source is part of every key: those whose code decides what a run learns
#: and records (the training loop, the schedules given to tfmot, the sparsity recorded each epoch,
#: the history's format, the Keras switch) and this module, which writes and reads the entries.
TRAINING_MODULES = ("prunebook.training", "prunebook.cache", "prunebook.history", "prunebook.schedules",
                    "prunebook.sparsity", "prunebook._keras")
MODEL_FILE, HISTORY_FILE, LOGS = "model.keras", "history.json", "logs"


class CacheWarning(UserWarning):
    """A cache entry could not be read; the run is trained again."""


def code_digest(modules=None):
    """A digest of the source files of ``modules`` (default: :data:`TRAINING_MODULES`)."""
    digest = hashlib.sha256()
    for name in TRAINING_MODULES if modules is None else modules:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.origin or not os.path.isfile(spec.origin):
            raise ValueError(f"modules must name importable modules with a source file, got {name!r}")
        digest.update(name.encode() + b"\0" + Path(spec.origin).read_bytes() + b"\0")
    return digest.hexdigest()


def cache_key(kind, model, data, settings):
    """A digest of everything that determines a run's result (see the module's docstring)."""
    import tensorflow as tf

    arrays = hashlib.sha256()
    for array in (*data, *model.get_weights()):
        arrays.update(np.ascontiguousarray(array).tobytes())
    payload = {"kind": kind, "model": model.get_config(), "arrays": arrays.hexdigest(),
               "settings": settings, "tensorflow": tf.__version__, "prunebook": prunebook.__version__,
               "code": code_digest()}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _read(entry):
    """The Run stored in ``entry``; raises whatever reading a damaged entry raises."""
    history = History.from_json((entry / HISTORY_FILE).read_text())
    model = keras().models.load_model(entry / MODEL_FILE, compile=False)
    logs = entry / LOGS
    return Run(model, history, logs if logs.is_dir() else None)


def _set_aside(entry):
    """Move a damaged entry out of the way (one atomic rename), then delete it."""
    trash = Path(tempfile.mkdtemp(prefix=f".damaged-{entry.name}-", dir=entry.parent))
    try:
        os.replace(entry, trash / entry.name)
    except FileNotFoundError:  # another process set it aside first
        pass
    shutil.rmtree(trash, ignore_errors=True)


def _uncached(train):
    """Train in a temporary folder that lives only as long as the files in it are needed."""
    files = tempfile.TemporaryDirectory(prefix="prunebook-run-")
    run = train(Path(files.name))
    if run.log_dir is None:
        files.cleanup()
    else:  # the logs stay readable while the Run lives; the folder goes with it
        run._files = files
    return run


def cached_run(kind, model, data, settings, train, *, cache=True):
    """The run of ``train(folder)``, trained once per key and read back from the cache after.

    Parameters
    ----------
    kind : str
        What trains (``"baseline"``, ``"pruned"``); part of the key.
    model, data, settings
        The untrained model, the data and the settings of the run; part of the key.
    train : callable
        ``train(folder) -> Run``; ``folder`` is where the run may write files (e.g. ``logs/``).
    cache : bool
        False (or ``PRUNEBOOK_CACHE=off``) trains without reading or writing the cache and
        leaves no folder behind once the returned Run is gone.
    """
    root = config.cache_dir() if cache else None
    if root is None:
        return _uncached(train)
    key = cache_key(kind, model, data, settings)
    entry = root / key
    if entry.exists():
        try:
            return _read(entry)
        except Exception as err:  # noqa: BLE001  (any damage: truncated zip, bad JSON, missing file)
            warnings.warn(f"The cached run {entry} could not be read ({type(err).__name__}: {err}); "
                          "training it again.", CacheWarning, stacklevel=3)
            _set_aside(entry)
    root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".writing-{key}-", dir=root))
    try:
        run = train(work)
        run.model.save(work / MODEL_FILE)
        (work / HISTORY_FILE).write_text(run.history.to_json())
        try:
            os.replace(work, entry)
        except OSError:  # another process stored this key first: keep its entry
            if not (entry / HISTORY_FILE).exists():
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if run.log_dir is not None:
        run.log_dir = entry / LOGS
    return run
