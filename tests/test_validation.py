import pytest

from prunebook.validation import (
    require_fraction, require_int_in, require_nonnegative_float, require_nonnegative_int,
    require_one_of, require_open_unit, require_positive_float, require_positive_int,
    require_probability, require_sparsity)


@pytest.mark.parametrize("value", [0, -1, 1.5, True, "3", None])
def test_positive_int_rejects(value):
    with pytest.raises(ValueError, match="epochs must be a positive integer"):
        require_positive_int(value, "epochs")


def test_positive_int_accepts():
    assert require_positive_int(3, "epochs") == 3


@pytest.mark.parametrize("value", [-1, 0.5, False])
def test_nonnegative_int_rejects(value):
    with pytest.raises(ValueError, match="seed must be an integer >= 0"):
        require_nonnegative_int(value, "seed")


@pytest.mark.parametrize("value", [0, 11, 2.0, "5", True])
def test_int_in_rejects(value):
    with pytest.raises(ValueError, match=r"from_epoch must be an integer in \[1, 10\]"):
        require_int_in(value, "from_epoch", 1, 10)


def test_int_in_accepts_both_ends():
    assert require_int_in(1, "k", 1, 10) == 1 and require_int_in(10, "k", 1, 10) == 10


@pytest.mark.parametrize("value", [-0.1, 1.0, 1.2, float("nan"), "0.5"])
def test_sparsity_rejects(value):
    with pytest.raises(ValueError, match=r"final_sparsity must be a sparsity in \[0, 1\)"):
        require_sparsity(value, "final_sparsity")


@pytest.mark.parametrize("value", [0.0, 0.5, 0.999])
def test_sparsity_accepts(value):
    assert require_sparsity(value, "s") == value


@pytest.mark.parametrize("value", ["0.2", 1.0, -0.5, None, True, float("nan")])
def test_fraction_rejects(value):
    with pytest.raises(ValueError, match=r"validation_split must be a number in \[0, 1\)"):
        require_fraction(value, "validation_split")


def test_fraction_accepts_zero():
    assert require_fraction(0, "validation_split") == 0.0


@pytest.mark.parametrize("value", [-0.1, 1.5, "1", float("nan")])
def test_probability_rejects(value):
    with pytest.raises(ValueError, match=r"p must be a number in \[0, 1\]"):
        require_probability(value, "p")


def test_probability_accepts_both_ends():
    assert require_probability(0, "p") == 0.0 and require_probability(1, "p") == 1.0


@pytest.mark.parametrize("value", [0.0, 1.0, -0.2, 2])
def test_open_unit_rejects(value):
    with pytest.raises(ValueError, match=r"test_size must lie in \(0, 1\)"):
        require_open_unit(value, "test_size")


@pytest.mark.parametrize("value", [0, -1e-3, float("nan")])
def test_positive_float_rejects(value):
    with pytest.raises(ValueError, match="learning_rate must be a number > 0"):
        require_positive_float(value, "learning_rate")


@pytest.mark.parametrize("value", [-1e-9, float("nan"), "3", None])
def test_nonnegative_float_rejects(value):
    with pytest.raises(ValueError, match="noise must be a number >= 0"):
        require_nonnegative_float(value, "noise")


def test_nonnegative_float_accepts_zero():
    assert require_nonnegative_float(0, "noise") == 0.0


def test_one_of():
    assert require_one_of("int8", "dtype", ("float32", "int8")) == "int8"
    with pytest.raises(ValueError, match=r"dtype must be one of \('float32', 'int8'\), got 'int4'"):
        require_one_of("int4", "dtype", ("float32", "int8"))
