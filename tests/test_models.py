import numpy as np
import pytest

from prunebook import article
from prunebook.models import article_mlp


def test_parameter_count_is_the_articles():
    model = article_mlp()
    assert model.count_params() == article.N_PARAMS == 2_075_649
    assert [layer.name for layer in model.layers] == ["hidden_1", "relu_1", "hidden_2", "relu_2", "output"]


def test_first_layer_uses_he_normal():
    model = article_mlp(input_dim=400, units=300)
    kernel = model.layers[0].kernel.numpy()
    assert model.layers[0].get_config()["kernel_initializer"]["class_name"] == "HeNormal"
    # He normal (truncated): standard deviation close to sqrt(2 / fan_in) times 0.88
    assert 0.8 * np.sqrt(2 / 400) < kernel.std() < 1.0 * np.sqrt(2 / 400)


def test_seed_fixes_the_initial_weights():
    a, b, c = article_mlp(input_dim=8, units=4, seed=1), article_mlp(input_dim=8, units=4, seed=1), \
        article_mlp(input_dim=8, units=4, seed=2)
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(wa, wb)
    assert not np.array_equal(a.get_weights()[0], c.get_weights()[0])


@pytest.mark.parametrize("kwargs, name", [({"units": 0}, "units"), ({"input_dim": -1}, "input_dim"),
                                          ({"seed": -5}, "seed")])
def test_bad_settings(kwargs, name):
    with pytest.raises(ValueError, match=name):
        article_mlp(**kwargs)


def test_parameter_count_formula_and_matching_width():
    from prunebook.models import mlp_params, width_for_params

    assert mlp_params(1024) == article.N_PARAMS
    assert article_mlp(units=37).count_params() == mlp_params(37)
    for n in (article.N_PARAMS, 500_000, 210_000, 2_000):
        w = width_for_params(n)
        assert all(abs(mlp_params(w) - n) <= abs(mlp_params(u) - n) for u in range(1, 1100))
    with pytest.raises(ValueError, match="n_params"):
        width_for_params(0)


def test_lenet_300_100_is_han_et_als_network():
    from prunebook.models import lenet_300_100

    model = lenet_300_100(seed=3)
    assert [layer.name for layer in model.layers] == ["flatten", "fc1", "fc2", "fc3"]
    assert [tuple(layer.kernel.shape) for layer in model.layers[1:]] == [(784, 300), (300, 100), (100, 10)]
    assert model.count_params() == 784 * 300 + 300 + 300 * 100 + 100 + 100 * 10 + 10 == 266_610
    assert model(np.zeros((2, 28, 28), np.float32)).shape == (2, 10)
    again = lenet_300_100(seed=3)
    for a, b in zip(model.get_weights(), again.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(lenet_300_100(seed=4).get_weights()[0], model.get_weights()[0])
    with pytest.raises(ValueError, match="seed"):
        lenet_300_100(seed=-1)


def test_small_cnn_shapes_and_parameters():
    from prunebook.models import small_cnn
    from prunebook.sparsity import kernel_layers

    model = small_cnn(seed=0)
    assert [layer.name for layer in kernel_layers(model)] == ["conv1", "conv2", "fc"]
    assert [tuple(layer.kernel.shape) for layer in kernel_layers(model)] == [
        (3, 3, 1, 16), (3, 3, 16, 32), (800, 10)]
    assert model.count_params() == (9 * 16 + 16) + (9 * 16 * 32 + 32) + (800 * 10 + 10) == 12_810
    assert model(np.zeros((3, 28, 28), np.float32)).shape == (3, 10)
    wide = small_cnn(filters=(8, 24))
    assert tuple(wide.get_layer("fc").kernel.shape) == (24 * 25, 10)
    for filters in ((16,), (16, 0), "16,32"):
        with pytest.raises(ValueError, match="filters"):
            small_cnn(filters=filters)


def test_lenet_widths_matched_to_a_parameter_count():
    from prunebook.models import lenet_300_100, lenet_hidden_for_params, lenet_params

    assert lenet_params((300, 100)) == 266_610
    assert lenet_300_100(hidden=(30, 10)).count_params() == lenet_params((30, 10))
    for n in (266_610, 100_000, 22_000, 5_400):
        h = lenet_hidden_for_params(n)
        assert h[1] == max(1, round(h[0] / 3))
        assert all(abs(lenet_params(h) - n) <= abs(lenet_params((u, max(1, round(u / 3)))) - n)
                   for u in range(1, 1000))
    assert lenet_hidden_for_params(266_610) == (300, 100)
    for bad in ((300,), (300, 0), None):
        with pytest.raises(ValueError, match="hidden"):
            lenet_300_100(hidden=bad)
    with pytest.raises(ValueError, match="n_params"):
        lenet_hidden_for_params(0)


def test_cnn_params_counts_what_keras_builds():
    from prunebook.models import cnn_params, small_cnn

    for filters in ((16, 32), (1, 1), (3, 5), (8, 24)):
        assert cnn_params(filters) == small_cnn(filters=filters).count_params()


def test_cnn_filters_for_params_picks_the_closest_count():
    from prunebook.models import cnn_filters_for_params, cnn_params

    assert cnn_filters_for_params(12_810) == (16, 32)
    assert cnn_filters_for_params(300) == (1, 1)  # 280 parameters, the smallest there is
    for n in (500, 2_000, 6_434):
        a, f = cnn_filters_for_params(n)
        assert a == (f + 1) // 2
        best = abs(cnn_params((a, f)) - n)
        for g in (f - 1, f + 1):
            if g >= 1:
                assert best <= abs(cnn_params(((g + 1) // 2, g)) - n)
    with pytest.raises(ValueError, match="n_params"):
        cnn_filters_for_params(0)
