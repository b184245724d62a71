"""How sparse a model's weights are: per layer and overall."""
import numpy as np
import pandas as pd


def _unwrap(layer):
    """The layer inside a tfmot pruning wrapper, or the layer itself."""
    return getattr(layer, "layer", layer)


def _kernels(model):
    """(layer name, kernel array) for every layer that has a kernel."""
    out = []
    for layer in model.layers:
        inner = _unwrap(layer)
        kernel = getattr(inner, "kernel", None)
        if kernel is not None:
            out.append((inner.name, np.asarray(kernel.numpy())))
    return out


def kernel_sparsity(model):
    """Fraction of exactly-zero entries over all kernels of ``model``."""
    kernels = _kernels(model)
    if not kernels:
        raise ValueError("model has no layer with a kernel")
    zeros = sum(int(np.count_nonzero(k == 0)) for _, k in kernels)
    return zeros / sum(k.size for _, k in kernels)


def sparsity_report(model):
    """A table of each layer's weights: parameters, zeros and sparsity.

    Kernels and biases are listed apart, since tfmot prunes kernels only.
    The last row, ``all``, counts every weight of the model. Pass a model
    after ``tfmot.sparsity.keras.strip_pruning``; a wrapped model is read
    through its wrappers (its masks are applied at each epoch's end).
    """
    rows = []
    for layer in model.layers:
        inner = _unwrap(layer)
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
