import numpy as np
import pytest

from prunebook import article, structured
from prunebook.models import article_mlp, mlp_params, small_cnn
from prunebook.schedules import ConstantSchedule, PolynomialSchedule
from prunebook.sparsity import kept_count


def test_tflites_1x4_block_is_tfmots_4_by_1():
    # Keras kernel (inputs, outputs); TFLite weight (outputs, inputs): one output, 4 inputs
    assert structured.TFLITE_BLOCK == (4, 1)
    assert structured.LARGE_BLOCK == (16, 1)
    assert structured.M_BY_N_SPARSITY == 0.5


def test_the_ramp_ends_inside_the_fine_tuning_and_the_one_cut_updates_at_step_1_only():
    ramp = structured.ramp_schedule(0.9)
    assert isinstance(ramp, PolynomialSchedule)
    steps = structured.FINE_TUNE_EPOCHS * article.STEPS_PER_EPOCH
    assert ramp.end_step < steps and ramp.mask_sparsity(steps) == pytest.approx(0.9)
    cut = structured.one_cut_schedule(0.5)
    assert isinstance(cut, ConstantSchedule)
    updates = [t for t in range(1, steps + 1) if cut.is_update_step(t)]
    assert updates == [1]
    for bad in (-0.1, 1.0, "0.5"):
        with pytest.raises(ValueError, match="sparsity"):
            structured.ramp_schedule(bad)
        with pytest.raises(ValueError, match="sparsity"):
            structured.one_cut_schedule(bad)


def test_units_for_sparsity_match_the_unstructured_models_parameters():
    for s in structured.SPARSITIES:
        hidden, output = article.KERNEL_SIZES[:2], article.KERNEL_SIZES[2]
        kept = sum(kept_count(n, s) for n in hidden) + output + article.N_BIAS
        assert structured.kept_kernel_weights(s) + article.N_BIAS == kept
        k = structured.units_for_sparsity(s)
        assert all(abs(mlp_params(k) - kept) <= abs(mlp_params(j) - kept) for j in (k - 1, k + 1))
    widths = [structured.units_for_sparsity(s) for s in structured.SPARSITIES]
    assert widths == sorted(widths, reverse=True) and widths[-1] > 1


def test_strongest_units_rank_by_the_norm_of_incoming_weights():
    kernel = np.array([[3.0, 0.0, 1.0, 2.0], [4.0, 0.1, 1.0, 0.0]])  # norms 5, 0.1, 1.41, 2
    assert structured.unit_norms(kernel) == pytest.approx([5.0, 0.1, 2 ** 0.5, 2.0])
    assert list(structured.strongest_units(kernel, 2)) == [0, 3]
    assert list(structured.strongest_units(np.ones((2, 3)), 2)) == [0, 1]  # ties: lower index
    for bad in (0, 5, 1.5):
        with pytest.raises(ValueError, match="keep"):
            structured.strongest_units(kernel, bad)
    with pytest.raises(ValueError, match="kernel"):
        structured.unit_norms(np.ones(4))


def _zero_other_units(model, keep_per_layer):
    """A copy of the MLP whose hidden units outside ``keep_per_layer`` output zero."""
    weights = model.get_weights()
    for i, keep in enumerate(keep_per_layer):
        drop = np.setdiff1d(np.arange(weights[2 * i].shape[1]), keep)
        weights[2 * i][:, drop] = 0.0
        weights[2 * i + 1][drop] = 0.0
    copy = article_mlp(input_dim=model.input_shape[-1], units=weights[0].shape[1])
    copy.set_weights(weights)
    return copy


def test_remove_neurons_keeps_the_strongest_and_computes_what_the_zeroed_model_computes():
    model = article_mlp(input_dim=12, units=10, seed=3)
    smaller = structured.remove_neurons(model, 4)
    assert [w.shape for w in smaller.get_weights()] == [(12, 4), (4,), (4, 4), (4,), (4, 1), (1,)]
    k1 = model.get_weights()[0]
    keep1 = structured.strongest_units(k1, 4)
    keep2 = structured.strongest_units(model.get_weights()[2][keep1], 4)
    x = np.random.default_rng(0).normal(size=(7, 12)).astype(np.float32)
    expected = _zero_other_units(model, [keep1, keep2])(x).numpy()
    np.testing.assert_allclose(smaller(x).numpy(), expected, rtol=1e-5, atol=1e-6)
    assert model.get_weights()[0].shape == (12, 10)  # unchanged
    for bad in (0, 11):
        with pytest.raises(ValueError, match="units"):
            structured.remove_neurons(model, bad)
    with pytest.raises(ValueError, match="article's MLP"):
        structured.remove_neurons(small_cnn(), 4)


def test_remove_filters_keeps_the_strongest_and_computes_what_the_zeroed_cnn_computes():
    model = small_cnn(filters=(6, 8), seed=1)
    smaller = structured.remove_filters(model, (3, 5))
    k1, b1, k2, b2, kf, bf = model.get_weights()
    keep1 = structured.strongest_units(k1, 3)
    keep2 = structured.strongest_units(k2[:, :, keep1, :], 5)
    zeroed = [w.copy() for w in (k1, b1, k2, b2, kf, bf)]
    drop1 = np.setdiff1d(np.arange(6), keep1)
    drop2 = np.setdiff1d(np.arange(8), keep2)
    zeroed[0][..., drop1] = 0
    zeroed[1][drop1] = 0
    zeroed[2][..., drop2] = 0
    zeroed[3][drop2] = 0
    reference = small_cnn(filters=(6, 8))
    reference.set_weights(zeroed)
    x = np.random.default_rng(1).uniform(size=(5, 28, 28)).astype(np.float32)
    np.testing.assert_allclose(smaller(x).numpy(), reference(x).numpy(), rtol=1e-4, atol=1e-5)
    for bad in ((0, 5), (3, 9), (3,), "3,5"):
        with pytest.raises(ValueError):
            structured.remove_filters(model, bad)
    with pytest.raises(ValueError, match="small_cnn"):
        structured.remove_filters(article_mlp(input_dim=4, units=3), (1, 1))
