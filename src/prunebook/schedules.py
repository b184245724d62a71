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
    require_fraction, require_nonnegative_int, require_positive_float, require_positive_int,
    require_sparsity)


class ScheduleWarning(UserWarning):
    """The training run ends before the schedule reaches its final sparsity."""


class Schedule:
    """What tfmot's schedules share: the update steps and the sparsity the mask holds."""

    def _last(self):
        return self.end_step if self.end_step is not None else np.iinfo(np.int64).max

    def is_update_step(self, step):
        """Whether tfmot recomputes the mask at ``step`` (scalar or array)."""
        step = np.asarray(step)
        ok = ((step >= self.begin_step) & (step <= self._last())
              & ((step - self.begin_step) % self.frequency == 0))
        return ok[()] if ok.ndim == 0 else ok

    def last_update_step(self, step):
        """The last mask update at or before ``step``, or -1 when there is none yet."""
        step = np.asarray(step, dtype=np.int64)
        last = np.minimum(step, self._last())
        last = last - (last - self.begin_step) % self.frequency
        last = np.where(step < self.begin_step, -1, last)
        return last[()] if last.ndim == 0 else last

    def mask_sparsity(self, step):
        """The sparsity the weights hold after ``step``: the staircase tfmot follows."""
        last = np.asarray(self.last_update_step(step))
        s = np.where(last < 0, 0.0, self.target(np.maximum(last, 0)))
        return s[()] if s.ndim == 0 else s

    def _tfmot(self):
        from prunebook._keras import raise_if_keras_3

        raise_if_keras_3()
        import tensorflow_model_optimization as tfmot

        return tfmot


@dataclass(frozen=True)
class PolynomialSchedule(Schedule):
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
        require_sparsity(self.initial_sparsity, "initial_sparsity")
        require_sparsity(self.final_sparsity, "final_sparsity")
        require_nonnegative_int(self.begin_step, "begin_step")
        require_nonnegative_int(self.end_step, "end_step")
        if self.end_step <= self.begin_step:
            raise ValueError(
                f"end_step must be greater than begin_step={self.begin_step}, got {self.end_step}")
        require_positive_float(self.power, "power")
        require_positive_int(self.frequency, "frequency")

    def target(self, step):
        """The formula's sparsity at ``step`` (scalar or array), ignoring ``frequency``."""
        step = np.asarray(step, dtype=np.float64)
        p = np.clip((step - self.begin_step) / (self.end_step - self.begin_step), 0.0, 1.0)
        s = self.final_sparsity + (self.initial_sparsity - self.final_sparsity) * (1.0 - p) ** self.power
        return s[()] if s.ndim == 0 else s

    def to_tfmot(self):
        """The equivalent ``tfmot.sparsity.keras.PolynomialDecay``."""
        return self._tfmot().sparsity.keras.PolynomialDecay(
            initial_sparsity=self.initial_sparsity, final_sparsity=self.final_sparsity,
            begin_step=self.begin_step, end_step=self.end_step,
            power=self.power, frequency=self.frequency)


@dataclass(frozen=True)
class ConstantSchedule(Schedule):
    """tfmot's ``ConstantSparsity``: one target sparsity, applied every ``frequency`` steps.

    ``end_step=None`` (tfmot's -1) keeps pruning until training ends.
    """

    target_sparsity: float
    begin_step: int
    end_step: int = None
    frequency: int = 100

    def __post_init__(self):
        require_sparsity(self.target_sparsity, "target_sparsity")
        require_nonnegative_int(self.begin_step, "begin_step")
        if self.end_step is not None:
            require_nonnegative_int(self.end_step, "end_step")
            if self.end_step <= self.begin_step:
                raise ValueError(
                    f"end_step must be greater than begin_step={self.begin_step} (or None), "
                    f"got {self.end_step}")
        require_positive_int(self.frequency, "frequency")

    @property
    def final_sparsity(self):
        return self.target_sparsity

    def target(self, step):
        """``target_sparsity`` at every step (scalar or array)."""
        s = np.full(np.shape(step), self.target_sparsity, dtype=np.float64)
        return s[()] if s.ndim == 0 else s

    def to_tfmot(self):
        """The equivalent ``tfmot.sparsity.keras.ConstantSparsity``."""
        return self._tfmot().sparsity.keras.ConstantSparsity(
            target_sparsity=self.target_sparsity, begin_step=self.begin_step,
            end_step=-1 if self.end_step is None else self.end_step, frequency=self.frequency)


def steps_per_epoch(n_samples, batch_size, validation_split=0.0):
    """Optimizer steps in one epoch: ``ceil(n_train / batch_size)``.

    With Keras' ``validation_split``, the last ``floor(n_samples * validation_split)``
    rows are held out (Keras keeps ``floor(n_samples * (1 - validation_split))`` for training).
    """
    require_positive_int(n_samples, "n_samples")
    require_positive_int(batch_size, "batch_size")
    require_fraction(validation_split, "validation_split")
    n_train = int(math.floor(n_samples * (1.0 - validation_split)))
    if n_train < 1:
        raise ValueError(f"validation_split={validation_split} leaves no training rows of {n_samples}")
    return math.ceil(n_train / batch_size)


def total_steps(n_samples, batch_size, epochs, validation_split=0.0):
    """Optimizer steps in a run; tfmot numbers them 1 to this value."""
    require_positive_int(epochs, "epochs")
    return steps_per_epoch(n_samples, batch_size, validation_split) * epochs


def reached_sparsity(schedule, *, n_samples, batch_size, epochs, validation_split=0.0):
    """The sparsity the weights hold when a run of these settings ends."""
    return float(schedule.mask_sparsity(total_steps(n_samples, batch_size, epochs, validation_split)))


def warn_if_short(schedule, *, n_samples, batch_size, epochs, validation_split=0.0):
    """Warn (:class:`ScheduleWarning`) when a run stops short of the schedule's final sparsity.

    The warning is about the reader's settings, not a line of code, so it is issued at the
    location ``prunebook.schedules:0`` rather than at a file path that differs on every
    machine; Python's standard formatting then prints one line,
    ``prunebook.schedules:0: ScheduleWarning: This run reaches sparsity ...``, and the usual
    warning filters apply (e.g. ``ignore::prunebook.schedules.ScheduleWarning``).

    Returns the sparsity the run reaches.
    """
    last = total_steps(n_samples, batch_size, epochs, validation_split)
    reached = float(schedule.mask_sparsity(last))
    if reached < schedule.final_sparsity:
        if last < schedule.begin_step:
            why = f"training stops at step {last}, before begin_step={schedule.begin_step}"
        elif schedule.end_step is not None and last < schedule.end_step:
            why = f"training stops at step {last}, before end_step={schedule.end_step}"
        else:
            why = (f"the last mask update falls on step {int(schedule.last_update_step(last))}, "
                   f"since end_step - begin_step is not a multiple of frequency={schedule.frequency}")
        message = (f"This run reaches sparsity {reached:.4f}, not final_sparsity="
                   f"{schedule.final_sparsity}: {why} ({epochs} epochs x "
                   f"{steps_per_epoch(n_samples, batch_size, validation_split)} steps of batch "
                   f"{batch_size}).")
        warnings.warn_explicit(message, ScheduleWarning, filename=__name__, lineno=0, module=__name__)
    return reached
