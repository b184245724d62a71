"""Reference curves from full-scale runs, shipped with the package.

A chapter compares its fresh curves with these. The comparison works on the
epochs both have, so a quick-scale run (fewer epochs) is checked on its first
epochs. Runs with other seeds are stored too, to measure how much the curves
move when only the seed changes.
"""
import itertools
import json
from importlib import resources

import numpy as np

from prunebook.history import History
from prunebook.validation import require_int_in, require_positive_float

#: Seeds of the stored runs: seed 0 is the run a chapter shows, the others measure how far
#: the curves move when only the seed changes.
SEEDS = (0, 1, 2)


def run_name(run, seed):
    """The name a reference file stores a run under: ``run`` for seed 0, else ``run_seed<seed>``."""
    return run if seed == 0 else f"{run}_seed{seed}"


def load_reference(name):
    """The reference histories stored as ``reference/<name>.json``: ``{run: History}``."""
    path = resources.files("prunebook") / "reference" / f"{name}.json"
    if not path.is_file():
        raise ValueError(f"no reference named {name!r} in prunebook/reference/")
    return {run: History(**record) for run, record in json.loads(path.read_text()).items()}


def write_reference(path, histories):
    """Write ``{run: History}`` as a reference file (seconds are machine noise: stored as 0)."""
    records = {run: {"loss": h.loss, "val_loss": h.val_loss, "sparsity": h.sparsity,
                     "seconds": [0.0] * h.epochs,
                     **({"val_accuracy": h.val_accuracy} if h.val_accuracy else {})}
               for run, h in histories.items()}
    with open(path, "w") as out:
        json.dump(records, out, indent=1)


def load_scores(name):
    """The numbers stored as ``reference/<name>.json`` by :func:`write_scores`: ``{run: float}``
    (e.g. each run's test accuracy, which a History does not hold)."""
    path = resources.files("prunebook") / "reference" / f"{name}.json"
    if not path.is_file():
        raise ValueError(f"no scores named {name!r} in prunebook/reference/; write them with "
                         "scripts/make_reference.py")
    scores = json.loads(path.read_text())
    if not all(isinstance(v, float) for v in scores.values()):
        raise ValueError(f"prunebook/reference/{name}.json must map run names to numbers")
    return scores


def write_scores(path, scores):
    """Write ``{run: float}`` (sorted by run) for :func:`load_scores`."""
    with open(path, "w") as out:
        json.dump({run: float(scores[run]) for run in sorted(scores)}, out, indent=1)


def log_deviation(history, reference, column="val_loss", *, from_epoch=1):
    """Largest |log10(fresh) - log10(reference)| over the epochs both have, from ``from_epoch`` on.

    A value of 0.02 means the curves never differ by more than a factor 10**0.02 = 1.047.
    """
    fresh = np.asarray(getattr(history, column))
    ref = np.asarray(getattr(reference, column))
    n = min(len(fresh), len(ref))
    require_int_in(from_epoch, "from_epoch (at most the epochs both curves have)", 1, n)
    part = slice(from_epoch - 1, n)
    return float(np.max(np.abs(np.log10(fresh[part]) - np.log10(ref[part]))))


def seed_spread(histories, column="val_loss", *, from_epoch=1):
    """Largest :func:`log_deviation` between any two of ``histories`` (runs that differ by seed only)."""
    if len(histories) < 2:
        raise ValueError("histories must hold at least two runs")
    return max(log_deviation(a, b, column, from_epoch=from_epoch)
               for a, b in itertools.combinations(histories, 2))


def seed_tolerance(reference, runs=("baseline", "pruned"), column="val_loss", *, from_epoch):
    """How far curves move when only the seed changes: the tolerance a fresh run is checked with.

    For each of ``runs``, the :func:`seed_spread` of its stored seeds (:data:`SEEDS`) from
    ``from_epoch`` on; returns the largest, in log10 units.

    Parameters
    ----------
    reference : dict
        ``{name: History}`` as :func:`load_reference` returns it, holding every seed of ``runs``.
    runs : sequence of str
        The runs whose seeds are compared (default: the article's two runs).
    column : str
        ``"val_loss"``, ``"loss"`` or, for a classifier's runs, ``"val_accuracy"``.
    from_epoch : int
        The first epoch compared; the chapters use :data:`prunebook.article.FROM_EPOCH`.
    """
    if not runs:
        raise ValueError("runs must name at least one run")
    missing = [run_name(r, s) for r in runs for s in SEEDS if run_name(r, s) not in reference]
    if missing:
        raise ValueError(f"reference must hold every seed of runs; missing {missing}")
    return max(seed_spread([reference[run_name(r, s)] for s in SEEDS], column, from_epoch=from_epoch)
               for r in runs)


def assert_close_to_reference(history, reference, *, tolerance, column="val_loss", from_epoch=1):
    """Raise AssertionError when ``column`` departs from the reference by more than ``tolerance``.

    ``tolerance`` is in log10 units; returns the deviation found.
    """
    require_positive_float(tolerance, "tolerance (log10 units)")
    dev = log_deviation(history, reference, column, from_epoch=from_epoch)
    if dev > tolerance:
        raise AssertionError(
            f"{column} departs from the reference by {dev:.4f} log10 units "
            f"(a factor {10 ** dev:.3f}) from epoch {from_epoch} on, more than the tolerance {tolerance:.4f}")
    return dev


def check_runs(runs, reference, *, tolerance, column="val_loss", from_epoch=1):
    """Check each of ``runs`` (``{name: Run}``) against ``reference[name]`` with
    :func:`assert_close_to_reference`; return a one-line summary (runs checked, the largest
    deviation, how many are identical to their stored twin)."""
    if not runs:
        raise ValueError("runs must hold at least one run")
    missing = sorted(set(runs) - set(reference))
    if missing:
        raise ValueError(f"reference has no run named {missing}; write it with scripts/make_reference.py")
    largest = max(assert_close_to_reference(run.history, reference[name], tolerance=tolerance,
                                            column=column, from_epoch=from_epoch)
                  for name, run in runs.items())
    identical = sum(getattr(run.history, column) == getattr(reference[name], column)
                    for name, run in runs.items())
    return (f"{len(runs)} runs checked; largest deviation {largest:.5f} log10 (tolerance "
            f"{tolerance:.5f}); identical to the stored curves: {identical}")
