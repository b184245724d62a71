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


#: Fashion-MNIST's images: 28 x 28 grey levels, 10 classes.
IMAGE_SHAPE, N_CLASSES = (28, 28), 10


def _seeded_keras(pair, name, seed):
    """Check that ``pair`` is two positive integers and ``seed`` a seed, seed Keras, return it."""
    if not (isinstance(pair, (tuple, list)) and len(pair) == 2):
        raise ValueError(f"{name} must be a pair of positive integers, got {pair!r}")
    for n in pair:
        require_positive_int(n, f"{name} (each)")
    require_nonnegative_int(seed, "seed")
    k = keras()
    k.utils.set_random_seed(seed)
    return k


def lenet_300_100(*, hidden=(300, 100), seed=0):
    """LeNet-300-100 (Han et al. 2015, Table 1): 784 -> 300 -> 100 -> 10, ReLU, logits out.

    The layers are named ``fc1``, ``fc2``, ``fc3`` as in the paper; the input is a batch of
    28 x 28 images (flattened by the first layer), the output ten logits. 266,610 parameters.
    ``hidden`` sets the two hidden widths (a narrower network of the same shape, e.g. the
    small dense control). Keras' default initialisation (Glorot uniform kernels, zero
    biases), drawn after seeding with ``seed``.
    """
    k = _seeded_keras(hidden, "hidden", seed)
    return k.Sequential([
        k.layers.Flatten(input_shape=IMAGE_SHAPE, name="flatten"),
        k.layers.Dense(hidden[0], activation="relu", name="fc1"),
        k.layers.Dense(hidden[1], activation="relu", name="fc2"),
        k.layers.Dense(N_CLASSES, name="fc3"),
    ], name="lenet_300_100")


def lenet_params(hidden):
    """Parameters (kernels and biases) of :func:`lenet_300_100` with hidden widths ``hidden``."""
    sizes = (IMAGE_SHAPE[0] * IMAGE_SHAPE[1], *hidden, N_CLASSES)
    return sum(n_in * n_out + n_out for n_in, n_out in zip(sizes, sizes[1:]))


def lenet_hidden_for_params(n_params):
    """Hidden widths ``(h, round(h / 3))``, LeNet-300-100's 3:1 ratio, whose parameter count is
    closest to ``n_params`` (the small dense model with a pruned LeNet's non-zero weights)."""
    require_positive_int(n_params, "n_params")
    candidates = [(h, max(1, round(h / 3))) for h in range(1, 3001)]
    return min(candidates, key=lambda hidden: abs(lenet_params(hidden) - n_params))


def small_cnn(*, filters=(16, 32), seed=0):
    """A small CNN: two 3 x 3 convolutions (ReLU, each followed by 2 x 2 max pooling) and one
    dense layer that gives ten logits.

    With the default ``filters`` the kernels are 3x3x1x16, 3x3x16x32 and 800x10: 12,810
    parameters. The layers with kernels are named ``conv1``, ``conv2`` and ``fc``.
    """
    k = _seeded_keras(filters, "filters", seed)
    return k.Sequential([
        k.layers.Reshape((*IMAGE_SHAPE, 1), input_shape=IMAGE_SHAPE, name="channel"),
        k.layers.Conv2D(filters[0], 3, activation="relu", name="conv1"),
        k.layers.MaxPooling2D(2, name="pool1"),
        k.layers.Conv2D(filters[1], 3, activation="relu", name="conv2"),
        k.layers.MaxPooling2D(2, name="pool2"),
        k.layers.Flatten(name="flatten"),
        k.layers.Dense(N_CLASSES, name="fc"),
    ], name="small_cnn")


def cnn_params(filters):
    """Parameters (kernels and biases) of :func:`small_cnn` with ``filters``."""
    first, second = filters
    side = ((IMAGE_SHAPE[0] - 2) // 2 - 2) // 2  # 28 -> conv 26 -> pool 13 -> conv 11 -> pool 5
    convolutions = (9 * first + first) + (9 * first * second + second)
    return convolutions + side * side * second * N_CLASSES + N_CLASSES


def cnn_filters_for_params(n_params):
    """Filters ``(ceil(f / 2), f)``, near the small CNN's 1 : 2 ratio, whose parameter count is
    closest to ``n_params`` (the small dense control of a pruned CNN)."""
    require_positive_int(n_params, "n_params")
    candidates = [((f + 1) // 2, f) for f in range(1, 513)]
    return min(candidates, key=lambda filters: abs(cnn_params(filters) - n_params))


#: The widths of :func:`xnnpack_cnn`: the 3 x 3 stem's filters, then the two 1 x 1 convolutions'.
XNNPACK_WIDTHS = (16, 32, 32)


def xnnpack_cnn(*, seed=0):
    """A small CNN that tfmot's ``PruneForLatencyOnXNNPack`` policy accepts, for Fashion-MNIST.

    The policy wants the sparse part of the network to start at a 3 x 3 convolution of a
    three-channel input with stride 2, ``valid`` padding and a ``ZeroPadding2D(1)`` in front,
    and to end at ``GlobalAveragePooling2D(keepdims=True)``, with only layers XNNPACK can run
    sparsely in between (1 x 1 convolutions, 3 x 3 depthwise ones, ReLU). So the grey image is
    repeated into three channels, and then: the 3 x 3 stem (16 filters, stride 2), a 1 x 1
    convolution (32), a 3 x 3 depthwise convolution, a 1 x 1 convolution (32), the global
    average, and a dense layer that gives ten logits. The two 1 x 1 convolutions (``point1``,
    ``point2``) are the layers the policy prunes.
    """
    require_nonnegative_int(seed, "seed")
    k = keras()
    k.utils.set_random_seed(seed)
    stem, point1, point2 = XNNPACK_WIDTHS
    inputs = k.Input(shape=IMAGE_SHAPE, name="image")
    x = k.layers.Reshape((*IMAGE_SHAPE, 1), name="channel")(inputs)
    x = k.layers.Concatenate(name="grey_to_rgb")([x, x, x])
    x = k.layers.ZeroPadding2D(1, name="pad")(x)
    x = k.layers.Conv2D(stem, 3, strides=2, padding="valid", activation="relu", name="stem")(x)
    x = k.layers.Conv2D(point1, 1, activation="relu", name="point1")(x)
    x = k.layers.DepthwiseConv2D(3, padding="same", activation="relu", name="depthwise")(x)
    x = k.layers.Conv2D(point2, 1, activation="relu", name="point2")(x)
    x = k.layers.GlobalAveragePooling2D(keepdims=True, name="average")(x)
    x = k.layers.Flatten(name="flatten")(x)
    outputs = k.layers.Dense(N_CLASSES, name="fc")(x)
    return k.Model(inputs, outputs, name="xnnpack_cnn")
