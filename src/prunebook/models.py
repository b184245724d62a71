"""The article's multilayer perceptron, built with tf_keras (Keras 2).

Its shape (input -> units -> units -> 1) and sizes come from :mod:`prunebook.article`.
"""
from prunebook import article
from prunebook._keras import keras
from prunebook.validation import require_nonnegative_int, require_positive_int


def article_mlp(*, input_dim=article.N_FEATURES, units=article.UNITS, seed=article.SEED):
    """Build the article's MLP: Dense(1024, he_normal), ReLU, Dense(1024), ReLU, Dense(1).

    Parameters
    ----------
    input_dim : int
        Number of input features (article: 1000).
    units : int
        Width of each hidden layer (article: 1024).
    seed : int
        Seed set (Python, NumPy, TensorFlow) before the weights are drawn, so
        two calls with one seed give the same initial weights.

    Returns
    -------
    tf_keras.Sequential
        An uncompiled model, with :func:`prunebook.article.kernel_shapes` kernels.
    """
    require_positive_int(input_dim, "input_dim")
    require_positive_int(units, "units")
    require_nonnegative_int(seed, "seed")
    k = keras()
    k.utils.set_random_seed(seed)
    return k.Sequential([
        k.layers.Dense(units, kernel_initializer="he_normal", input_dim=input_dim, name="hidden_1"),
        k.layers.ReLU(name="relu_1"),
        k.layers.Dense(units, name="hidden_2"),
        k.layers.ReLU(name="relu_2"),
        k.layers.Dense(1, name="output"),
    ], name="article_mlp")


def mlp_params(units, *, input_dim=article.N_FEATURES):
    """Parameters (kernels and biases) of :func:`article_mlp` with hidden layers of ``units``."""
    shapes = article.kernel_shapes(input_dim=input_dim, units=units)
    return sum(n_in * n_out + n_out for n_in, n_out in shapes)


def width_for_params(n_params, *, input_dim=article.N_FEATURES):
    """The hidden width whose article-style MLP has the parameter count closest to ``n_params``."""
    require_positive_int(n_params, "n_params")
    require_positive_int(input_dim, "input_dim")
    # (units)^2 + (input_dim + 3) units + 1 = n  ->  solve, then look at the two nearest integers
    b = input_dim + 3
    root = (-b + (b * b - 4 * (1 - n_params)) ** 0.5) / 2
    candidates = {max(1, int(root)), max(1, int(root) + 1)}
    return min(sorted(candidates), key=lambda u: abs(mlp_params(u, input_dim=input_dim) - n_params))
