import numpy as np
import pytest

from prunebook.article import DATA_SEED
from prunebook.data import article_data


@pytest.fixture(scope="module")
def small():
    return article_data(n_samples=500, n_features=40, n_informative=20)


def test_shapes_and_types_of_the_article_data():
    x_train, x_val, y_train, y_val = article_data()
    assert x_train.shape == (8000, 1000) and x_val.shape == (2000, 1000)
    assert y_train.shape == (8000,) and y_val.shape == (2000,)
    assert all(a.dtype == np.float32 for a in (x_train, x_val, y_train, y_val))


def test_scaling_divides_by_the_largest_absolute_value(small):
    x = np.concatenate([small[0], small[1]])
    y = np.concatenate([small[2], small[3]])
    np.testing.assert_allclose(np.max(np.abs(x), axis=0), 1.0, rtol=1e-6)
    assert np.max(np.abs(y)) == pytest.approx(1.0)


def test_the_seed_fixes_the_data(small):
    again = article_data(n_samples=500, n_features=40, n_informative=20)
    for a, b in zip(small, again):
        np.testing.assert_array_equal(a, b)
    other = article_data(n_samples=500, n_features=40, n_informative=20, random_state=DATA_SEED + 1)
    assert not np.array_equal(small[0], other[0])


def test_split_fraction():
    x_train, x_val, _, _ = article_data(n_samples=100, n_features=5, n_informative=2, test_size=0.3)
    assert (len(x_train), len(x_val)) == (70, 30)


@pytest.mark.parametrize("test_size", [0, 1, 1.5, -0.2])
def test_bad_test_size(test_size):
    with pytest.raises(ValueError, match="test_size"):
        article_data(n_samples=100, n_features=5, n_informative=2, test_size=test_size)


@pytest.mark.parametrize("kwargs, name", [
    ({"n_samples": 0}, "n_samples"), ({"n_features": -3}, "n_features"),
    ({"n_informative": 50, "n_features": 10}, "n_informative"), ({"noise": -1.0}, "noise"),
])
def test_bad_sizes(kwargs, name):
    settings = {"n_samples": 100, "n_features": 10, "n_informative": 5, **kwargs}
    with pytest.raises(ValueError, match=name):
        article_data(**settings)
