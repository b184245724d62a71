"""The article's regression data set, with a fixed seed; and Fashion-MNIST, from :mod:`prunebook.fashion`.

The article calls ``make_regression(n_samples=10000, n_features=1000,
n_informative=500, noise=3)`` without a ``random_state``, so every run of it
draws a different data set. The book fixes ``random_state=article.DATA_SEED``.
The settings live in :mod:`prunebook.article`.
"""
import numpy as np
from sklearn.datasets import make_regression
from sklearn.model_selection import train_test_split

from prunebook import article
from prunebook.fashion import CLASS_NAMES, fashion_mnist, scale_images
from prunebook.validation import (
    require_int_in, require_nonnegative_float, require_nonnegative_int, require_open_unit,
    require_positive_int)

__all__ = ["article_data", "fashion_mnist", "scale_images", "CLASS_NAMES"]


def article_data(*, n_samples=article.N_SAMPLES, n_features=article.N_FEATURES,
                 n_informative=article.N_INFORMATIVE, noise=article.NOISE, test_size=article.TEST_SIZE,
                 random_state=article.DATA_SEED, split_random_state=article.SPLIT_SEED):
    """Make, scale and split the article's data set.

    Each feature column is divided by its largest absolute value and the
    target by its largest absolute value, then the rows are split into a
    training and a validation part.

    Parameters
    ----------
    n_samples, n_features, n_informative : int
        Passed to :func:`sklearn.datasets.make_regression` (article: 10000, 1000, 500).
    noise : float
        Standard deviation of the Gaussian noise on the target (article: 3).
    test_size : float
        Fraction of rows held out for validation, in (0, 1) (article: 0.2).
    random_state, split_random_state : int
        Seeds of the data and of the split.

    Returns
    -------
    x_train, x_val, y_train, y_val : numpy.ndarray
        float32 arrays (Keras casts to float32 anyway), in ``train_test_split`` order;
        ``x_train`` has :func:`prunebook.article.train_rows` rows.
    """
    require_positive_int(n_samples, "n_samples")
    require_positive_int(n_features, "n_features")
    require_int_in(n_informative, "n_informative", 1, n_features)
    require_nonnegative_float(noise, "noise")
    require_open_unit(test_size, "test_size")
    require_nonnegative_int(random_state, "random_state")
    require_nonnegative_int(split_random_state, "split_random_state")

    x, y = make_regression(n_samples=n_samples, n_features=n_features,
                           n_informative=n_informative, noise=noise,
                           random_state=random_state)
    x = x / np.max(np.abs(x), axis=0)
    y = y / np.max(np.abs(y))
    x_train, x_val, y_train, y_val = train_test_split(
        x.astype(np.float32), y.astype(np.float32),
        test_size=test_size, random_state=split_random_state)
    return x_train, x_val, y_train, y_val
