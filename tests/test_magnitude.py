import numpy as np
import pytest
import tf_keras as keras

from prunebook.magnitude import (
    apply_masks, kept_count, global_masks, kernels_of, layerwise_masks, magnitude_mask, masks_for, mse, one_shot_curve,
    tfmot_mask)


@pytest.mark.parametrize("shape, sparsity", [((40, 30), 0.5), ((64,), 0.75), ((17, 13), 0.9),
                                             ((8, 8), 0.0), ((33, 3), 0.99), ((5, 7), 0.37)])
def test_mask_equals_tfmots(shape, sparsity):
    w = np.random.default_rng(sum(shape)).normal(size=shape).astype(np.float32)
    np.testing.assert_array_equal(magnitude_mask(w, sparsity), tfmot_mask(w, sparsity))


def test_mask_equals_tfmots_with_ties():
    w = np.array([[1.0, -1.0, 0.5, 2.0], [0.5, -0.5, 3.0, 1.0]], dtype=np.float32)
    for s in (0.25, 0.5, 0.6, 0.9):
        np.testing.assert_array_equal(magnitude_mask(w, s), tfmot_mask(w, s))


def test_mask_keeps_the_largest_magnitudes():
    w = np.array([0.1, -3.0, 0.2, 2.0, -0.05, 1.0])
    np.testing.assert_array_equal(magnitude_mask(w, 0.5), [0, 1, 0, 1, 0, 1])
    assert magnitude_mask(w, 0.99).sum() == 1  # always keeps one


def test_global_uses_one_threshold_layerwise_one_per_kernel():
    small, big = np.array([[0.1, 0.2]]), np.array([[1.0, 2.0, 3.0, 4.0]])
    g = global_masks([small, big], 0.5)
    np.testing.assert_array_equal(g[0], [[0, 0]])  # the small layer loses everything
    np.testing.assert_array_equal(g[1], [[0, 1, 1, 1]])
    lw = layerwise_masks([small, big], 0.5)
    assert lw[0].sum() == 1 and lw[1].sum() == 2
    with pytest.raises(ValueError, match="mode"):
        masks_for([small], 0.5, "random")


def tiny_model():
    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.layers.Dense(8, input_dim=4), keras.layers.ReLU(), keras.layers.Dense(1)])


def test_apply_masks_returns_a_pruned_copy():
    model = tiny_model()
    before = [w.copy() for w in model.get_weights()]
    masks = layerwise_masks(kernels_of(model), 0.5)
    pruned = apply_masks(model, masks)
    for w, b in zip(model.get_weights(), before):
        np.testing.assert_array_equal(w, b)
    for k, m in zip(kernels_of(pruned), masks):
        assert np.all(k[m == 0] == 0) and np.count_nonzero(k) == m.sum()
    with pytest.raises(ValueError, match="one mask per kernel"):
        apply_masks(model, masks[:1])


def test_one_shot_curve_starts_at_the_unpruned_loss():
    model = tiny_model()
    x = np.random.default_rng(1).normal(size=(64, 4)).astype(np.float32)
    y = x.sum(axis=1)
    curve = one_shot_curve(model, x, y, [0.0, 0.5, 0.9])
    assert curve[0] == pytest.approx(mse(model, x, y), rel=1e-6)
    assert len(curve) == 3


@pytest.mark.parametrize("bad", [-0.1, 1.0])
def test_bad_sparsity(bad):
    with pytest.raises(ValueError, match="sparsity"):
        magnitude_mask(np.ones(4), bad)
    with pytest.raises(ValueError, match="sparsity"):
        global_masks([np.ones(4)], bad)


def test_kept_count_rounds_in_float32_and_keeps_at_least_one():
    assert kept_count(10, 0.75) == 2  # 2.5 rounds to even, as TensorFlow's round does
    assert kept_count(1_024_000, 0.75) == 256_000
    assert kept_count(5, 0.99) == 1
