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
