import numpy as np
import pandas as pd
import pytest

from prunebook.sensitivity import choose_sparsities, global_sparsities, layer_scan, overall_sparsity_of


def _model():
    from prunebook._keras import keras

    k = keras()
    k.utils.set_random_seed(0)
    return k.Sequential([k.layers.Dense(8, input_shape=(4,), name="a"), k.layers.Dense(2, name="b")])


def test_layer_scan_prunes_one_layer_at_a_time():
    model = _model()
    seen = []

    def accuracy(m, x, y):  # records the zero share of each kernel of the model it is given
        seen.append([float(np.mean(layer.kernel.numpy() == 0)) for layer in m.layers])
        return 1.0 - sum(seen[-1]) / 2

    scan = layer_scan(model, None, None, (0.5, 0.75), accuracy=accuracy)
    assert list(scan.columns) == ["layer", "weights", "sparsity", "accuracy"]
    assert scan.layer.tolist() == ["a"] * 3 + ["b"] * 3
    assert scan.weights.tolist() == [32] * 3 + [16] * 3
    assert seen[1] == [0.5, 0.0] and seen[2] == [0.75, 0.0] and seen[3] == [0.0, 0.5]
    assert len(seen) == 5  # the unpruned model is measured once
    assert all(np.mean(layer.kernel.numpy() == 0) == 0 for layer in model.layers)  # untouched
    with pytest.raises(ValueError, match="sparsities"):
        layer_scan(model, None, None, (), accuracy=accuracy)
    with pytest.raises(ValueError, match="sparsities"):
        layer_scan(model, None, None, (1.0,), accuracy=accuracy)


def _scan(rows):
    return pd.DataFrame(rows, columns=["layer", "weights", "sparsity", "accuracy"])


def test_choose_sparsities_prunes_where_a_weight_costs_least():
    # "big" loses little per weight, "small" a lot: the budget goes to "big" first
    scan = _scan([("big", 900, 0.0, 0.9), ("big", 900, 0.5, 0.89), ("big", 900, 0.9, 0.85),
                  ("small", 100, 0.0, 0.9), ("small", 100, 0.5, 0.6), ("small", 100, 0.9, 0.3)])
    sizes = {"big": 900, "small": 100}
    chosen = choose_sparsities(scan, 0.45)
    assert chosen == {"big": 0.5, "small": 0.0}  # 0.5 of 900 is 450 of 1000: exactly the target
    # the next move would pass 0.6: "big" goes part of the way, to exactly 600 of 1000
    chosen = choose_sparsities(scan, 0.6)
    assert chosen["small"] == 0.0 and chosen["big"] == pytest.approx(600 / 900)
    assert overall_sparsity_of(chosen, sizes) == pytest.approx(0.6)
    chosen = choose_sparsities(scan, 0.85)  # big at 0.9 (810), then 40 more from small
    assert chosen["big"] == 0.9 and chosen["small"] == pytest.approx(0.4)
    assert overall_sparsity_of(chosen, sizes) == pytest.approx(0.85)
    with pytest.raises(ValueError, match="beyond the scan"):
        choose_sparsities(scan, 0.95)
    with pytest.raises(ValueError, match="columns"):
        choose_sparsities(scan.drop(columns="weights"), 0.5)
    with pytest.raises(ValueError, match="target"):
        choose_sparsities(scan, 1.2)


def test_global_sparsities_follow_one_threshold():
    model = _model()
    a, b = model.layers[0].kernel, model.layers[1].kernel
    a.assign(np.full((4, 8), 0.1, np.float32) * np.arange(1, 33, dtype=np.float32).reshape(4, 8) / 32)
    b.assign(np.full((8, 2), 1.0, np.float32))  # every weight of b is larger than every weight of a
    got = global_sparsities(model, 0.5)  # 24 of 48 weights: all from a
    assert got == {"a": pytest.approx(0.75), "b": 0.0}
    with pytest.raises(ValueError, match="target"):
        global_sparsities(model, -0.1)


def test_mean_scan_averages_seeds_and_keeps_the_layer_order():
    from prunebook.sensitivity import mean_scan

    a = _scan([("z", 10, 0.0, 0.9), ("z", 10, 0.5, 0.7), ("a", 5, 0.0, 0.9), ("a", 5, 0.5, 0.5)])
    b = a.assign(accuracy=[0.8, 0.6, 0.8, 0.3])
    mean = mean_scan([a, b])
    assert mean.layer.tolist() == ["z", "z", "a", "a"]
    assert mean.accuracy.tolist() == pytest.approx([0.85, 0.65, 0.85, 0.4])
    assert mean.weights.tolist() == [10, 10, 5, 5]
    with pytest.raises(ValueError, match="scans"):
        mean_scan([])
