import numpy as np
import pytest

from prunebook import exercises_real
from prunebook.exercises import NotYet
from prunebook.exercises_real import check_most_hurt_class, han_kept_weights, per_class_accuracy
from prunebook.fashion import CLASS_NAMES


def test_han_kept_weights_rounds_each_layer():
    sizes = {"fc1": 235_200, "fc2": 30_000, "fc3": 1_000}
    assert han_kept_weights(sizes) == 18_816 + 2_700 + 260


def test_check_fc1_sparsity(capsys):
    from prunebook.exercises_real import check_fc1_sparsity

    kept_fc1 = 21_776 - 2_700 - 1_000
    assert not check_fc1_sparsity(...)
    assert check_fc1_sparsity(1 - kept_fc1 / 235_200)
    assert "18,076 weights" in capsys.readouterr().out
    assert check_fc1_sparsity(np.float32(1 - kept_fc1 / 235_200))
    with pytest.raises(NotYet, match="keeps fewer"):
        check_fc1_sparsity(0.95)
    with pytest.raises(NotYet, match="keeps more"):
        check_fc1_sparsity(0.92)
    with pytest.raises(NotYet, match="sparsity in"):
        check_fc1_sparsity(1.0)


def test_check_most_hurt_class_compares_with_the_measured_drops(monkeypatch, capsys):
    drops = {name: 0.01 for name in CLASS_NAMES} | {"Shirt": 0.09, "Coat": 0.02}
    monkeypatch.setattr(exercises_real, "_most_hurt_class", lambda sparsity, seed: ("Shirt", drops))
    assert not check_most_hurt_class(...)
    assert check_most_hurt_class("Shirt")
    assert "the next is Coat" in capsys.readouterr().out
    with pytest.raises(NotYet, match="Coat drops by 2.0 points"):
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


def test_check_cheapest_layer(monkeypatch):
    from prunebook.exercises_real import check_cheapest_layer

    monkeypatch.setattr(exercises_real, "_costs_per_weight",
                        lambda sparsity, seed: {"conv1": 4e-3, "conv2": 5e-5, "fc": 2e-5})
    assert not check_cheapest_layer(...)
    assert check_cheapest_layer("fc")
    with pytest.raises(NotYet, match="divide"):
        check_cheapest_layer("conv2")
    with pytest.raises(NotYet, match="one of"):
        check_cheapest_layer("conv3")


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
