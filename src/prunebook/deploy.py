"""What a pruned model costs on disk and at inference: sizes, estimates, TFLite, sparse products.

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
import zlib
from pathlib import Path

import numpy as np

from prunebook.filecache import cached_bytes, cached_result
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
    """Bytes after gzip (level 9) and lzma (preset 9) of ``data`` (bytes or a file path).

    Compressing megabytes at these levels takes seconds, so the sizes are stored in the cache
    (:func:`prunebook.filecache.cached_result`), keyed by the bytes and the library versions.
    """
    if isinstance(data, (str, Path)):
        data = Path(data).read_bytes()
    if not isinstance(data, (bytes, bytearray)) or not data:
        raise ValueError("data must be non-empty bytes or the path of a non-empty file")
    versions = {"gzip": 9, "lzma": 9, "zlib": zlib.ZLIB_RUNTIME_VERSION, "python": sys.version}
    return cached_result("compressed sizes", data, versions, lambda: {
        "raw": len(data), "gzip": len(gzip.compress(data, compresslevel=9, mtime=0)),
        "lzma": len(lzma.compress(data, preset=9))})


def binary_entropy(p):
    """Entropy in bits of a yes/no event of probability ``p``."""
    p = require_probability(p, "p")
    if p in (0.0, 1.0):
        return 0.0
    return -(p * math.log2(p) + (1 - p) * math.log2(1 - p))


def entropy_estimate_bytes(n_weights, n_nonzero, *, bytes_per_value=4, n_dense=0):
    """An entropy estimate of the size, in bytes, of ``n_weights`` weights of which
    ``n_nonzero`` are non-zero.

    It is the size the weights would take if the non-zero values were incompressible
    (``bytes_per_value`` each) and the mask of where they sit were coded at its binary
    entropy, ``n_weights * H(n_nonzero / n_weights)`` bits, as if every weight had been
    pruned independently with the same probability. ``n_dense`` further values (biases)
    are stored as they are. It is a yardstick, not a lower limit: a compressor that finds
    structure these assumptions leave out (values that are not incompressible, a mask whose
    zeros cluster) can produce a smaller file.
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


def to_tflite(model, mode, *, representative=None, sparsity=False):
    """Convert a Keras model to a TFLite flatbuffer (bytes).

    ``mode`` is ``"float"`` (float32 weights), ``"dynamic"`` (dynamic-range
    quantization: int8 weights, float activations) or ``"int8"`` (full-integer
    quantization; needs ``representative``, an array of typical inputs; the
    model keeps float32 input and output). ``sparsity=True`` adds
    ``tf.lite.Optimize.EXPERIMENTAL_SPARSITY``: the converter stores sparse weight
    tensors in a sparse format (see :func:`flatbuffer_summary`).

    A conversion is stored in the training cache (:func:`prunebook.filecache.cached_bytes`), keyed
    by the model's configuration and weights, the inputs, the options and this module's code.
    """
    import tensorflow as tf

    require_one_of(mode, "mode", TFLITE_MODES)
    if mode == "int8" and (representative is None or len(representative) == 0):
        raise ValueError("representative must hold example inputs for mode='int8'")
    if not isinstance(sparsity, bool):
        raise ValueError(f"sparsity must be True or False, got {sparsity!r}")
    samples = () if representative is None else (np.asarray(representative, dtype=np.float32),)

    def convert():
        with quiet():
            return _convert(tf, model, mode, representative, sparsity)

    # stored in the training cache: converting the same weights again gives the same model
    return cached_bytes("tflite", model, samples, {"mode": mode, "sparsity": sparsity}, convert,
                        modules=("prunebook.deploy",))


def _convert(tf, model, mode, representative, sparsity):
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    if mode in ("dynamic", "int8"):
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
    if sparsity:
        converter.optimizations = [*converter.optimizations,
                                   tf.lite.Optimize.EXPERIMENTAL_SPARSITY]
    if mode == "int8":
        samples = np.asarray(representative, dtype=np.float32)

        def dataset():
            for row in samples:
                yield [row[None, :]]

        converter.representative_dataset = dataset
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    return converter.convert()


def flatbuffer_summary(flatbuffer):
    """What a TFLite flatbuffer holds: its operators and its sparse tensors.

    Returns a dict: ``"ops"``, the builtin operator of each node in execution order
    (e.g. ``["DENSIFY", "FULLY_CONNECTED"]``); ``"sparse tensors"``, the shape of each
    tensor stored in a sparse format (the ``sparsity`` field of TFLite's schema); and
    ``"blocks"``, for each of those, the shape of its blocks (``(1, 4)`` for TFLite's 1 x 4
    blocks) or None where it stores single weights.
    """
    model = _model_object(flatbuffer)
    codes = _operator_names(model)
    ops, sparse, blocks = [], [], []
    for graph in model.subgraphs:
        ops += [codes[op.opcodeIndex] for op in graph.operators]
        for t in graph.tensors:
            if t.sparsity is not None:
                sparse.append(tuple(int(d) for d in t.shape))
                blocks.append(_block_shape(t.sparsity))
    return {"ops": ops, "sparse tensors": sparse, "blocks": blocks}


def _schema():
    from tensorflow.lite.python import schema_py_generated as schema

    return schema


def _model_object(flatbuffer):
    if not isinstance(flatbuffer, (bytes, bytearray)) or not flatbuffer:
        raise ValueError("flatbuffer must be the non-empty bytes of a TFLite model")
    schema = _schema()
    return schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(bytes(flatbuffer), 0))


def _operator_names(model):
    """The builtin operator name of each operator code of a flatbuffer's model object."""
    names = {v: k for k, v in vars(_schema().BuiltinOperator).items() if not k.startswith("_")}
    return [names[max(c.builtinCode, c.deprecatedBuiltinCode)] for c in model.operatorCodes]


def _block_shape(sparsity):
    """The block of a sparse tensor: the dense sizes of the block dimensions that follow the
    tensor's own in its traversal order (TFLite's schema), or None for single weights."""
    block_map = sparsity.blockMap
    if block_map is None or len(block_map) == 0:
        return None
    sizes = [int(d.denseSize) for d in sparsity.dimMetadata[-len(block_map):]]
    return tuple(sizes) if len(block_map) == 2 else (1, *sizes)


def fully_connected_weights(flatbuffer):
    """The weight matrix of each FULLY_CONNECTED operator of a float TFLite flatbuffer, in order.

    TFLite stores them as (outputs, inputs), the transpose of a Keras kernel. The flatbuffer
    must hold them dense (converted without ``sparsity=True``); a weight stored in a sparse
    format raises ValueError.
    """
    schema = _schema()
    model = _model_object(flatbuffer)
    codes = _operator_names(model)
    out = []
    for graph in model.subgraphs:
        for op in graph.operators:
            if codes[op.opcodeIndex] != "FULLY_CONNECTED":
                continue
            tensor = graph.tensors[op.inputs[1]]
            data = model.buffers[tensor.buffer].data
            if tensor.sparsity is not None or data is None or tensor.type != schema.TensorType.FLOAT32:
                raise ValueError("flatbuffer must hold each fully connected weight as a dense float32 "
                                 "constant; a file converted with sparsity=True stores them sparsely "
                                 "(or behind DENSIFY): convert without it to read the weights")
            values = np.frombuffer(np.asarray(data, dtype=np.uint8).tobytes(), dtype="<f4")
            out.append(values.reshape([int(d) for d in tensor.shape]))
    return out


OP_RESOLVERS = ("default", "builtin")


class TFLiteModel:
    """A TFLite flatbuffer behind a ``predict(x)`` call, on a batch of any size (``x``'s first axis).

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
        if x.ndim < 2:
            raise ValueError(f"x must be a batch (its first axis the rows), got shape {x.shape}")
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


def interleaved_timings(paths, *, rounds=7, repeats=20, warmup=3, progress=False):
    """Time several functions interleaved, in rounds; the median and spread of each.

    Timing one path after another lets a slow spell of the machine (another process, a
    change of clock speed) fall on one path only. Here every round times every path:
    ``repeats`` calls in a row, of which the round keeps the median; from round to round
    the order of the paths rotates by one place, so each path takes its turn early and
    late. The spread across rounds shows how far a figure can be trusted.

    Parameters
    ----------
    paths : dict
        ``{name: function}``; each function is called with no arguments.
    rounds : int
        Rounds (at least 1); each gives one median per path.
    repeats : int
        Timed calls of a path in each round.
    warmup : int
        Untimed calls of each path before the first round.
    progress : bool
        Show one tqdm bar over rounds x paths.

    Returns
    -------
    pandas.DataFrame
        One row per path (in the order given), columns ``median``, ``q1``, ``q3`` (the
        quartiles), ``iqr``, ``min`` and ``max`` of the per-round medians, in seconds.
    """
    import pandas as pd

    if not isinstance(paths, dict) or not paths or not all(map(callable, paths.values())):
        raise ValueError("paths must be a non-empty dict of {name: function of no arguments}")
    require_positive_int(rounds, "rounds")
    require_positive_int(repeats, "repeats")
    require_nonnegative_int(warmup, "warmup")
    names = list(paths)
    for name in names:
        for _ in range(warmup):
            paths[name]()
    samples = {name: [] for name in names}
    bar = _progress_bar(rounds * len(names), progress)
    for r in range(rounds):
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            samples[name].append(median_seconds(paths[name], repeats=repeats, warmup=0))
            bar.update()
    bar.close()
    rows = {}
    for name in names:
        q1, median, q3 = np.percentile(samples[name], [25, 50, 75])
        rows[name] = {"median": median, "q1": q1, "q3": q3, "iqr": q3 - q1,
                      "min": min(samples[name]), "max": max(samples[name])}
    table = pd.DataFrame.from_dict(rows, orient="index")
    if all(isinstance(name, tuple) for name in names):
        table.index = pd.MultiIndex.from_tuples(names)
    return table


def _progress_bar(total, show):
    from tqdm.std import tqdm

    return tqdm(total=total, disable=not show, file=sys.stderr, leave=False,
                bar_format="{l_bar}{bar:20}| {n}/{total} timings [{elapsed}]")


def latency_table(models, x, *, batch_sizes=(1, 1024), rounds=7, repeats=None,
                  progress=False):
    """Seconds per call of each ``{name: predict function}`` at each batch size, interleaved.

    For each batch size, :func:`interleaved_timings` times ``predict(x[:batch])`` for all
    the models together. ``repeats`` maps a batch size to the timed calls per round (by
    default 20 for batch 1 and 3 for larger batches).

    Returns a DataFrame indexed by model name with two column levels: ``batch {b}``, then
    the statistic (``median``, ``q1``, ``q3``, ``iqr``, ``min``, ``max``), in seconds.
    """
    import pandas as pd

    if not batch_sizes:
        raise ValueError("batch_sizes must name at least one batch size")
    for b in batch_sizes:
        require_int_in(b, "batch_sizes", 1, len(x))
    repeats = {b: 20 if b == 1 else 3 for b in batch_sizes} | dict(repeats or {})
    tables = {}
    for b in batch_sizes:
        calls = {name: (lambda f=predict, b=b: f(x[:b])) for name, predict in models.items()}
        tables[f"batch {b}"] = interleaved_timings(calls, rounds=rounds, repeats=repeats[b],
                                                   warmup=2, progress=progress)
    return pd.concat(tables, axis=1)
