"""Figures the chapters show."""
import matplotlib.pyplot as plt
import numpy as np

from prunebook.sparsity import kernel_layers
from prunebook.validation import require_positive_int


def plot_curves(histories, *, ax=None, title=None):
    """Loss and validation loss of several runs on one log-scale figure.

    Parameters
    ----------
    histories : dict
        ``{label: History}``, e.g. ``{"baseline": ..., "pruned": ...}``.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    if not histories:
        raise ValueError("histories must name at least one run")
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.5))
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for (label, history), color in zip(histories.items(), colors):
        epochs = np.arange(1, history.epochs + 1)
        ax.plot(epochs, history.loss, color=color, linestyle="--", label=f"{label}: loss (training)")
        ax.plot(epochs, history.val_loss, color=color, label=f"{label}: val_loss (validation)")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean squared error (scaled target, log scale)")
    if title:
        ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    return ax


def plot_schedule(schedule, *, last_step, ax=None):
    """The formula's target sparsity and tfmot's staircase, over steps 1..last_step.

    The steps run on to the schedule's ``end_step`` when it comes after ``last_step`` (the
    run ends before the ramp); a schedule without an end (``ConstantSchedule(end_step=None)``)
    is drawn up to ``last_step``.
    """
    last_step = require_positive_int(last_step, "last_step")
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4))
    steps = np.arange(1, max(last_step, schedule.end_step or 0) + 1)
    ax.plot(steps, schedule.target(steps), label="formula (target sparsity)")
    ax.step(steps, schedule.mask_sparsity(steps), where="post",
            label=f"mask (updated every {schedule.frequency} steps)")
    ax.axvline(last_step, color="black", linestyle=":", label=f"training ends (step {last_step})")
    ax.set_xlabel("training step")
    ax.set_ylabel("sparsity (fraction of kernel weights set to zero)")
    ax.grid(True, alpha=0.3)
    ax.legend()
    return ax


def plot_weight_histograms(model, *, bins=200, axes=None):
    """One histogram per kernel of ``model`` (log-scaled counts), zeros included."""
    layers = kernel_layers(model)
    if not layers:
        raise ValueError("model has no layer with a kernel")
    if axes is None:
        _, axes = plt.subplots(1, len(layers), figsize=(4.2 * len(layers), 3.4))
    axes = np.atleast_1d(axes)
    if len(axes) != len(layers):
        raise ValueError(f"axes must hold one axis per kernel ({len(layers)}), got {len(axes)}")
    for ax, layer in zip(axes, layers):
        values = layer.kernel.numpy().ravel()
        ax.hist(values, bins=bins, color="tab:blue")
        ax.set_yscale("log")
        ax.set_title(f"{layer.name}: {values.size:,} weights")
        ax.set_xlabel("weight value")
        ax.set_ylabel("count (log scale)")
    return axes
