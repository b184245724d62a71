import numpy as np
import pytest
import tf_keras as keras

from prunebook.sparsity import (
    kernel_layers, kernel_sparsity, kernels_of, kept_count, nonzero_params, reached_kernel_sparsity,
    sparsity_report)


def model_with_zeros():
    model = keras.Sequential([keras.layers.Dense(4, input_dim=5, name="a"), keras.layers.ReLU(name="r"),
                              keras.layers.Dense(2, name="b")])
    k1 = np.ones((5, 4), "float32")
    k1[:, :2] = 0  # 10 of 20 zero
    k2 = np.ones((4, 2), "float32")
    k2[0, 0] = 0  # 1 of 8 zero
    model.set_weights([k1, np.zeros(4, "float32"), k2, np.ones(2, "float32")])
    return model


def wrapped(model):
    import tensorflow_model_optimization as tfmot

    return tfmot.sparsity.keras.prune_low_magnitude(model)


def test_kernel_layers_skip_layers_without_a_kernel_and_look_inside_wrappers():
    model = model_with_zeros()
    assert [layer.name for layer in kernel_layers(model)] == ["a", "b"]
    assert [layer.name for layer in kernel_layers(wrapped(model))] == ["a", "b"]
    assert [k.shape for k in kernels_of(wrapped(model))] == [(5, 4), (4, 2)]
    assert kernel_layers(keras.Sequential([keras.layers.ReLU(input_shape=(3,))])) == []


def test_report_counts_zeros_per_weight_and_overall():
    report = sparsity_report(model_with_zeros())
    assert list(report.layer) == ["a", "a", "b", "b", "all"]
    assert list(report.weight[:4]) == ["kernel", "bias", "kernel", "bias"]
    assert list(report.zeros) == [10, 4, 1, 0, 15]
    assert report.sparsity.iloc[0] == 0.5 and report.params.iloc[-1] == 34
    assert report.sparsity.iloc[-1] == pytest.approx(15 / 34)
    assert nonzero_params(model_with_zeros()) == 34 - 15


def test_kernel_sparsity_ignores_biases():
    assert kernel_sparsity(model_with_zeros()) == pytest.approx(11 / 28)


def test_report_reads_through_pruning_wrappers():
    model = wrapped(model_with_zeros())
    assert kernel_sparsity(model) == pytest.approx(11 / 28)
    assert sparsity_report(model).zeros.iloc[-1] == 15 and nonzero_params(model) == 19


def test_model_without_kernels_is_rejected():
    model = keras.Sequential([keras.layers.ReLU(input_shape=(3,))])
    with pytest.raises(ValueError, match="kernel"):
        kernel_sparsity(model)
    with pytest.raises(ValueError, match="weights"):
        sparsity_report(model)


def test_kept_count_is_tfmots_rule():
    assert kept_count(10, 0.5) == 5
    assert kept_count(10, 0.25) == 8  # 7.5 rounds half to even
    assert kept_count(10, 0.35) == 6  # 6.5 rounds half to even
    assert kept_count(3, 0.99) == 1  # at least one weight is kept
    assert kept_count(1024, 0.75) == 256 and isinstance(kept_count(1024, 0.75), int)
    np.testing.assert_array_equal(kept_count(np.array([10, 1024]), 0.75), [2, 256])
    np.testing.assert_allclose(reached_kernel_sparsity(np.array([10, 1024]), 0.75), [0.8, 0.75])
    np.testing.assert_array_equal(kept_count(10, np.array([0.0, 0.25, 0.99])), [10, 8, 1])


def test_kept_count_equals_what_tfmot_keeps():
    from prunebook.magnitude import tfmot_mask

    rng = np.random.default_rng(0)
    for n, s in [(37, 0.5), (100, 0.35), (64, 0.9), (1000, 0.289), (7, 0.99)]:
        mask = tfmot_mask(rng.normal(size=n).astype(np.float32), s)
        assert kept_count(n, s) == int(mask.sum())


@pytest.mark.parametrize("n, s, name", [(0, 0.5, "n_weights"), (2.5, 0.5, "n_weights"), (10, 1.0, "sparsity"),
                                        (np.array([3, 0]), 0.5, "n_weights"), (10, True, "sparsity"),
                                        (10, np.array([0.5, 1.0]), "sparsity"), (10, "0.5", "sparsity")])
def test_kept_count_rejects_bad_arguments(n, s, name):
    with pytest.raises(ValueError, match=name):
        kept_count(n, s)
