import numpy as np
import pytest
import tf_keras as keras

from prunebook.report import kernel_sparsity, sparsity_report


def model_with_zeros():
    model = keras.Sequential([keras.layers.Dense(4, input_dim=5, name="a"), keras.layers.Dense(2, name="b")])
    k1 = np.ones((5, 4), "float32")
    k1[:, :2] = 0  # 10 of 20 zero
    k2 = np.ones((4, 2), "float32")
    k2[0, 0] = 0  # 1 of 8 zero
    model.set_weights([k1, np.zeros(4, "float32"), k2, np.ones(2, "float32")])
    return model


def test_report_counts_zeros_per_weight_and_overall():
    report = sparsity_report(model_with_zeros())
    assert list(report.layer) == ["a", "a", "b", "b", "all"]
    assert list(report.weight[:4]) == ["kernel", "bias", "kernel", "bias"]
    assert list(report.zeros) == [10, 4, 1, 0, 15]
    assert report.sparsity.iloc[0] == 0.5 and report.params.iloc[-1] == 34
    assert report.sparsity.iloc[-1] == pytest.approx(15 / 34)


def test_kernel_sparsity_ignores_biases():
    assert kernel_sparsity(model_with_zeros()) == pytest.approx(11 / 28)


def test_report_reads_through_pruning_wrappers():
    import tensorflow_model_optimization as tfmot

    wrapped = tfmot.sparsity.keras.prune_low_magnitude(model_with_zeros())
    assert kernel_sparsity(wrapped) == pytest.approx(11 / 28)
    assert sparsity_report(wrapped).zeros.iloc[-1] == 15


def test_model_without_kernels_is_rejected():
    model = keras.Sequential([keras.layers.ReLU(input_shape=(3,))])
    with pytest.raises(ValueError, match="kernel"):
        kernel_sparsity(model)
    with pytest.raises(ValueError, match="weights"):
        sparsity_report(model)
