import numpy as np
import pytest
import tf_keras as keras

from prunebook.deploy import (
    CSRModel, TFLiteModel, binary_entropy, bitmask_layout, compressed_sizes, entropy_bound_bytes,
    median_seconds, quantize_int8, to_tflite)
from prunebook.magnitude import apply_masks, layerwise_masks
from prunebook.sparsity import kernels_of


def small_model(sparsity=0.0):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.layers.Dense(32, input_dim=20, name="h1"), keras.layers.ReLU(),
                              keras.layers.Dense(32, name="h2"), keras.layers.ReLU(), keras.layers.Dense(1, name="out")])
    if sparsity:
        model = apply_masks(model, layerwise_masks(kernels_of(model), sparsity))
    return model


X = np.random.default_rng(0).normal(size=(64, 20)).astype(np.float32)


def test_entropy_bound():
    assert binary_entropy(0.5) == 1 and binary_entropy(0) == 0
    # 75 % sparse float32: values + H(0.25) bits a weight
    n = 1_000_000
    bound = entropy_bound_bytes(n, n // 4)
    assert bound == pytest.approx(n // 4 * 4 + n * binary_entropy(0.25) / 8)
    assert 4 * n / bound == pytest.approx(3.63, abs=0.01)
    assert 4 * n / entropy_bound_bytes(n, n // 4, bytes_per_value=1) == pytest.approx(11.4, abs=0.1)
    with pytest.raises(ValueError, match="n_nonzero"):
        entropy_bound_bytes(10, 11)
    with pytest.raises(ValueError, match="p must"):
        binary_entropy(1.5)


def test_compressed_sizes_of_zeros_and_noise():
    zeros = compressed_sizes(bytes(100_000))
    noise = compressed_sizes(np.random.default_rng(0).integers(0, 256, 100_000, dtype=np.uint8).tobytes())
    assert zeros["gzip"] < 1000 and zeros["lzma"] < 1000 and noise["gzip"] > 99_000
    with pytest.raises(ValueError, match="non-empty"):
        compressed_sizes(b"")


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


def test_dense_numpy_forward_and_latency_table():
    from prunebook.deploy import dense_kernels_model, latency_table

    model = small_model(0.5)
    forward = dense_kernels_model(model)
    np.testing.assert_allclose(forward(X), model(X).numpy(), rtol=1e-4, atol=1e-5)
    table = latency_table({"numpy": forward, "csr": CSRModel(model).predict}, X, batch_sizes=(1, 8), repeats=3)
    assert list(table.index) == ["numpy", "csr"] and list(table.columns) == ["batch 1", "batch 8"]
    assert (table.to_numpy() > 0).all()


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
