"""The polynomial-decay pruning schedule, written independently of tfmot.

tfmot's ``PolynomialDecay`` (after Zhu & Gupta, 2017) targets, at step ``t``::

    p = clip((t - begin_step) / (end_step - begin_step), 0, 1)
    S = final + (initial - final) * (1 - p) ** power

but the mask only changes on the steps ``t`` with ``begin_step <= t <= end_step``
and ``(t - begin_step) % frequency == 0``; between two such steps the weights
keep the sparsity of the last update, and before ``begin_step`` nothing is
pruned. tfmot counts steps from 1: the first training batch is step 1.
"""
import math
import warnings
from dataclasses import dataclass

import numpy as np

from prunebook.validation import (
    check_nonnegative_int, check_positive_float, check_positive_int, check_sparsity)


class ScheduleWarning(UserWarning):
    """The training run ends before the schedule reaches its final sparsity."""


@dataclass(frozen=True)
class PolynomialSchedule:
    """Settings of a polynomial-decay pruning schedule (tfmot's names and defaults).

    Parameters
    ----------
    initial_sparsity, final_sparsity : float
        Sparsity at ``begin_step`` and from ``end_step`` on, each in [0, 1).
    begin_step, end_step : int
        Steps where the ramp starts and ends; ``0 <= begin_step < end_step``.
    power : float
        Exponent of the decay, > 0 (tfmot's default: 3).
    frequency : int
        The mask is updated every ``frequency`` steps, > 0 (default: 100).
    """

    initial_sparsity: float
    final_sparsity: float
    begin_step: int
    end_step: int
    power: float = 3.0
    frequency: int = 100

    def __post_init__(self):
        check_sparsity(self.initial_sparsity, "initial_sparsity")
        check_sparsity(self.final_sparsity, "final_sparsity")
        check_nonnegative_int(self.begin_step, "begin_step")
        check_nonnegative_int(self.end_step, "end_step")
        if self.end_step <= self.begin_step:
            raise ValueError(
                f"end_step must be greater than begin_step={self.begin_step}, got {self.end_step}")
        check_positive_float(self.power, "power")
        check_positive_int(self.frequency, "frequency")

    def target(self, step):
        """The formula's sparsity at ``step`` (scalar or array), ignoring ``frequency``."""
        step = np.asarray(step, dtype=np.float64)
        p = np.clip((step - self.begin_step) / (self.end_step - self.begin_step), 0.0, 1.0)
        s = self.final_sparsity + (self.initial_sparsity - self.final_sparsity) * (1.0 - p) ** self.power
        return s[()] if s.ndim == 0 else s

    def is_update_step(self, step):
        """Whether tfmot recomputes the mask at ``step`` (scalar or array)."""
        step = np.asarray(step)
        ok = ((step >= self.begin_step) & (step <= self.end_step)
              & ((step - self.begin_step) % self.frequency == 0))
        return ok[()] if ok.ndim == 0 else ok

    def last_update_step(self, step):
        """The last mask update at or before ``step``, or -1 when there is none yet."""
        step = np.asarray(step, dtype=np.int64)
        last = np.minimum(step, self.end_step)
        last = last - (last - self.begin_step) % self.frequency
        last = np.where(step < self.begin_step, -1, last)
        return last[()] if last.ndim == 0 else last

    def mask_sparsity(self, step):
        """The sparsity the weights hold after ``step``: the staircase tfmot follows."""
        last = np.asarray(self.last_update_step(step))
        s = np.where(last < 0, 0.0, self.target(np.maximum(last, 0)))
        return s[()] if s.ndim == 0 else s

    def to_tfmot(self):
        """The equivalent ``tfmot.sparsity.keras.PolynomialDecay``."""
        from prunebook._keras import check_legacy_keras

        check_legacy_keras()
        import tensorflow_model_optimization as tfmot

        return tfmot.sparsity.keras.PolynomialDecay(
            initial_sparsity=self.initial_sparsity, final_sparsity=self.final_sparsity,
            begin_step=self.begin_step, end_step=self.end_step,
            power=self.power, frequency=self.frequency)


def steps_per_epoch(n_samples, batch_size):
    """Optimizer steps in one epoch: ``ceil(n_samples / batch_size)``."""
    check_positive_int(n_samples, "n_samples")
    check_positive_int(batch_size, "batch_size")
    return math.ceil(n_samples / batch_size)


def total_steps(n_samples, batch_size, epochs):
    """Optimizer steps in a run; tfmot numbers them 1 to this value."""
    check_positive_int(epochs, "epochs")
    return steps_per_epoch(n_samples, batch_size) * epochs


def reached_sparsity(schedule, *, n_samples, batch_size, epochs):
    """The sparsity the weights hold when a run of these settings ends."""
    return float(schedule.mask_sparsity(total_steps(n_samples, batch_size, epochs)))


def check_schedule(schedule, *, n_samples, batch_size, epochs):
    """Warn (:class:`ScheduleWarning`) when a run stops short of the final sparsity.

    Returns the sparsity the run reaches.
    """
    last = total_steps(n_samples, batch_size, epochs)
    reached = reached_sparsity(schedule, n_samples=n_samples, batch_size=batch_size, epochs=epochs)
    if reached < schedule.final_sparsity:
        if last < schedule.end_step:
            why = f"training stops at step {last}, before end_step={schedule.end_step}"
        else:
            why = (f"the last mask update falls on step {int(schedule.last_update_step(last))}, "
                   f"since end_step - begin_step is not a multiple of frequency={schedule.frequency}")
        warnings.warn(
            f"This run reaches sparsity {reached:.4f}, not final_sparsity="
            f"{schedule.final_sparsity}: {why} ({epochs} epochs x "
            f"{steps_per_epoch(n_samples, batch_size)} steps of batch {batch_size}).",
            ScheduleWarning, stacklevel=2)
    return reached
