"""Reference curves from a full-scale run, shipped with the package.

A chapter compares its fresh curves with these. The comparison works on the
overlap, so a quick-scale run (fewer epochs) is checked on its first epochs.
"""
import json
from importlib import resources

import numpy as np

from prunebook.history import History


def load_reference(name):
    """The reference histories stored as ``reference/<name>.json``: ``{run: History}``."""
    path = resources.files("prunebook") / "reference" / f"{name}.json"
    if not path.is_file():
        raise ValueError(f"no reference named {name!r} in prunebook/reference/")
    return {run: History(**record) for run, record in json.loads(path.read_text()).items()}


def write_reference(path, histories):
    """Write ``{run: History}`` as a reference file (losses only; seconds vary)."""
    records = {run: {"loss": h.loss, "val_loss": h.val_loss, "sparsity": h.sparsity,
                     "seconds": [0.0] * h.epochs} for run, h in histories.items()}
    with open(path, "w") as out:
        json.dump(records, out, indent=1)


def log_deviation(history, reference, column="val_loss"):
    """Largest |log10(fresh) - log10(reference)| over the epochs both have.

    A value of 0.02 means the curves never differ by more than 4.7 % (10**0.02).
    """
    fresh = np.asarray(getattr(history, column))
    ref = np.asarray(getattr(reference, column))
    n = min(len(fresh), len(ref))
    if n == 0:
        raise ValueError("history and reference must have at least one epoch in common")
    return float(np.max(np.abs(np.log10(fresh[:n]) - np.log10(ref[:n]))))


def assert_close_to_reference(history, reference, *, tolerance, columns=("loss", "val_loss")):
    """Raise AssertionError when a curve departs from the reference by more than ``tolerance`` (log10 units)."""
    if not tolerance > 0:
        raise ValueError(f"tolerance must be > 0 (log10 units), got {tolerance!r}")
    for column in columns:
        dev = log_deviation(history, reference, column)
        if dev > tolerance:
            raise AssertionError(
                f"{column} departs from the reference by {dev:.4f} log10 units "
                f"(a factor {10 ** dev:.3f}), more than the tolerance {tolerance}")
    return True
