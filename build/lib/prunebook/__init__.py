"""Helpers for the pruning book.

Importing this package sets ``TF_USE_LEGACY_KERAS=1`` before TensorFlow is
loaded, so that ``tf.keras`` is Keras 2 (the ``tf_keras`` package), which the
TensorFlow Model Optimization Toolkit needs. Import ``prunebook`` before
``tensorflow``.
"""
import os

from prunebook import _keras

# Keep TensorFlow's C++ log lines (CPU features, CUDA plug-in registration, graph
# attribute notices) out of notebook outputs; Python errors are raised as usual.
# Set TF_CPP_MIN_LOG_LEVEL yourself before importing prunebook to see them.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
_keras.prefer_legacy_keras()

__version__ = "0.1.0"
