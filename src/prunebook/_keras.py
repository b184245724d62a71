"""Keras 2 for tfmot: set the switch before TensorFlow loads, and check it took.

tfmot's pruning wrappers are Keras 2 layers. From TensorFlow 2.16 on,
``tf.keras`` is Keras 3 unless ``TF_USE_LEGACY_KERAS=1`` is set before
TensorFlow is first imported; then ``tf.keras`` is the ``tf_keras`` package.
"""
import os
import sys

FIX = (
    "tfmot needs Keras 2, but Keras 3 is active in this Python process. "
    "To fix it: restart the kernel (or Python), then run `import prunebook` "
    "before `import tensorflow` (or set the environment variable "
    "TF_USE_LEGACY_KERAS=1 before TensorFlow is imported), and make sure the "
    "`tf-keras` package matching your TensorFlow version is installed "
    "(`pip install tf-keras==<your TensorFlow version>`)."
)


class KerasVersionError(RuntimeError):
    """Raised when Keras 3 is active, where tfmot needs Keras 2."""


def prefer_legacy_keras():
    """Set ``TF_USE_LEGACY_KERAS=1``; if TensorFlow is already loaded, check it."""
    os.environ["TF_USE_LEGACY_KERAS"] = "1"
    if "tensorflow" in sys.modules:
        raise_if_keras_3()


def keras_major_version():
    """The major version of the Keras that ``tf.keras`` resolves to."""
    import tensorflow as tf

    version = getattr(tf.keras, "__version__", None)
    if version is None:  # the tf_keras API module has no __version__
        import tf_keras

        version = tf_keras.__version__
    return int(str(version).split(".")[0])


def raise_if_keras_3():
    """Raise :class:`KerasVersionError` unless ``tf.keras`` is Keras 2 (tf_keras)."""
    try:
        major = keras_major_version()
    except ImportError as err:  # tf_keras missing
        raise KerasVersionError(FIX) from err
    if major != 2:
        raise KerasVersionError(FIX)


def keras():
    """The ``tf_keras`` module, after checking that tf.keras is Keras 2 too."""
    raise_if_keras_3()
    import tf_keras

    return tf_keras
