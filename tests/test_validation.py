import pytest

from prunebook.validation import (
    check_nonnegative_int, check_open_unit, check_positive_float, check_positive_int,
    check_sparsity)


@pytest.mark.parametrize("value", [0, -1, 1.5, True, "3", None])
def test_positive_int_rejects(value):
    with pytest.raises(ValueError, match="epochs must be a positive integer"):
        check_positive_int(value, "epochs")


def test_positive_int_accepts():
    assert check_positive_int(3, "epochs") == 3


@pytest.mark.parametrize("value", [-1, 0.5, False])
def test_nonnegative_int_rejects(value):
    with pytest.raises(ValueError, match="seed must be an integer >= 0"):
        check_nonnegative_int(value, "seed")


@pytest.mark.parametrize("value", [-0.1, 1.0, 1.2, float("nan"), "0.5"])
def test_sparsity_rejects(value):
    with pytest.raises(ValueError, match=r"final_sparsity must be a sparsity in \[0, 1\)"):
        check_sparsity(value, "final_sparsity")


@pytest.mark.parametrize("value", [0.0, 0.5, 0.999])
def test_sparsity_accepts(value):
    assert check_sparsity(value, "s") == value


@pytest.mark.parametrize("value", [0.0, 1.0, -0.2, 2])
def test_open_unit_rejects(value):
    with pytest.raises(ValueError, match=r"test_size must lie in \(0, 1\)"):
        check_open_unit(value, "test_size")


@pytest.mark.parametrize("value", [0, -1e-3, float("nan")])
def test_positive_float_rejects(value):
    with pytest.raises(ValueError, match="learning_rate must be a number > 0"):
        check_positive_float(value, "learning_rate")
