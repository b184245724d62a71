"""Per-layer sensitivity: prune one layer at a time, and share a sparsity budget between layers.

- :func:`layer_scan` prunes each layer with a kernel on its own, to each sparsity, with the
  book's magnitude mask (:func:`prunebook.magnitude.magnitude_mask`, tfmot's rule), no
  fine-tuning, and measures the accuracy.
- :func:`choose_sparsities` turns a scan into per-layer sparsities that reach an overall
  sparsity of the kernels, giving each weight removed to the layer where it costs least.
- :func:`global_sparsities` gives the per-layer sparsities that one magnitude threshold over
  all kernels would set (global magnitude pruning), for comparison.
"""
import numpy as np
import pandas as pd

from prunebook.magnitude import apply_masks, global_masks, magnitude_mask
from prunebook.sparsity import kept_count, kernel_layers, kernels_of
from prunebook.validation import require_sparsity


def layer_scan(model, x, y, sparsities, *, accuracy):
    """Accuracy of ``model`` with one layer pruned at a time, for each of ``sparsities``.

    Parameters
    ----------
    model : tf_keras.Model
        A trained model (not changed).
    x, y : array
        The data the accuracy is measured on (a validation set: the scan chooses sparsities).
    sparsities : sequence of float
        Sparsities in [0, 1) to prune each layer to.
    accuracy : callable
        ``accuracy(model, x, y) -> float``, e.g. :func:`prunebook.classifiers.accuracy_on`.

    Returns
    -------
    pandas.DataFrame
        One row a layer and sparsity: ``layer``, ``weights`` (of its kernel), ``sparsity``,
        ``accuracy``; plus one row a layer at sparsity 0 (the unpruned model).
    """
    if len(sparsities) == 0:
        raise ValueError("sparsities must hold at least one sparsity")
    for s in sparsities:
        require_sparsity(s, "sparsities (each)")
    kernels = kernels_of(model)
    names = [layer.name for layer in kernel_layers(model)]
    base = accuracy(model, x, y)
    rows = []
    for i, name in enumerate(names):
        rows.append({"layer": name, "weights": kernels[i].size, "sparsity": 0.0, "accuracy": base})
        for s in sparsities:
            masks = [magnitude_mask(k, s) if j == i else np.ones_like(k)
                     for j, k in enumerate(kernels)]
            rows.append({"layer": name, "weights": kernels[i].size, "sparsity": float(s),
                         "accuracy": accuracy(apply_masks(model, masks), x, y)})
    return pd.DataFrame(rows)


def _overall(chosen, sizes):
    kept = sum(kept_count(sizes[name], s) if s > 0 else sizes[name] for name, s in chosen.items())
    return 1 - kept / sum(sizes.values())


def choose_sparsities(scan, target):
    """Per-layer sparsities from ``scan`` (:func:`layer_scan`, or its mean over seeds) whose
    overall kernel sparsity reaches ``target``.

    Greedy: every layer starts unpruned; at each step, of the moves that take one layer to its
    next sparsity in the scan, take the one that loses the least accuracy per weight removed
    (losses measured one layer at a time, so they are assumed to add up). The move that would
    pass ``target`` goes only part of the way: that layer gets the sparsity at which the
    overall sparsity (tfmot's kept counts) is ``target``, so allocations of one target can be
    compared at exactly the same number of weights.

    Returns
    -------
    dict
        ``{layer: sparsity}``: sparsities of the scan, but for the last layer moved (0.0 for a
        layer left dense).
    """
    require_sparsity(target, "target")
    needed = {"layer", "weights", "sparsity", "accuracy"}
    if not needed <= set(scan.columns):
        raise ValueError(f"scan must have the columns {sorted(needed)}, got {sorted(scan.columns)}")
    curves = {name: rows.sort_values("sparsity") for name, rows in scan.groupby("layer", sort=False)}
    sizes = {name: int(rows["weights"].iloc[0]) for name, rows in curves.items()}
    grid = {name: list(rows["sparsity"]) for name, rows in curves.items()}
    acc = {name: dict(zip(rows["sparsity"], rows["accuracy"])) for name, rows in curves.items()}
    chosen = {name: 0.0 for name in curves}
    while _overall(chosen, sizes) < target:
        moves = []
        for name, s in chosen.items():
            later = [t for t in grid[name] if t > s]
            if not later:
                continue
            nxt = later[0]
            removed = sizes[name] * (nxt - s)
            moves.append(((acc[name][s] - acc[name][nxt]) / removed, name, nxt))
        if not moves:
            raise ValueError(f"target {target} is beyond the scan: with every layer at its highest "
                             f"sparsity the kernels are only {_overall(chosen, sizes):.4f} sparse")
        _, name, nxt = min(moves)
        if _overall({**chosen, name: nxt}, sizes) > target:  # part of the way: exactly target
            total = sum(sizes.values())
            others = sum(kept_count(sizes[n], s) if s > 0 else sizes[n]
                         for n, s in chosen.items() if n != name)
            keep = round((1 - target) * total) - others
            chosen[name] = 1 - keep / sizes[name]
            break
        chosen[name] = nxt
    return chosen


def overall_sparsity_of(chosen, kernel_sizes):
    """The overall kernel sparsity of per-layer sparsities ``chosen`` (``{layer: sparsity}``),
    with ``kernel_sizes`` ``{layer: weights}``; a layer at 0.0 keeps every weight."""
    if set(chosen) != set(kernel_sizes):
        raise ValueError("chosen and kernel_sizes must name the same layers")
    return _overall(chosen, {k: int(v) for k, v in kernel_sizes.items()})


def global_sparsities(model, target):
    """``{layer: sparsity}`` that one magnitude threshold over all of ``model``'s kernels sets
    when it prunes ``target`` of them (:func:`prunebook.magnitude.global_masks`)."""
    require_sparsity(target, "target")
    names = [layer.name for layer in kernel_layers(model)]
    masks = global_masks(kernels_of(model), target)
    return {name: float(1 - mask.mean()) for name, mask in zip(names, masks)}


def mean_scan(scans):
    """The mean accuracy over seeds of :func:`layer_scan` tables (a list, one a seed): one row a
    layer and sparsity, the layer order kept, as :func:`choose_sparsities` takes it."""
    if not scans:
        raise ValueError("scans must hold at least one scan")
    together = pd.concat(scans, ignore_index=True)
    return (together.groupby(["layer", "sparsity"], sort=False)
            .agg(weights=("weights", "first"), accuracy=("accuracy", "mean")).reset_index())
