import numpy as np
import pytest

from prunebook import exercises_real
from prunebook.exercises import NotYet
from prunebook.exercises_real import check_han_kept, check_most_hurt_class, han_kept_weights, per_class_accuracy
from prunebook.fashion import CLASS_NAMES


def test_han_kept_weights_rounds_each_layer():
    sizes = {"fc1": 235_200, "fc2": 30_000, "fc3": 1_000}
    assert han_kept_weights(sizes) == 18_816 + 2_700 + 260


def test_check_han_kept(capsys):
    assert not check_han_kept(...)
    assert check_han_kept(21_776)
    assert "12.2x fewer" in capsys.readouterr().out
    with pytest.raises(NotYet, match="each layer keeps its own share"):
        check_han_kept(round(0.08 * 266_200))
    with pytest.raises(NotYet, match="round each product"):
        check_han_kept(21_000)
    with pytest.raises(NotYet, match="positive whole number"):
        check_han_kept(0.5)


def test_check_most_hurt_class_compares_with_the_measured_drops(monkeypatch):
    drops = {name: 0.01 for name in CLASS_NAMES} | {"Shirt": 0.09}
    monkeypatch.setattr(exercises_real, "_most_hurt_class", lambda sparsity, seed: ("Shirt", drops))
    assert not check_most_hurt_class(...)
    assert check_most_hurt_class("Shirt")
    with pytest.raises(NotYet, match="Coat drops by 1.0 points"):
        check_most_hurt_class("Coat")
    with pytest.raises(NotYet, match="one of"):
        check_most_hurt_class("Hat")


def test_per_class_accuracy():
    from prunebook._keras import keras

    k = keras()
    model = k.Sequential([k.layers.Dense(10, input_shape=(10,), use_bias=False)])
    model.set_weights([np.eye(10, dtype=np.float32)])
    x = np.eye(10, dtype=np.float32)[[0, 0, 1, 1]]
    y = np.array([0, 1, 1, 1])  # class 0: 1 of 1 right; class 1: 2 of 3 right
    acc = per_class_accuracy(model, np.concatenate([x, np.eye(10, dtype=np.float32)[2:]]),
                             np.concatenate([y, np.arange(2, 10)]))
    assert acc["T-shirt/top"] == 1.0 and acc["Trouser"] == pytest.approx(2 / 3)
    assert all(acc[name] == 1.0 for name in CLASS_NAMES[2:])


def test_check_costliest_layer(monkeypatch):
    from prunebook.exercises_real import check_costliest_layer

    monkeypatch.setattr(exercises_real, "_costs_per_weight",
                        lambda sparsity, seed: {"conv1": 4e-4, "conv2": 2e-6, "fc": 5e-6})
    assert not check_costliest_layer(...)
    assert check_costliest_layer("conv1")
    with pytest.raises(NotYet, match="divide"):
        check_costliest_layer("fc")
    with pytest.raises(NotYet, match="one of"):
        check_costliest_layer("conv3")


def test_check_cnn_allocation(monkeypatch):
    from prunebook.exercises_real import check_cnn_allocation

    monkeypatch.setattr(exercises_real, "one_shot_allocation_accuracy",
                        lambda allocation, seed=0: 0.74 if allocation["conv1"] == 0 else 0.5)
    assert not check_cnn_allocation(...)
    assert check_cnn_allocation({"conv1": 0.0, "conv2": 0.8, "fc": 0.82})
    with pytest.raises(NotYet, match="less than 80%"):
        check_cnn_allocation({"conv1": 0.0, "conv2": 0.5, "fc": 0.5})
    with pytest.raises(NotYet, match="falls to 50.0%"):
        check_cnn_allocation({"conv1": 0.8, "conv2": 0.8, "fc": 0.8})
    with pytest.raises(NotYet, match="keys"):
        check_cnn_allocation({"conv1": 0.5})
    with pytest.raises(NotYet, match="sparsity in"):
        check_cnn_allocation({"conv1": 0.0, "conv2": 1.0, "fc": 0.9})
