import numpy as np
import pytest

from prunebook.data import article_data
from prunebook.models import article_mlp
from prunebook.report import kernel_sparsity
from prunebook.schedules import PolynomialSchedule, ScheduleWarning
from prunebook.training import fit_baseline, fit_masked, fit_pruned

# A small stand-in for the article's run: 400 training rows, batch 50 -> 8 steps an epoch.
SMALL = {"epochs": 6, "batch_size": 50, "progress": False}


@pytest.fixture(scope="module")
def data():
    return article_data(n_samples=500, n_features=30, n_informative=10)


def small_model(seed=0):
    return article_mlp(input_dim=30, units=32, seed=seed)


def test_baseline_history_has_one_row_an_epoch(data):
    run = fit_baseline(small_model(), data, cache=False, **SMALL)
    h = run.history
    assert h.epochs == 6 and len(h.val_loss) == len(h.sparsity) == len(h.seconds) == 6
    assert h.loss[-1] < h.loss[0]
    assert all(s == 0 for s in h.sparsity) and all(t > 0 for t in h.seconds)
    assert list(h.to_frame().columns) == ["loss", "val_loss", "sparsity", "seconds"]


def test_same_seed_same_curves(data):
    a = fit_baseline(small_model(), data, cache=False, **SMALL).history
    b = fit_baseline(small_model(), data, cache=False, **SMALL).history
    assert a.loss == b.loss and a.val_loss == b.val_loss


def test_pruned_run_follows_the_schedule(data):
    schedule = PolynomialSchedule(0.0, 0.6, begin_step=8, end_step=40, frequency=8)
    run = fit_pruned(small_model(), data, schedule, cache=False, **SMALL)
    # after epoch e (8 steps each) the mask holds the sparsity of step 8e
    expected = schedule.mask_sparsity(8 * np.arange(1, 7))
    np.testing.assert_allclose(run.history.sparsity, expected, atol=0.01)
    assert not any(hasattr(layer, "pruning_vars") for layer in run.model.layers)  # stripped
    assert kernel_sparsity(run.model) == pytest.approx(run.history.sparsity[-1])


def test_pruned_run_warns_when_it_ends_before_the_schedule(data):
    schedule = PolynomialSchedule(0.0, 0.75, begin_step=10, end_step=500)
    with pytest.warns(ScheduleWarning, match="before end_step=500"):
        fit_pruned(small_model(), data, schedule, cache=False, **SMALL)


def test_cache_returns_the_stored_run(data, tmp_path, monkeypatch):
    monkeypatch.setenv("PRUNEBOOK_CACHE", str(tmp_path))
    first = fit_baseline(small_model(), data, **SMALL)
    assert len(list(tmp_path.iterdir())) == 1
    second = fit_baseline(small_model(), data, **SMALL)
    assert second.history == first.history
    x_val = data[1]
    np.testing.assert_array_equal(first.model.predict(x_val, verbose=0), second.model.predict(x_val, verbose=0))
    fit_baseline(small_model(seed=1), data, **SMALL)  # other initial weights: another entry
    assert len(list(tmp_path.iterdir())) == 2


@pytest.mark.parametrize("kwargs, name", [
    ({"epochs": 0}, "epochs"), ({"batch_size": 0}, "batch_size"), ({"learning_rate": -1.0}, "learning_rate"),
    ({"seed": -1}, "seed"),
])
def test_bad_training_settings(data, kwargs, name):
    with pytest.raises(ValueError, match=name):
        fit_baseline(small_model(), data, cache=False, **{**SMALL, **kwargs})
    with pytest.raises(ValueError, match=name):
        fit_pruned(small_model(), data, PolynomialSchedule(0.0, 0.5, 0, 10), cache=False, **{**SMALL, **kwargs})


def test_bad_data_and_schedule(data):
    with pytest.raises(ValueError, match="data"):
        fit_baseline(small_model(), data[:2], cache=False, **SMALL)
    with pytest.raises(ValueError, match="schedule"):
        fit_pruned(small_model(), data, {"final_sparsity": 0.5}, cache=False, **SMALL)


def test_fit_masked_keeps_pruned_weights_at_zero(data):
    from prunebook.magnitude import kernels_of, layerwise_masks

    model = small_model()
    masks = layerwise_masks(kernels_of(model), 0.8)
    run = fit_masked(model, masks, data, epochs=2, batch_size=50, progress=False)
    assert run.history.sparsity == pytest.approx([0.8, 0.8], abs=0.01)
    for kernel, mask in zip(kernels_of(run.model), masks):
        assert np.all(kernel[mask == 0] == 0)
    with pytest.raises(ValueError, match="one mask per kernel"):
        fit_masked(small_model(), masks[:1], data, epochs=1, progress=False)


def test_pruning_summaries_are_logged_and_read_back(data, tmp_path, monkeypatch):
    from prunebook.summaries import read_pruning_summaries

    monkeypatch.setenv("PRUNEBOOK_CACHE", str(tmp_path))
    schedule = PolynomialSchedule(0.0, 0.6, begin_step=8, end_step=40, frequency=8)
    run = fit_pruned(small_model(), data, schedule, summaries=True, **SMALL)
    logs = read_pruning_summaries(run.log_dir)
    assert set(logs.layer) == {"hidden_1", "hidden_2", "output"}
    # logged at the start of each epoch, at the steps done so far: 0, 8, ..., 40
    assert sorted(set(logs.step)) == [0, 8, 16, 24, 32, 40]
    hidden = logs[logs.layer == "hidden_2"]
    np.testing.assert_allclose(hidden.sparsity, schedule.mask_sparsity(hidden.step), atol=0.01)
    again = fit_pruned(small_model(), data, schedule, summaries=True, **SMALL)  # from the cache, logs included
    assert again.log_dir == run.log_dir and len(read_pruning_summaries(again.log_dir)) == len(logs)


def test_reading_summaries_needs_logs(tmp_path):
    from prunebook.summaries import read_pruning_summaries

    with pytest.raises(ValueError, match="PruningSummaries logs"):
        read_pruning_summaries(tmp_path)
