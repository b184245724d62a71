"""Helpers for the pruning book.

Import ``prunebook`` before ``tensorflow``. Importing it

- sets ``TF_USE_LEGACY_KERAS=1``, so that ``tf.keras`` is Keras 2 (the ``tf_keras``
  package), which the TensorFlow Model Optimization Toolkit needs;
- keeps TensorFlow's C++ log and start-up lines out of the chapter's output:
  ``TF_CPP_MIN_LOG_LEVEL=3`` and ``GRPC_VERBOSITY=ERROR`` (each only when not set
  already), and, while TensorFlow is first imported, the start-up lines no setting
  reaches are dropped from stderr (see :mod:`prunebook._startup`). To see every line,
  set ``TF_CPP_MIN_LOG_LEVEL`` yourself (e.g. to 0) before importing prunebook: then
  prunebook filters nothing.
"""
import os

from prunebook import _keras, _startup

if "TF_CPP_MIN_LOG_LEVEL" not in os.environ:
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    _startup.filter_first_import("tensorflow")
os.environ.setdefault("GRPC_VERBOSITY", "ERROR")
_keras.prefer_legacy_keras()

__version__ = "0.1.0"
