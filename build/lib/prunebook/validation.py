"""Argument checks shared by the helpers: each raises ValueError naming the argument."""
import numbers


def check_positive_int(value, name):
    """Return ``value`` if it is an integer > 0, else raise ValueError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ValueError(f"{name} must be a positive integer (1, 2, ...), got {value!r}")
    return int(value)


def check_nonnegative_int(value, name):
    """Return ``value`` if it is an integer >= 0, else raise ValueError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
        raise ValueError(f"{name} must be an integer >= 0, got {value!r}")
    return int(value)


def check_sparsity(value, name):
    """Return ``value`` if it lies in [0, 1), else raise ValueError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0.0 <= value < 1.0:
        raise ValueError(f"{name} must be a sparsity in [0, 1), got {value!r}")
    return float(value)


def check_open_unit(value, name):
    """Return ``value`` if it lies in (0, 1), else raise ValueError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0.0 < value < 1.0:
        raise ValueError(f"{name} must lie in (0, 1), got {value!r}")
    return float(value)


def check_positive_float(value, name):
    """Return ``value`` if it is a real number > 0, else raise ValueError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value > 0:
        raise ValueError(f"{name} must be a number > 0, got {value!r}")
    return float(value)
