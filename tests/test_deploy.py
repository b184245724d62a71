import numpy as np
import pytest
import tf_keras as keras

from prunebook.deploy import (
    CSRModel, TFLiteModel, binary_entropy, bitmask_layout, compressed_sizes, entropy_estimate_bytes,
    flatbuffer_summary, fully_connected_weights,
    interleaved_timings, median_seconds, quantize_int8, to_tflite)
from prunebook.magnitude import apply_masks, layerwise_masks
from prunebook.sparsity import kernels_of


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    """Conversions are cached (prunebook.cache.cached_bytes): each test gets its own folder."""
    monkeypatch.setenv("PRUNEBOOK_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_a_conversion_is_made_once_and_read_back(private_cache):
    calls = []
    import prunebook.deploy as deploy
    original = deploy._convert

    def counting(*args):
        calls.append(args[2])
        return original(*args)

    deploy._convert = counting
    try:
        model = small_model()
        first = to_tflite(model, "float")
        assert to_tflite(model, "float") == first and calls == ["float"]
        to_tflite(model, "dynamic")
        to_tflite(small_model(0.5), "float")  # other weights: another key
        assert calls == ["float", "dynamic", "float"]
        assert len(list((private_cache / "bytes").glob("*.bin"))) == 3
    finally:
        deploy._convert = original


def small_model(sparsity=0.0):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.layers.Dense(32, input_dim=20, name="h1"), keras.layers.ReLU(),
                              keras.layers.Dense(32, name="h2"), keras.layers.ReLU(), keras.layers.Dense(1, name="out")])
    if sparsity:
        model = apply_masks(model, layerwise_masks(kernels_of(model), sparsity))
    return model


X = np.random.default_rng(0).normal(size=(64, 20)).astype(np.float32)


def test_entropy_estimate():
    assert binary_entropy(0.5) == 1 and binary_entropy(0) == 0
    # 75 % sparse float32: values + H(0.25) bits a weight
    n = 1_000_000
    bound = entropy_estimate_bytes(n, n // 4)
    assert bound == pytest.approx(n // 4 * 4 + n * binary_entropy(0.25) / 8)
    assert 4 * n / bound == pytest.approx(3.63, abs=0.01)
    assert 4 * n / entropy_estimate_bytes(n, n // 4, bytes_per_value=1) == pytest.approx(11.4, abs=0.1)
    with pytest.raises(ValueError, match="n_nonzero"):
        entropy_estimate_bytes(10, 11)
    with pytest.raises(ValueError, match="p must"):
        binary_entropy(1.5)


def test_compressed_sizes_of_zeros_and_noise():
    zeros = compressed_sizes(bytes(100_000))
    noise = compressed_sizes(np.random.default_rng(0).integers(0, 256, 100_000, dtype=np.uint8).tobytes())
    assert zeros["gzip"] < 1000 and zeros["lzma"] < 1000 and noise["gzip"] > 99_000
    with pytest.raises(ValueError, match="non-empty"):
        compressed_sizes(b"")


def test_compressed_sizes_are_computed_once_per_content(monkeypatch):
    import prunebook.deploy as deploy
    calls = []
    compress = deploy.lzma.compress
    monkeypatch.setattr(deploy.lzma, "compress", lambda data, **kw: calls.append(1) or compress(data, **kw))
    first = compressed_sizes(b"abc" * 1000)
    assert compressed_sizes(b"abc" * 1000) == first and len(calls) == 1
    assert compressed_sizes(b"abc" * 2000)["raw"] == 6000 and len(calls) == 2  # other bytes: computed


def test_bitmask_layout_size():
    model = small_model(0.75)
    n = sum(k.size for k in kernels_of(model))
    nnz = sum(int(np.count_nonzero(k)) for k in kernels_of(model))
    f32 = bitmask_layout(model)
    i8 = bitmask_layout(model, dtype="int8")
    masks = sum(int(np.ceil(k.size / 8)) for k in kernels_of(model))
    assert len(f32) == masks + 4 * nnz + 4 * 65
    assert len(i8) == masks + nnz + 3 * 4 + 4 * 65
    assert n > nnz
    with pytest.raises(ValueError, match="dtype"):
        bitmask_layout(model, dtype="int4")


def test_int8_quantization_error_is_at_most_half_a_step():
    v = np.random.default_rng(1).normal(size=1000).astype(np.float32)
    q, scale = quantize_int8(v)
    assert q.dtype == np.int8 and np.max(np.abs(q * scale - v)) <= scale / 2 + 1e-7


@pytest.mark.parametrize("mode, tolerance", [("float", 1e-5), ("dynamic", 0.05), ("int8", 0.1)])
def test_tflite_predictions_match_keras(mode, tolerance):
    """float: rounding only; dynamic/int8: 8-bit weights (and activations), a few % of the output range."""
    model = small_model(0.5)
    expected = model(X).numpy()
    got = TFLiteModel(to_tflite(model, mode, representative=X)).predict(X)
    assert got.shape == expected.shape
    scale = np.max(np.abs(expected))
    assert np.max(np.abs(got - expected)) <= tolerance * scale


def test_experimental_sparsity_stores_sparse_kernels_and_predicts_the_same():
    from prunebook.deploy import flatbuffer_summary

    model = small_model(0.9)
    plain, sparse = to_tflite(model, "float"), to_tflite(model, "float", sparsity=True)
    assert flatbuffer_summary(plain) == {"ops": ["FULLY_CONNECTED"] * 3, "sparse tensors": [], "blocks": []}
    summary = flatbuffer_summary(sparse)
    assert summary["ops"].count("DENSIFY") >= 1 and summary["sparse tensors"]
    assert len(sparse) < len(plain)
    np.testing.assert_allclose(TFLiteModel(sparse).predict(X), TFLiteModel(plain).predict(X),
                               rtol=1e-6, atol=1e-6)
    with pytest.raises(ValueError, match="sparsity"):
        to_tflite(model, "float", sparsity="yes")
    with pytest.raises(ValueError, match="flatbuffer"):
        flatbuffer_summary(b"")


def test_tflite_bad_mode_and_missing_representative():
    with pytest.raises(ValueError, match="mode"):
        to_tflite(small_model(), "int4")
    with pytest.raises(ValueError, match="representative"):
        to_tflite(small_model(), "int8")


def test_csr_model_equals_keras():
    model = small_model(0.9)
    csr = CSRModel(model)
    np.testing.assert_allclose(csr.predict(X), model(X).numpy(), rtol=1e-4, atol=1e-5)
    assert csr.nnz == sum(int(np.count_nonzero(k)) for k in kernels_of(model))


def test_median_seconds_is_the_median_of_the_timed_calls_after_the_warmup(monkeypatch):
    from prunebook import deploy

    clock = iter([0.0, 5.0, 10.0, 11.0, 20.0, 22.0])  # start/stop of three timed calls: 5 s, 1 s, 2 s
    monkeypatch.setattr(deploy.time, "perf_counter", lambda: next(clock))
    calls = []
    assert median_seconds(lambda: calls.append(1), repeats=3, warmup=2) == 2.0  # not the mean, 2.67
    assert len(calls) == 5  # two warm-up calls (not timed) and three timed ones
    with pytest.raises(ValueError, match="repeats"):
        median_seconds(lambda: None, repeats=0)
    with pytest.raises(ValueError, match="warmup"):
        median_seconds(lambda: None, warmup=-1)


def fake_clock(monkeypatch, costs):
    """perf_counter reads a clock that only moves when a path runs: each call of path
    ``name`` takes the next of ``costs[name]`` seconds. Returns the paths and the call log."""
    from prunebook import deploy

    now = [0.0]
    monkeypatch.setattr(deploy.time, "perf_counter", lambda: now[0])
    costs = {name: iter(c) for name, c in costs.items()}
    log = []

    def path(name):
        def call():
            log.append(name)
            now[0] += next(costs[name])
        return call

    return {name: path(name) for name in costs}, log


def test_interleaved_timings_rotates_the_order_and_reports_median_and_spread(monkeypatch):
    # one warm-up call each (100 s, not timed), then three rounds of one call each
    paths, log = fake_clock(monkeypatch, {"a": [100, 1, 3, 2], "b": [100, 10, 10, 10]})
    table = interleaved_timings(paths, rounds=3, repeats=1, warmup=1)
    assert log == ["a", "b"] + ["a", "b", "b", "a", "a", "b"]  # rotated by one each round
    assert list(table.index) == ["a", "b"]
    assert table.loc["a"].to_dict() == {"median": 2.0, "q1": 1.5, "q3": 2.5, "iqr": 1.0,
                                        "min": 1.0, "max": 3.0}
    assert table.loc["b", "median"] == 10 and table.loc["b", "iqr"] == 0


def test_interleaved_timings_keeps_the_median_of_each_round(monkeypatch):
    # two rounds of three calls: medians 5 (of 5, 1, 7) and 2 (of 2, 9, 1)
    paths, _ = fake_clock(monkeypatch, {"a": [5, 1, 7, 2, 9, 1]})
    table = interleaved_timings(paths, rounds=2, repeats=3, warmup=0)
    assert (table.loc["a", "min"], table.loc["a", "max"]) == (2.0, 5.0)
    assert table.loc["a", "median"] == 3.5


def test_interleaved_timings_rejects_bad_arguments():
    for bad in ({}, {"a": 1}, [lambda: None]):
        with pytest.raises(ValueError, match="paths"):
            interleaved_timings(bad)
    for name in ("rounds", "repeats"):
        with pytest.raises(ValueError, match=name):
            interleaved_timings({"a": lambda: None}, **{name: 0})
    with pytest.raises(ValueError, match="warmup"):
        interleaved_timings({"a": lambda: None}, warmup=-1)


def test_dense_numpy_forward_and_latency_table():
    from prunebook.deploy import dense_kernels_model, latency_table

    model = small_model(0.5)
    forward = dense_kernels_model(model)
    np.testing.assert_allclose(forward(X), model(X).numpy(), rtol=1e-4, atol=1e-5)
    models = {("numpy", 0.5): forward, ("csr", 0.5): CSRModel(model).predict}
    table = latency_table(models, X, batch_sizes=(1, 8), rounds=2, repeats={1: 3, 8: 2})
    assert list(table.index) == list(models)
    assert list(table.columns.levels[0]) == ["batch 1", "batch 8"]
    assert set(table["batch 1"].columns) == {"median", "q1", "q3", "iqr", "min", "max"}
    assert (table.xs("median", axis=1, level=1).to_numpy() > 0).all()
    with pytest.raises(ValueError, match="batch_sizes"):
        latency_table(models, X, batch_sizes=(len(X) + 1,))


def test_quiet_silences_fd_output_and_restores_it(capfd):
    import os

    from prunebook.deploy import quiet

    with quiet():
        os.write(2, b"hidden\n")
        print("also hidden")
    os.write(2, b"shown\n")
    out, err = capfd.readouterr()
    assert "hidden" not in out + err and "shown" in err


@pytest.mark.parametrize("op_resolver", ["default", "builtin"])
def test_flatbuffers_run_in_litert_without_a_deprecation_notice(op_resolver, recwarn):
    """LiteRT's interpreter, not tf.lite.Interpreter (deprecated in TF 2.20), runs the flatbuffer;
    the builtin kernels without default delegates (the sparse path) give the same outputs."""
    from ai_edge_litert import interpreter as litert

    model = small_model(0.5)
    runner = TFLiteModel(to_tflite(model, "float"), op_resolver=op_resolver)
    assert isinstance(runner.interpreter, litert.Interpreter)
    np.testing.assert_allclose(runner.predict(X), model(X).numpy(), rtol=1e-5, atol=1e-5)
    assert not [w for w in recwarn if "deprecated" in str(w.message).lower()]


def test_tflite_model_rejects_bad_arguments():
    flatbuffer = to_tflite(small_model(), "float")
    with pytest.raises(ValueError, match="op_resolver"):
        TFLiteModel(flatbuffer, op_resolver="xnnpack")
    with pytest.raises(ValueError, match="num_threads"):
        TFLiteModel(flatbuffer, num_threads=0)
    with pytest.raises(ValueError, match="flatbuffer"):
        TFLiteModel(b"")


def _in_blocks(model, block=4, sparsity=0.75):
    """``model`` with its hidden kernels zeroed in whole runs of ``block`` consecutive inputs of one
    output (TFLite's 1 x ``block`` blocks), the weakest blocks first."""
    weights = model.get_weights()
    for i in (0, 2):
        kernel = weights[i]
        groups = np.abs(kernel.T.reshape(kernel.shape[1], -1, block)).mean(axis=2)
        cut = np.quantile(groups, sparsity)
        mask = np.repeat(groups > cut, block, axis=1).T
        weights[i] = kernel * mask
    model.set_weights(weights)
    return model


def test_flatbuffer_summary_names_the_blocks_the_converter_chose():
    plain = flatbuffer_summary(to_tflite(small_model(), "float"))
    assert plain["sparse tensors"] == [] and plain["blocks"] == []
    scattered = flatbuffer_summary(to_tflite(small_model(0.75), "float", sparsity=True))
    assert scattered["blocks"] and all(b is None for b in scattered["blocks"])
    assert scattered["ops"].count("DENSIFY") == len(scattered["sparse tensors"])
    blocked = flatbuffer_summary(to_tflite(_in_blocks(small_model()), "float", sparsity=True))
    assert (1, 4) in blocked["blocks"] and "DENSIFY" not in blocked["ops"]


def test_fully_connected_weights_are_the_kernels_transposed():
    model = small_model(0.5)
    weights = fully_connected_weights(to_tflite(model, "float"))
    assert len(weights) == 3
    for w, kernel in zip(weights, kernels_of(model)):
        np.testing.assert_array_equal(w, kernel.T)
    with pytest.raises(ValueError, match="sparsity=True"):
        fully_connected_weights(to_tflite(small_model(0.75), "float", sparsity=True))
    for bad in (b"", "model.tflite", None):
        with pytest.raises(ValueError, match="flatbuffer"):
            fully_connected_weights(bad)


def test_tflite_model_takes_batches_of_images():
    model = keras.Sequential([keras.layers.Flatten(input_shape=(4, 4)), keras.layers.Dense(3)])
    x = np.random.default_rng(1).normal(size=(5, 4, 4)).astype(np.float32)
    out = TFLiteModel(to_tflite(model, "float")).predict(x)
    np.testing.assert_allclose(out, model(x).numpy(), rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="batch"):
        TFLiteModel(to_tflite(model, "float")).predict(np.ones(16, dtype=np.float32))
