import numpy as np
import pytest

from prunebook.schedules import PolynomialSchedule, ScheduleWarning
from prunebook.sparsity import kernel_sparsity, kernels_of
from prunebook.training import fit_baseline, fit_masked, fit_pruned
from small_runs import small_data, small_model

# A small stand-in for the article's run: 400 training rows, batch 50 -> 8 steps an epoch.
SMALL = {"epochs": 6, "batch_size": 50, "progress": False}


@pytest.fixture(scope="module")
def data():
    return small_data()


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


def weights_of(model):
    return [w.copy() for w in model.get_weights()]


@pytest.mark.filterwarnings("ignore::prunebook.schedules.ScheduleWarning")
@pytest.mark.parametrize("how", ["baseline", "pruned"])
def test_the_callers_model_is_untouched_on_a_miss_and_on_a_hit(data, tmp_path, monkeypatch, how):
    monkeypatch.setenv("PRUNEBOOK_CACHE", str(tmp_path))
    schedule = PolynomialSchedule(0.0, 0.6, begin_step=8, end_step=16, frequency=8)

    def fit(model):
        if how == "baseline":
            return fit_baseline(model, data, **SMALL)
        return fit_pruned(model, data, schedule, **SMALL)

    for _ in ("miss", "hit"):
        model = small_model()
        before = weights_of(model)
        run = fit(model)
        assert run.model is not model
        for now, then in zip(model.get_weights(), before):
            np.testing.assert_array_equal(now, then)
        assert not np.array_equal(run.model.get_weights()[0], before[0])  # the copy trained
    assert len(list(tmp_path.iterdir())) == 1


def test_a_copy_learns_what_the_model_itself_would_have(data):
    """Training a copy changes nothing in the result: same curves as training the model in place."""
    from prunebook.training import _fit

    run = fit_baseline(small_model(), data, cache=False, **SMALL)
    model = small_model()
    history = _fit(model, data, epochs=6, batch_size=50, learning_rate=1e-3, seed=0, progress=False)
    assert history.loss == run.history.loss and history.val_loss == run.history.val_loss
    for a, b in zip(model.get_weights(), run.model.get_weights()):
        np.testing.assert_array_equal(a, b)


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
    from prunebook.magnitude import layerwise_masks

    model = small_model()
    before = weights_of(model)
    masks = layerwise_masks(kernels_of(model), 0.8)
    run = fit_masked(model, masks, data, epochs=2, batch_size=50, progress=False)
    assert run.history.sparsity == pytest.approx([0.8, 0.8], abs=0.01)
    assert all(np.array_equal(a, b) for a, b in zip(model.get_weights(), before))  # a copy was trained
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


def written_out_recipe(trained, data, *, epochs, batch_size, seed=0):
    """tfmot's recipe as a chapter writes it, with prunebook's recorder and progress bar."""
    import tensorflow_model_optimization as tfmot
    import tf_keras

    from prunebook.history import History, Run
    from prunebook.training import history_recorder, progress_bar, set_determinism

    prune = tfmot.sparsity.keras
    x_train, x_val, y_train, y_val = data
    copy = tf_keras.models.clone_model(trained)
    copy.set_weights(trained.get_weights())
    model = prune.prune_low_magnitude(copy, pruning_schedule=prune.PolynomialDecay(
        initial_sparsity=0.0, final_sparsity=0.6, begin_step=8, end_step=40, frequency=8))
    set_determinism(seed)
    model.compile(loss="mse", optimizer=tf_keras.optimizers.Adam(learning_rate=1e-3))
    history = History()
    model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=epochs,
              batch_size=batch_size, verbose=0,
              callbacks=[prune.UpdatePruningStep(), history_recorder(history), progress_bar(epochs)])
    return Run(prune.strip_pruning(model), history)


def test_the_recipe_written_out_gives_fit_pruneds_run_and_shares_its_cache_entry(
        data, tmp_path, monkeypatch):
    """A chapter's own tfmot calls, recorded by history_recorder, give fit_pruned's curves to
    the bit; keyed by pruned_settings they find fit_pruned's cache entry (and the reverse)."""
    from prunebook.cache import cached_run
    from prunebook.training import pruned_settings

    monkeypatch.setenv("PRUNEBOOK_CACHE", str(tmp_path))
    schedule = PolynomialSchedule(0.0, 0.6, begin_step=8, end_step=40, frequency=8)
    trained = fit_baseline(small_model(), data, **SMALL).model  # a continuation, as the article's
    by_hand = written_out_recipe(trained, data, epochs=6, batch_size=50)
    helper = fit_pruned(trained, data, schedule, **SMALL)
    assert by_hand.history.loss == helper.history.loss
    assert by_hand.history.val_loss == helper.history.val_loss
    assert by_hand.history.sparsity == helper.history.sparsity
    for a, b in zip(by_hand.model.get_weights(), helper.model.get_weights()):
        np.testing.assert_array_equal(a, b)

    def must_not_train(folder):
        raise AssertionError("the cache entry of fit_pruned was not found")

    key = pruned_settings(schedule, epochs=6, batch_size=50, learning_rate=1e-3, seed=0)
    again = cached_run("pruned", trained, data, key, must_not_train)
    assert again.history == helper.history
    # the trained model read back from the cache keys the same entry as the fresh one
    reread = fit_baseline(small_model(), data, **SMALL).model
    assert cached_run("pruned", reread, data, key, must_not_train).history == helper.history


def test_history_recorder_and_progress_bar_check_their_arguments():
    from prunebook.training import history_recorder, progress_bar, pruned_settings

    with pytest.raises(ValueError, match="history"):
        history_recorder([])
    with pytest.raises(ValueError, match="epochs"):
        progress_bar(0)
    with pytest.raises(ValueError, match="schedule"):
        pruned_settings({"final_sparsity": 0.5}, epochs=1, batch_size=1, learning_rate=1e-3, seed=0)
    with pytest.raises(ValueError, match="seed"):
        pruned_settings(PolynomialSchedule(0.0, 0.5, 0, 10), epochs=1, batch_size=1,
                        learning_rate=1e-3, seed=-1)


def test_prune_low_magnitude_wraps_the_layers_themselves(data):
    """Why a chapter copies the trained model before wrapping it: the wrapped model shares the
    original's layers, so training it prunes the original too."""
    import tensorflow_model_optimization as tfmot

    model = small_model()
    wrapped = tfmot.sparsity.keras.prune_low_magnitude(model)
    assert [w.layer for w in wrapped.layers] == [layer for layer in model.layers]


def _small_classification():
    """400 training and 100 validation rows of 20 features, 3 classes, as float32 / int labels."""
    from sklearn.datasets import make_classification
    from sklearn.model_selection import train_test_split

    x, y = make_classification(n_samples=500, n_features=20, n_informative=8, n_classes=3,
                               random_state=0)
    x_train, x_val, y_train, y_val = train_test_split(x.astype(np.float32), y, test_size=0.2,
                                                      random_state=0)
    return x_train, x_val, y_train, y_val


def _small_classifier(seed=0):
    from prunebook._keras import keras

    k = keras()
    k.utils.set_random_seed(seed)
    return k.Sequential([k.layers.Dense(32, activation="relu", input_shape=(20,)),
                         k.layers.Dense(3)])


def test_a_classifier_trains_with_cross_entropy_and_records_accuracy(tmp_path, monkeypatch):
    monkeypatch.setenv("PRUNEBOOK_CACHE", str(tmp_path))
    data = _small_classification()
    run = fit_baseline(_small_classifier(), data, task="classification", learning_rate=0.01, **SMALL)
    h = run.history
    assert len(h.val_accuracy) == 6 and h.val_accuracy[-1] > 0.6  # three classes: chance is 1/3
    predicted = np.argmax(run.model(data[1]).numpy(), axis=1)
    assert np.mean(predicted == data[3]) == pytest.approx(h.val_accuracy[-1], abs=1e-6)
    schedule = PolynomialSchedule(0.0, 0.75, begin_step=8, end_step=24, frequency=8)
    pruned = fit_pruned(_small_classifier(), data, schedule, task="classification", **SMALL)
    assert len(pruned.history.val_accuracy) == 6 and kernel_sparsity(pruned.model) == pytest.approx(0.75, abs=0.01)
    # the task is part of the key: a regression of the same model and data is another entry
    assert len(list(tmp_path.iterdir())) == 2
    with pytest.raises(ValueError, match="task"):
        fit_baseline(_small_classifier(), data, task="ranking", **SMALL)
    with pytest.raises(ValueError, match="task"):
        fit_pruned(_small_classifier(), data, schedule, task=None, **SMALL)


def test_per_layer_recipe_written_out_gives_fit_pruneds_per_layer_run(data, tmp_path, monkeypatch):
    """clone_model with prune_low_magnitude on chosen layers, each with its own schedule (what a
    chapter writes out), gives fit_pruned's run for the {layer: schedule} dict, to the bit."""
    import tensorflow_model_optimization as tfmot
    import tf_keras

    from prunebook.history import History, Run
    from prunebook.training import history_recorder, set_determinism

    monkeypatch.setenv("PRUNEBOOK_CACHE", str(tmp_path))
    prune = tfmot.sparsity.keras
    schedules = {"hidden_1": PolynomialSchedule(0.0, 0.8, begin_step=8, end_step=40, frequency=8),
                 "output": PolynomialSchedule(0.0, 0.5, begin_step=8, end_step=40, frequency=8)}
    start = small_model()
    copy = tf_keras.models.clone_model(start)
    copy.set_weights(start.get_weights())

    def prune_layer(layer):
        if layer.name in schedules:
            return prune.prune_low_magnitude(layer, pruning_schedule=schedules[layer.name].to_tfmot())
        return layer

    model = tf_keras.models.clone_model(copy, clone_function=prune_layer)
    set_determinism(0)
    model.compile(loss="mse", optimizer=tf_keras.optimizers.Adam(learning_rate=1e-3))
    history = History()
    x_train, x_val, y_train, y_val = data
    model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=6, batch_size=50, verbose=0,
              callbacks=[prune.UpdatePruningStep(), history_recorder(history)])
    by_hand = Run(prune.strip_pruning(model), history)
    helper = fit_pruned(start, data, schedules, **SMALL)
    assert by_hand.history.val_loss == helper.history.val_loss
    for a, b in zip(by_hand.model.get_weights(), helper.model.get_weights()):
        np.testing.assert_array_equal(a, b)
    zeros = [float(np.mean(k == 0)) for k in kernels_of(helper.model)]
    assert zeros == pytest.approx([0.8, 0.0, 0.5], abs=0.01)
    with pytest.raises(ValueError, match="relu_1"):
        fit_pruned(start, data, {"relu_1": schedules["output"]}, **SMALL)
    with pytest.raises(ValueError, match="schedule"):
        fit_pruned(start, data, {}, **SMALL)
