"""Magnitude pruning by hand: masks that keep the largest |w|, layer by layer or globally.

The rule is tfmot's (``pruning_impl.Pruning._update_mask``): for a target
sparsity ``s`` over ``n`` weights, keep ``k = max(round(n * (1 - s)), 1)``
weights, those whose magnitude is at least the k-th largest (so ties at the
threshold are all kept). ``round`` halves to even, in float32, as TensorFlow does.
"""
import numpy as np

from prunebook.validation import check_sparsity


def kept_count(n, sparsity):
    """How many of ``n`` weights tfmot keeps at ``sparsity``: ``round(n * (1 - sparsity))`` in
    float32, as TensorFlow computes it, and never fewer than one."""
    k = np.round(np.float32(n) * (np.float32(1.0) - np.float32(sparsity)))
    return int(max(k, 1))


def _threshold(magnitudes, k):
    """The k-th largest magnitude."""
    return np.partition(magnitudes, magnitudes.size - k)[magnitudes.size - k]


def magnitude_mask(weights, sparsity):
    """The 0/1 mask (same shape and dtype as ``weights``) tfmot computes for one tensor."""
    check_sparsity(sparsity, "sparsity")
    w = np.asarray(weights)
    if w.size == 0:
        raise ValueError("weights must hold at least one value")
    magnitudes = np.abs(w).ravel()
    threshold = _threshold(magnitudes, kept_count(w.size, sparsity))
    return (np.abs(w) >= threshold).astype(w.dtype)


def layerwise_masks(kernels, sparsity):
    """One mask per kernel, each pruned to ``sparsity`` on its own (what tfmot does)."""
    return [magnitude_mask(k, sparsity) for k in kernels]


def global_masks(kernels, sparsity):
    """Masks from one threshold over all kernels together: small layers may lose more or less."""
    check_sparsity(sparsity, "sparsity")
    if not kernels:
        raise ValueError("kernels must hold at least one array")
    magnitudes = np.concatenate([np.abs(np.asarray(k)).ravel() for k in kernels])
    threshold = _threshold(magnitudes, kept_count(magnitudes.size, sparsity))
    return [(np.abs(np.asarray(k)) >= threshold).astype(np.asarray(k).dtype) for k in kernels]


def masks_for(kernels, sparsity, mode):
    """``layerwise_masks`` or ``global_masks``, by name."""
    if mode == "layer-wise":
        return layerwise_masks(kernels, sparsity)
    if mode == "global":
        return global_masks(kernels, sparsity)
    raise ValueError(f"mode must be 'layer-wise' or 'global', got {mode!r}")


def tfmot_mask(weights, sparsity):
    """The mask tfmot's own code computes for ``weights`` at ``sparsity`` (for comparison)."""
    from prunebook._keras import check_legacy_keras

    check_legacy_keras()
    import tensorflow as tf
    import tensorflow_model_optimization as tfmot
    from tensorflow_model_optimization.python.core.sparsity.keras import pruning_impl

    check_sparsity(sparsity, "sparsity")
    w = tf.Variable(np.asarray(weights, dtype=np.float32))
    mask = tf.Variable(tf.ones_like(w))
    threshold = tf.Variable(0.0)
    pruning = pruning_impl.Pruning(
        training_step_fn=lambda: tf.constant(0, tf.int64),
        pruning_vars=[(w, mask, threshold)],
        pruning_schedule=tfmot.sparsity.keras.ConstantSparsity(sparsity, begin_step=0),
        block_size=(1, 1), block_pooling_type="AVG")
    _, new_mask = pruning._update_mask(w)
    return new_mask.numpy()


def kernels_of(model):
    """The kernels of the model's layers that have one, in layer order."""
    return [layer.kernel.numpy() for layer in model.layers if getattr(layer, "kernel", None) is not None]


def apply_masks(model, masks):
    """A copy of ``model`` whose kernels are multiplied by ``masks`` (the original is untouched)."""
    from prunebook._keras import keras

    layers = [layer for layer in model.layers if getattr(layer, "kernel", None) is not None]
    if len(masks) != len(layers):
        raise ValueError(f"masks must hold one mask per kernel ({len(layers)}), got {len(masks)}")
    pruned = keras().models.clone_model(model)
    pruned.set_weights(model.get_weights())
    for layer, mask in zip([l for l in pruned.layers if getattr(l, "kernel", None) is not None], masks):
        if mask.shape != tuple(layer.kernel.shape):
            raise ValueError(f"mask shape {mask.shape} does not match kernel {tuple(layer.kernel.shape)} of {layer.name}")
        layer.kernel.assign(layer.kernel.numpy() * mask)
    return pruned


def mse(model, x, y, *, batch_size=1024):
    """Mean squared error of ``model`` on (x, y), as Keras' "mse" loss computes it."""
    x = np.asarray(x, dtype=np.float32)
    # call the model directly on batches: Model.predict would retrace a tf.function for every new copy
    predictions = np.concatenate([model(x[i:i + batch_size], training=False).numpy().reshape(-1)
                                  for i in range(0, len(x), batch_size)])
    return float(np.mean((predictions - np.asarray(y).reshape(-1)) ** 2))


def one_shot_curve(model, x, y, sparsities, *, mode="layer-wise"):
    """MSE on (x, y) after pruning ``model`` to each sparsity in one shot, without retraining."""
    kernels = kernels_of(model)
    return [mse(apply_masks(model, masks_for(kernels, s, mode)), x, y) for s in sparsities]
