"""What a pruned model costs on disk and at inference: sizes, bounds, TFLite, sparse products.

Every file goes to a folder the caller names (a temporary or cache folder,
never the repository).
"""
import contextlib
import gzip
import logging
import lzma
import math
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np

from prunebook.sparsity import kernel_layers
from prunebook.validation import (
    require_int_in, require_nonnegative_int, require_one_of, require_positive_float, require_positive_int,
    require_probability)

TFLITE_MODES = ("float", "dynamic", "int8")


@contextlib.contextmanager
def quiet():
    """Silence TensorFlow's chatter (Python logging, warnings, and C++ lines on stdout/stderr).

    The TFLite converter and Keras' HDF5 saving print progress notes from C++,
    which ``TF_CPP_MIN_LOG_LEVEL`` does not reach; they are routed to /dev/null
    for the duration. Exceptions still propagate.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    logger = logging.getLogger("tensorflow")
    level = logger.level
    with open(os.devnull, "w") as devnull, warnings.catch_warnings(), \
            contextlib.redirect_stdout(devnull), contextlib.redirect_stderr(devnull):
        warnings.simplefilter("ignore")
        logger.setLevel(logging.ERROR)
        os.dup2(devnull.fileno(), 1)
        os.dup2(devnull.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in saved:
                os.close(fd)
            logger.setLevel(level)


def compressed_sizes(data):
    """Bytes after gzip (level 9) and lzma (preset 9) of ``data`` (bytes or a file path)."""
    if isinstance(data, (str, Path)):
        data = Path(data).read_bytes()
    if not isinstance(data, (bytes, bytearray)) or not data:
        raise ValueError("data must be non-empty bytes or the path of a non-empty file")
    return {"raw": len(data), "gzip": len(gzip.compress(data, compresslevel=9, mtime=0)),
            "lzma": len(lzma.compress(data, preset=9))}


def binary_entropy(p):
    """Entropy in bits of a yes/no event of probability ``p``."""
    p = require_probability(p, "p")
    if p in (0.0, 1.0):
        return 0.0
    return -(p * math.log2(p) + (1 - p) * math.log2(1 - p))


def entropy_bound_bytes(n_weights, n_nonzero, *, bytes_per_value=4, n_dense=0):
    """The smallest size, in bytes, of ``n_weights`` weights of which ``n_nonzero`` are non-zero.

    The non-zero values are taken as incompressible (``bytes_per_value`` each), and
    where they sit costs the entropy of the mask, ``n_weights * H(n_nonzero / n_weights)``
    bits. ``n_dense`` further values (biases) are stored as they are.
    """
    require_positive_int(n_weights, "n_weights")
    require_int_in(n_nonzero, "n_nonzero", 0, n_weights)
    require_nonnegative_int(n_dense, "n_dense")
    require_positive_float(bytes_per_value, "bytes_per_value")
    mask_bits = n_weights * binary_entropy(n_nonzero / n_weights)
    return (n_nonzero + n_dense) * bytes_per_value + mask_bits / 8


def quantize_int8(values):
    """Symmetric per-tensor int8 quantization: ``(q, scale)`` with ``values ~ q * scale``."""
    values = np.asarray(values, dtype=np.float32)
    top = float(np.max(np.abs(values))) if values.size else 0.0
    scale = top / 127 if top > 0 else 1.0
    return np.clip(np.round(values / scale), -127, 127).astype(np.int8), scale


#: The value types :func:`bitmask_layout` stores.
LAYOUT_DTYPES = ("float32", "int8")


def bitmask_layout(model, *, dtype="float32"):
    """The model's weights as bytes: per kernel a packed bit mask plus its non-zero values
    (float32, or int8 with one float32 scale), then the biases as float32."""
    require_one_of(dtype, "dtype", LAYOUT_DTYPES)
    parts = []
    for layer in kernel_layers(model):
        k = layer.kernel.numpy().ravel()
        nonzero = k[k != 0]
        parts.append(np.packbits(k != 0).tobytes())
        if dtype == "float32":
            parts.append(nonzero.astype(np.float32).tobytes())
        else:
            q, scale = quantize_int8(nonzero)
            parts.append(np.float32(scale).tobytes() + q.tobytes())
        parts.append(layer.bias.numpy().astype(np.float32).tobytes())
    if not parts:
        raise ValueError("model has no layer with a kernel")
    return b"".join(parts)


def to_tflite(model, mode, *, representative=None):
    """Convert a Keras model to a TFLite flatbuffer (bytes).

    ``mode`` is ``"float"`` (float32 weights), ``"dynamic"`` (dynamic-range
    quantization: int8 weights, float activations) or ``"int8"`` (full-integer
    quantization; needs ``representative``, an array of typical inputs; the
    model keeps float32 input and output).
    """
    import tensorflow as tf

    require_one_of(mode, "mode", TFLITE_MODES)
    if mode == "int8" and (representative is None or len(representative) == 0):
        raise ValueError("representative must hold example inputs for mode='int8'")
    with quiet():
        return _convert(tf, model, mode, representative)


def _convert(tf, model, mode, representative):
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    if mode in ("dynamic", "int8"):
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
    if mode == "int8":
        samples = np.asarray(representative, dtype=np.float32)

        def dataset():
            for row in samples:
                yield [row[None, :]]

        converter.representative_dataset = dataset
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    return converter.convert()


OP_RESOLVERS = ("default", "builtin")


class TFLiteModel:
    """A TFLite flatbuffer behind a ``predict(x)`` call, on a batch of any size.

    The flatbuffer runs in LiteRT's interpreter (``ai_edge_litert``), which replaces
    ``tf.lite.Interpreter`` (deprecated in TensorFlow 2.20); TensorFlow still converts.

    Args:
        flatbuffer: the model, as bytes from :func:`to_tflite` or a ``.tflite`` file.
        op_resolver: ``"default"`` (LiteRT's own choice: its builtin kernels with the
            XNNPACK delegate applied) or ``"builtin"`` (the builtin kernels without the
            default delegates, ``OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES``: the path
            that runs TFLite's own sparse kernels).
        num_threads: threads the interpreter may use (a positive int; 1 by default, so
            timings compare one core with one core).
    """

    def __init__(self, flatbuffer, *, op_resolver="default", num_threads=1):
        from ai_edge_litert import interpreter as litert

        require_one_of(op_resolver, "op_resolver", OP_RESOLVERS)
        require_positive_int(num_threads, "num_threads")
        if not isinstance(flatbuffer, (bytes, bytearray)) or not flatbuffer:
            raise ValueError("flatbuffer must be the non-empty bytes of a TFLite model")
        resolver = {"default": litert.OpResolverType.AUTO,
                    "builtin": litert.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES}[op_resolver]
        self.interpreter = litert.Interpreter(model_content=bytes(flatbuffer), num_threads=num_threads,
                                              experimental_op_resolver_type=resolver)
        self._input = self.interpreter.get_input_details()[0]["index"]
        self._output = self.interpreter.get_output_details()[0]["index"]
        self._batch = None

    def predict(self, x):
        x = np.asarray(x, dtype=np.float32)
        if x.ndim != 2:
            raise ValueError(f"x must be a 2-D batch, got shape {x.shape}")
        if self._batch != len(x):
            with quiet():  # the interpreter announces its CPU delegate (XNNPACK) from C++
                self.interpreter.resize_tensor_input(self._input, list(x.shape))
                self.interpreter.allocate_tensors()
                self.interpreter.set_tensor(self._input, x)
                self.interpreter.invoke()
            self._batch = len(x)
        self.interpreter.set_tensor(self._input, x)
        self.interpreter.invoke()
        return self.interpreter.get_tensor(self._output).copy()


class CSRModel:
    """The article's MLP as scipy.sparse CSR matrix products (ReLU between layers)."""

    def __init__(self, model):
        from scipy import sparse

        self.layers = [(sparse.csr_matrix(layer.kernel.numpy().T), layer.bias.numpy())
                       for layer in kernel_layers(model)]
        if not self.layers:
            raise ValueError("model has no layer with a kernel")

    @property
    def nnz(self):
        return sum(w.nnz for w, _ in self.layers)

    def predict(self, x):
        h = np.asarray(x, dtype=np.float32).T  # features x batch
        for i, (w, b) in enumerate(self.layers):
            h = w @ h + b[:, None]
            if i < len(self.layers) - 1:
                h = np.maximum(h, 0)
        return h.T


def median_seconds(fn, *, repeats=50, warmup=5):
    """Median wall-clock seconds of ``fn()`` over ``repeats`` calls, after ``warmup`` calls."""
    require_positive_int(repeats, "repeats")
    require_nonnegative_int(warmup, "warmup")
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def dense_kernels_model(model):
    """Plain NumPy forward pass with dense kernels (the baseline of the sparse product)."""
    layers = [(layer.kernel.numpy(), layer.bias.numpy()) for layer in kernel_layers(model)]
    if not layers:
        raise ValueError("model has no layer with a kernel")

    def predict(x):
        h = np.asarray(x, dtype=np.float32)
        for i, (w, b) in enumerate(layers):
            h = h @ w + b
            if i < len(layers) - 1:
                h = np.maximum(h, 0)
        return h

    return predict


def latency_table(models, x, *, batch_sizes=(1, 1024), repeats=50):
    """Median seconds per call of each ``{name: predict function}`` at each batch size.

    Returns a DataFrame indexed by model name, one column per batch size.
    """
    import pandas as pd

    rows = {}
    for name, predict in models.items():
        rows[name] = {f"batch {b}": median_seconds(lambda b=b: predict(x[:b]),
                                                   repeats=repeats if b == 1 else max(3, repeats // 10))
                      for b in batch_sizes}
    return pd.DataFrame(rows).T
