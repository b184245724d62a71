import numpy as np
import pandas as pd
import pytest

from prunebook import realdata
from prunebook.classifiers import (ARMS, accuracy_on, accuracy_table, reference_name, second_phase,
                                   small_dense, small_dense_sweep, sweep)
from prunebook.sparsity import kernel_layers


@pytest.fixture()
def tiny(monkeypatch, tmp_path):
    """120 training and 40 validation images of two blobs of bright pixels (6 steps an epoch),
    and the real-data settings shrunk to fit: 1 dense epoch, 2 pruning epochs, the ramp over 6 steps."""
    monkeypatch.setenv("PRUNEBOOK_CACHE", str(tmp_path))
    for name, value in {"BATCH_SIZE": 20, "DENSE_EPOCHS": 1, "PRUNE_EPOCHS": 2, "FREQUENCY": 2,
                        "RAMP_END": 6}.items():
        monkeypatch.setattr(realdata, name, value)
    rng = np.random.default_rng(0)
    y = rng.integers(0, 10, 160)
    x = rng.random((160, 28, 28), dtype=np.float32) * 0.1
    for i, label in enumerate(y):
        x[i, label * 2:label * 2 + 4, :] += 0.9  # each class lights its own rows
    return (x[:120], x[120:], y[:120], y[120:]), tmp_path


def test_every_arm_trains_both_phases_on_the_same_dense_phase(tiny):
    data, cache = tiny
    runs = {arm: second_phase("LeNet-300-100", data, 0, arm, None if arm == "dense" else 0.9, progress=False)
            for arm in ARMS}
    for run in runs.values():
        assert run.history.epochs == 3 and len(run.history.val_accuracy) == 3
    first = runs["dense"].history.val_accuracy[0]
    assert all(run.history.val_accuracy[0] == first for run in runs.values())  # one dense phase
    assert len(list(cache.iterdir())) == 4  # the dense phase, and one second phase an arm
    assert runs["dense"].history.sparsity == [0.0] * 3
    for arm in ("gradual", "one-shot + fine-tune"):
        assert runs[arm].history.sparsity[-1] == pytest.approx(0.9, abs=0.01)
    assert runs["one-shot + fine-tune"].history.sparsity[1] == pytest.approx(0.9, abs=0.01)  # at once
    again = second_phase("LeNet-300-100", data, 0, "gradual", 0.9, progress=False)
    assert again.history == runs["gradual"].history and len(list(cache.iterdir())) == 4


def test_per_layer_schedules_prune_each_layer_to_its_own_sparsity(tiny):
    data, _ = tiny
    schedules = {name: realdata.gradual_schedule(s) for name, s in {"fc1": 0.9, "fc3": 0.5}.items()}
    run = second_phase("LeNet-300-100", data, 0, "gradual", schedules, progress=False)
    got = {layer.name: float(np.mean(layer.kernel.numpy() == 0)) for layer in kernel_layers(run.model)}
    assert got["fc1"] == pytest.approx(0.9, abs=0.01) and got["fc3"] == pytest.approx(0.5, abs=0.01)
    assert got["fc2"] == 0.0


def test_the_cnn_prunes_its_convolutions_too(tiny):
    data, _ = tiny
    run = second_phase("CNN", data, 0, "gradual", 0.75, progress=False)
    for layer in kernel_layers(run.model):
        assert float(np.mean(layer.kernel.numpy() == 0)) == pytest.approx(0.75, abs=0.02)


def test_small_dense_matches_the_parameter_count_and_trains_both_phases(tiny):
    data, _ = tiny
    hidden, run = small_dense("LeNet-300-100", data, 0, 26_661, progress=False)
    from prunebook.models import cnn_filters_for_params, cnn_params, lenet_hidden_for_params, lenet_params

    assert hidden == lenet_hidden_for_params(26_661)
    assert run.model.count_params() == lenet_params(hidden) and abs(lenet_params(hidden) - 26_661) < 300
    assert run.history.epochs == 3 and run.history.sparsity == [0.0] * 3
    filters, cnn = small_dense("CNN", data, 0, 1_300, progress=False)
    assert filters == cnn_filters_for_params(1_300) and cnn.model.count_params() == cnn_params(filters)
    assert [layer.name for layer in kernel_layers(cnn.model)] == ["conv1", "conv2", "fc"]
    assert cnn.history.epochs == 3
    with pytest.raises(ValueError, match="model_name"):
        small_dense("ResNet", data, 0, 1_000)


def test_bad_arms_and_sparsities(tiny):
    data, _ = tiny
    with pytest.raises(ValueError, match="arm"):
        second_phase("LeNet-300-100", data, 0, "random")
    with pytest.raises(ValueError, match="sparsity"):
        second_phase("LeNet-300-100", data, 0, "dense", 0.5)
    with pytest.raises(ValueError, match="sparsity"):
        second_phase("LeNet-300-100", data, 0, "one-shot + fine-tune", 1.5)


def test_accuracy_on_counts_the_largest_logit():
    from prunebook._keras import keras

    k = keras()
    model = k.Sequential([k.layers.Dense(3, input_shape=(3,), use_bias=False)])
    model.set_weights([np.eye(3, dtype=np.float32)])
    x = np.eye(3, dtype=np.float32)
    assert accuracy_on(model, x, [0, 1, 2]) == 1.0
    assert accuracy_on(model, x, [0, 2, 1], batch_size=1) == pytest.approx(1 / 3)
    with pytest.raises(ValueError, match="rows"):
        accuracy_on(model, x, [0, 1])


def test_accuracy_table_gives_mean_min_max_over_seeds():
    table = accuracy_table({"a": {0: 0.8, 1: 0.9, 2: 0.85}, "b": {0: 0.5}})
    assert table.loc["a", "mean"] == pytest.approx(0.85) and table.loc["a", "min"] == 0.8
    assert table.loc["b", "seeds"] == 1
    with pytest.raises(ValueError, match="accuracies"):
        accuracy_table({"c": {}})


def test_sweep_runs_every_arm_sparsity_and_seed_once(tiny):
    data, cache = tiny
    runs = sweep("LeNet-300-100", data, sparsities=(0.5, 0.9), seeds=(0, 1), progress=False)
    assert set(runs) == {(arm, s, seed) for seed in (0, 1) for arm, s in
                         [("dense", 0.0), ("gradual", 0.5), ("gradual", 0.9),
                          ("one-shot + fine-tune", 0.5), ("one-shot + fine-tune", 0.9)]}
    assert len(list(cache.iterdir())) == 2 * 6  # a dense phase and five second phases a seed
    small = small_dense_sweep("LeNet-300-100", data, {(s, seed): runs[("gradual", s, seed)] for s, seed in
                                     [(0.9, 0), (0.9, 1)]}, progress=False)
    assert set(small) == {(0.9, 0), (0.9, 1)} and small[(0.9, 0)][0] == small[(0.9, 1)][0]
    with pytest.raises(ValueError, match="arms"):
        sweep("LeNet-300-100", data, arms=("dense", "pruned"), progress=False)


def test_reference_names():
    assert reference_name("CNN", "gradual", 0.9, 0) == "CNN|gradual|0.9"
    assert reference_name("LeNet-300-100", "dense", 0.0, 2) == "LeNet-300-100|dense|0_seed2"


def test_allocation_runs_take_one_allocation_or_one_per_seed(tiny):
    from prunebook.classifiers import allocation_runs, allocation_schedules

    data, _ = tiny
    shared = {"fc1": 0.9, "fc2": 0.0, "fc3": 0.5}
    per_seed = {0: {"fc1": 0.8, "fc2": 0.5, "fc3": 0.0}, 1: {"fc1": 0.5, "fc2": 0.5, "fc3": 0.5}}
    runs = allocation_runs("LeNet-300-100", data, {"shared": shared, "per seed": per_seed},
                           seeds=(0, 1), progress=False)
    assert set(runs) == {(name, seed) for name in ("shared", "per seed") for seed in (0, 1)}
    zeros = {layer.name: float(np.mean(layer.kernel.numpy() == 0))
             for layer in kernel_layers(runs[("per seed", 0)].model)}
    assert zeros == {"fc1": pytest.approx(0.8, abs=0.01), "fc2": pytest.approx(0.5, abs=0.01), "fc3": 0.0}
    assert set(allocation_schedules(shared)) == {"fc1", "fc3"}
    with pytest.raises(ValueError, match="at least one layer"):
        allocation_schedules({"fc1": 0.0})


def test_layer_allocations_share_the_budget_two_ways(tiny, monkeypatch):
    from prunebook.classifiers import layer_allocations
    from prunebook.sensitivity import overall_sparsity_of

    data, _ = tiny
    monkeypatch.setattr(realdata, "SCAN_SPARSITIES", (0.5, 0.9, 0.99))
    monkeypatch.setattr(realdata, "BUDGET", 0.8)
    got = layer_allocations("LeNet-300-100", data, seeds=(0, 1), progress=False)
    sizes = {"fc1": 235_200, "fc2": 30_000, "fc3": 1_000}
    assert overall_sparsity_of(got["sensitivity"], sizes) == pytest.approx(0.8, abs=1e-5)
    assert set(got["global threshold"]) == {0, 1}
    for allocation in got["global threshold"].values():
        assert overall_sparsity_of(allocation, sizes) == pytest.approx(0.8, abs=1e-3)


def test_layers_reference_names_and_the_shipped_tolerance():
    from prunebook.classifiers import fashion_tolerance, layers_reference_name
    from prunebook.reference import load_reference

    assert layers_reference_name("CNN", "sensitivity", 0) == "CNN|sensitivity"
    assert layers_reference_name("CNN", "global threshold", 2) == "CNN|global threshold_seed2"
    assert set(load_reference("layers")) >= {layers_reference_name(m, a, s) for m in realdata.MODELS
                                             for a in ("sensitivity", "global threshold")
                                             for s in realdata.SEEDS}
    assert 0 < fashion_tolerance() < 0.1


def test_seed_accuracies_measure_the_trained_seeds_and_read_the_others():
    from types import SimpleNamespace

    from prunebook._keras import keras
    from prunebook.classifiers import seed_accuracies

    k = keras()
    model = k.Sequential([k.layers.Dense(2, input_shape=(2,), use_bias=False)])
    model.set_weights([np.eye(2, dtype=np.float32)])
    x, y = np.eye(2, dtype=np.float32), [0, 0]  # half right
    trained = {("CNN", "gradual", 0.9, 0): SimpleNamespace(model=model)}
    stored = {"CNN|gradual|0.9_seed1": 0.8, "CNN|gradual|0.9_seed2": 0.7, "CNN|gradual|0.5_seed1": 0.1}
    got = seed_accuracies(trained, x, y, stored, name=reference_name)
    assert got == {("CNN", "gradual", 0.9, 0): 0.5, ("CNN", "gradual", 0.9, 1): 0.8,
                   ("CNN", "gradual", 0.9, 2): 0.7}
    with pytest.raises(ValueError, match="'CNN\\|gradual\\|0.9_seed3'.*make_reference"):
        seed_accuracies(trained, x, y, stored, name=reference_name, seeds=(0, 1, 3))


def test_shipped_fashion_runs_hold_every_arm_of_both_models_and_their_test_accuracy():
    from prunebook.classifiers import CHAPTER_ARMS, han_uniform_sparsity, layers_reference_name
    from prunebook.reference import load_reference, load_scores

    curves, tests = load_reference("fashion"), load_scores("fashion_test")
    expected = {reference_name(m, arm, 0.0 if arm == "dense" else s, seed)
                for m, arms in CHAPTER_ARMS.items() for arm in (*arms, "small dense")
                for s in realdata.SPARSITIES for seed in realdata.SEEDS}
    overall = han_uniform_sparsity()
    expected |= {reference_name("LeNet-300-100", arm, overall, seed)
                 for arm in ("Han et al.", "gradual") for seed in realdata.SEEDS}
    assert set(curves) == expected == set(tests)
    assert all(0.1 < value < 1 for value in tests.values())
    layers = {layers_reference_name(m, a, s) for m in realdata.MODELS
              for a in ("sensitivity", "global threshold") for s in realdata.SEEDS}
    assert set(load_reference("layers")) == layers == set(load_scores("layers_test"))


def test_a_scan_is_stored_and_read_back_the_same(tiny, monkeypatch):
    import prunebook.sensitivity as sensitivity
    from prunebook.classifiers import scan_seeds

    data, cache = tiny
    monkeypatch.setattr(realdata, "SCAN_SPARSITIES", (0.5, 0.9))
    first = scan_seeds("LeNet-300-100", data, seeds=(0,), progress=False)[0]
    assert len(list((cache / "results").glob("*.bin"))) == 1
    monkeypatch.setattr(sensitivity, "layer_scan", lambda *a, **k: pytest.fail("scanned again"))
    again = scan_seeds("LeNet-300-100", data, seeds=(0,), progress=False)[0]
    pd.testing.assert_frame_equal(again, first)
    assert list(first.columns) == ["layer", "weights", "sparsity", "accuracy"] and len(first) == 3 * 3
