"""How sparse a model is: which layers have kernels, how many weights tfmot keeps, reports.

tfmot prunes kernels only (never biases). Every helper here reads a model through
tfmot's pruning wrappers, so a wrapped model and a stripped one give the same answers.
"""
import numpy as np
import pandas as pd

from prunebook.validation import require_sparsity


def _unwrap(layer):
    """The layer inside a tfmot pruning wrapper, or the layer itself."""
    return getattr(layer, "layer", layer)


def kernel_layers(model):
    """The layers of ``model`` that have a kernel, in order, looked up inside pruning wrappers.

    Returns
    -------
    list of tf_keras layers
        Each has ``.kernel`` (and, for Dense layers, ``.bias``); empty when none has a kernel.
    """
    return [inner for inner in map(_unwrap, model.layers) if getattr(inner, "kernel", None) is not None]


def kernels_of(model):
    """The kernels of :func:`kernel_layers` as NumPy arrays, in layer order."""
    return [np.asarray(layer.kernel.numpy()) for layer in kernel_layers(model)]


def kept_count(n_weights, sparsity):
    """How many of ``n_weights`` weights tfmot keeps when it prunes a tensor to ``sparsity``.

    tfmot's rule (``pruning_impl.Pruning._update_mask``): ``max(round(n * (1 - s)), 1)``, with
    ``round`` halving to even in float32, as TensorFlow computes it. ``n_weights`` and
    ``sparsity`` may be numbers (returns an int) or arrays that broadcast (returns an int64 array).
    """
    n, s = np.asarray(n_weights), np.asarray(sparsity)
    if not np.issubdtype(n.dtype, np.integer) or np.any(n < 1):
        raise ValueError(f"n_weights must be a positive integer or an array of them, got {n_weights!r}")
    if s.ndim == 0:
        require_sparsity(sparsity if isinstance(sparsity, (int, float)) else s.item(), "sparsity")
    elif not np.issubdtype(s.dtype, np.floating) or not np.all((s >= 0) & (s < 1)):
        raise ValueError(f"sparsity must hold sparsities in [0, 1), got {sparsity!r}")
    kept = np.maximum(np.round(n.astype(np.float32) * (np.float32(1.0) - s.astype(np.float32))), 1)
    kept = kept.astype(np.int64)
    return int(kept) if kept.ndim == 0 else kept


def reached_kernel_sparsity(n_weights, sparsity):
    """The sparsity a kernel of ``n_weights`` weights holds after tfmot prunes it to ``sparsity``:
    ``1 - kept_count(n, s) / n``, a little off ``sparsity`` because counts are whole."""
    return 1 - kept_count(n_weights, sparsity) / np.asarray(n_weights)


def kernel_sparsity(model):
    """Fraction of exactly-zero entries over all kernels of ``model``."""
    kernels = kernels_of(model)
    if not kernels:
        raise ValueError("model has no layer with a kernel")
    zeros = sum(int(np.count_nonzero(k == 0)) for k in kernels)
    return zeros / sum(k.size for k in kernels)


def sparsity_report(model):
    """A table of each layer's weights: parameters, zeros and sparsity.

    Kernels and biases are listed apart, since tfmot prunes kernels only.
    The last row, ``all``, counts every weight of the model. Pass a model
    after ``tfmot.sparsity.keras.strip_pruning``; a wrapped model is read
    through its wrappers (its masks are applied at each epoch's end).
    """
    rows = []
    for inner in map(_unwrap, model.layers):
        for weight in inner.trainable_weights:
            values = np.asarray(weight.numpy())
            kind = weight.name.split("/")[-1].split(":")[0]
            zeros = int(np.count_nonzero(values == 0))
            rows.append({"layer": inner.name, "weight": kind, "shape": "x".join(map(str, values.shape)),
                         "params": values.size, "zeros": zeros, "sparsity": zeros / values.size})
    if not rows:
        raise ValueError("model has no trainable weights")
    frame = pd.DataFrame(rows)
    total = {"layer": "all", "weight": "", "shape": "", "params": int(frame.params.sum()),
             "zeros": int(frame.zeros.sum())}
    total["sparsity"] = total["zeros"] / total["params"]
    return pd.concat([frame, pd.DataFrame([total])], ignore_index=True)


def nonzero_params(model):
    """Non-zero weights of ``model``, biases included."""
    total = sparsity_report(model).iloc[-1]
    return int(total.params - total.zeros)
