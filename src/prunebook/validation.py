"""Argument checks shared by the helpers: each ``require_…`` returns the value or raises ValueError.

The error names the argument and the range it must lie in, so a reader who passes
``validation_split="0.2"`` or ``epochs=0`` learns what to change.
"""
import numbers


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_real(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def require_positive_int(value, name):
    """Return ``value`` if it is an integer > 0, else raise ValueError."""
    if not _is_int(value) or value <= 0:
        raise ValueError(f"{name} must be a positive integer (1, 2, ...), got {value!r}")
    return int(value)


def require_nonnegative_int(value, name):
    """Return ``value`` if it is an integer >= 0, else raise ValueError."""
    if not _is_int(value) or value < 0:
        raise ValueError(f"{name} must be an integer >= 0, got {value!r}")
    return int(value)


def require_int_in(value, name, low, high):
    """Return ``value`` if it is an integer in [low, high], else raise ValueError."""
    if not _is_int(value) or not low <= value <= high:
        raise ValueError(f"{name} must be an integer in [{low}, {high}], got {value!r}")
    return int(value)


def require_sparsity(value, name):
    """Return ``value`` if it lies in [0, 1), else raise ValueError."""
    if not _is_real(value) or not 0.0 <= value < 1.0:
        raise ValueError(f"{name} must be a sparsity in [0, 1), got {value!r}")
    return float(value)


def require_fraction(value, name):
    """Return ``value`` if it is a number in [0, 1) (e.g. a validation split), else raise ValueError."""
    if not _is_real(value) or not 0.0 <= value < 1.0:
        raise ValueError(f"{name} must be a number in [0, 1), got {value!r}")
    return float(value)


def require_probability(value, name):
    """Return ``value`` if it is a number in [0, 1], else raise ValueError."""
    if not _is_real(value) or not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be a number in [0, 1], got {value!r}")
    return float(value)


def require_open_unit(value, name):
    """Return ``value`` if it lies in (0, 1), else raise ValueError."""
    if not _is_real(value) or not 0.0 < value < 1.0:
        raise ValueError(f"{name} must lie in (0, 1), got {value!r}")
    return float(value)


def require_positive_float(value, name):
    """Return ``value`` if it is a real number > 0, else raise ValueError."""
    if not _is_real(value) or not value > 0:
        raise ValueError(f"{name} must be a number > 0, got {value!r}")
    return float(value)


def require_nonnegative_float(value, name):
    """Return ``value`` if it is a real number >= 0, else raise ValueError."""
    if not _is_real(value) or not value >= 0:
        raise ValueError(f"{name} must be a number >= 0, got {value!r}")
    return float(value)


def require_one_of(value, name, choices):
    """Return ``value`` if it is one of ``choices``, else raise ValueError."""
    if value not in choices:
        raise ValueError(f"{name} must be one of {tuple(choices)}, got {value!r}")
    return value
