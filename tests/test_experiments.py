import numpy as np
import pytest

from prunebook import article
from prunebook.data import article_data
from prunebook.experiments import (
    FAIR_ARMS, FAIR_NAMES, SUMMARY_FORMAT, article_schedule_run, baseline_run, chapter_setup, fair_histories, fair_runs, fair_table,
    first_cut_epoch, join_histories, masked_run, restart_run, small_dense_runs, summary_table,
    sweep_runs)
from prunebook.history import History, Run
from prunebook.models import mlp_params
from prunebook.sparsity import nonzero_params


@pytest.fixture(scope="module")
def data():
    return article_data(n_samples=300, n_features=1000, n_informative=20)


# two epochs of one step never reach the schedule: the ScheduleWarning is expected here
@pytest.mark.filterwarnings("ignore::prunebook.schedules.ScheduleWarning")
def test_sweep_and_small_dense_runs(data, tmp_path_factory, monkeypatch):
    monkeypatch.setenv("PRUNEBOOK_CACHE", str(tmp_path_factory.mktemp("cache")))
    # 240 rows at batch 1024 is 1 step an epoch; the corrected ramp ends at step 1000, so use a
    # short stand-in: only check wiring, sizes and that the runs are cached
    sweep = sweep_runs(data, sparsities=(0.5,), epochs=2, progress=False)
    assert set(sweep) == {0.5} and sweep[0.5].history.epochs == 2
    dense = small_dense_runs(data, sweep, epochs=2, progress=False)
    width, run = dense[0.5]
    assert mlp_params(width) == run.model.count_params()
    assert abs(mlp_params(width) - nonzero_params(sweep[0.5].model)) < 2 * width + 1004


@pytest.mark.filterwarnings("ignore::prunebook.schedules.ScheduleWarning")
def test_the_articles_two_runs_use_its_model_and_settings(data, monkeypatch):
    monkeypatch.setenv("PRUNEBOOK_SCALE", "quick")
    base = baseline_run(data, epochs=2, progress=False, cache=False)
    pruned = article_schedule_run(data, epochs=2, progress=False, cache=False, summaries=True)
    assert base.model.count_params() == pruned.model.count_params() == article.N_PARAMS
    assert base.history.epochs == pruned.history.epochs == 2
    assert base.history.loss == pruned.history.loss  # the schedule starts pruning at step 1000
    assert pruned.log_dir is not None


def test_chapter_setup_is_the_article_data_at_the_current_scale(monkeypatch):
    monkeypatch.setenv("PRUNEBOOK_SCALE", "quick")
    data, settings = chapter_setup()
    assert [len(part) for part in data] == [article.N_TRAIN, article.N_VAL, article.N_TRAIN, article.N_VAL]
    assert settings == {**article.training_settings("full"), "epochs": article.QUICK_EPOCHS}


def fake_run(loss, val_loss, sparsity, seconds):
    import tf_keras as keras

    model = keras.Sequential([keras.layers.Dense(2, input_dim=3)])
    kernel = np.ones((3, 2), "float32")
    kernel[0] = 0  # 2 of 6 kernel weights zero; biases are zeros too
    model.set_weights([kernel, np.zeros(2, "float32")])
    return Run(model, History(loss=loss, val_loss=val_loss, sparsity=sparsity, seconds=seconds))


def test_summary_table_has_one_row_a_run():
    table = summary_table({"a": fake_run([1.0, 0.5], [2.0, 3.0], [0.0, 1 / 3], [1.0, 3.0]),
                           "b": fake_run([4.0], [0.25], [0.5], [2.0])})
    assert list(table.index) == ["a", "b"] and list(table.columns) == list(SUMMARY_FORMAT)
    a = table.loc["a"]
    assert (a["final loss"], a["final val_loss"], a["best val_loss"]) == (0.5, 3.0, 2.0)
    assert a["kernel sparsity"] == pytest.approx(1 / 3)
    assert (a["parameters"], a["non-zero parameters"]) == (8, 4)
    assert a["sparsity of all weights"] == 0.5
    assert (a["training seconds"], a["median seconds per epoch"]) == (4.0, 2.0)
    assert table.style.format(SUMMARY_FORMAT).to_html()
    with pytest.raises(ValueError, match="runs"):
        summary_table({})


@pytest.mark.filterwarnings("ignore::prunebook.schedules.ScheduleWarning")
def test_the_continued_run_starts_from_the_trained_baseline(data, tmp_path, monkeypatch):
    from prunebook.experiments import continued_run

    monkeypatch.setenv("PRUNEBOOK_CACHE", str(tmp_path))
    base = baseline_run(data, epochs=2, progress=False)
    cont = continued_run(data, base, epochs=2, progress=False)
    assert cont.history.epochs == 2 and cont.model.count_params() == article.N_PARAMS
    assert continued_run(data, epochs=2, progress=False).history == cont.history  # one entry
    assert len(list(tmp_path.iterdir())) == 2
    # it starts where the baseline ended, not from the initial weights as the controlled run does
    controlled = article_schedule_run(data, epochs=2, progress=False)
    assert controlled.history.loss != cont.history.loss
    assert len(list(tmp_path.iterdir())) == 3


def test_first_cut_epoch_is_the_epoch_of_the_schedules_begin_step():
    from prunebook.schedules import PolynomialSchedule

    assert first_cut_epoch(article.corrected_schedule(0.75)) == 200 // article.STEPS_PER_EPOCH == 25
    assert first_cut_epoch(PolynomialSchedule(0.0, 0.5, 201, 1000)) == 26  # step 201 is in epoch 26
    assert first_cut_epoch(PolynomialSchedule(0.0, 0.5, 0, 1000)) == 1
    assert first_cut_epoch(PolynomialSchedule(0.0, 0.5, 10, 100), n_samples=100, batch_size=10) == 1


def test_join_histories_puts_the_second_phase_after_the_first():
    a = History(loss=[1.0], val_loss=[2.0], sparsity=[0.0], seconds=[1.0])
    b = History(loss=[3.0, 4.0], val_loss=[5.0, 6.0], sparsity=[0.5, 0.5], seconds=[1.0, 2.0])
    joined = join_histories(a, b)
    assert joined.epochs == 3 and joined.val_loss == [2.0, 5.0, 6.0] and joined.sparsity == [0.0, 0.5, 0.5]


def test_masked_run_holds_the_mask_and_is_cached(tmp_path, monkeypatch):
    from small_runs import small_data, small_model

    from prunebook.magnitude import layerwise_masks
    from prunebook.sparsity import kernels_of

    monkeypatch.setenv("PRUNEBOOK_CACHE", str(tmp_path))
    data, model = small_data(), small_model()
    masks = layerwise_masks(kernels_of(model), 0.75)
    settings = {"epochs": 2, "batch_size": 50, "learning_rate": 1e-3, "seed": 0}
    run = masked_run(model, masks, data, progress=False, **settings)
    assert run.history.sparsity == pytest.approx([0.75, 0.75], abs=0.01)
    for kernel, mask in zip(kernels_of(run.model), masks):
        assert np.all(kernel[mask == 0] == 0)
    assert len(list(tmp_path.iterdir())) == 1
    again = masked_run(model, masks, data, progress=False, **settings)
    assert again.history == run.history and len(list(tmp_path.iterdir())) == 1  # read back
    other = layerwise_masks(kernels_of(model), 0.5)
    masked_run(model, other, data, progress=False, **settings)
    assert len(list(tmp_path.iterdir())) == 2  # other masks, other key


def test_restart_run_shares_the_dense_phase_and_restarts_at_the_cut(data, tmp_path, monkeypatch):
    monkeypatch.setenv("PRUNEBOOK_CACHE", str(tmp_path))
    dense = restart_run(data, cut_epoch=2, epochs=4, progress=False)
    pruned = restart_run(data, cut_epoch=2, sparsity=0.75, epochs=4, progress=False)
    assert dense.history.epochs == pruned.history.epochs == 4
    assert dense.history.val_loss[:2] == pruned.history.val_loss[:2]  # one dense phase, from the cache
    assert dense.history.sparsity == [0.0] * 4
    assert pruned.history.sparsity == pytest.approx([0.0, 0.0, 0.75, 0.75], abs=1e-3)
    assert len(list(tmp_path.iterdir())) == 3  # the dense phase, and one second phase each
    # the restart: a fresh Adam from the weights at the cut, not a continuation of the first run
    straight = baseline_run(data, epochs=4, progress=False)
    assert straight.history.val_loss[:2] == dense.history.val_loss[:2]
    assert straight.history.val_loss[2:] != dense.history.val_loss[2:]
    again = restart_run(data, cut_epoch=2, sparsity=0.75, epochs=4, progress=False)
    assert again.history == pruned.history and len(list(tmp_path.iterdir())) == 4
    for cut in (0, 4):
        with pytest.raises(ValueError, match="cut_epoch"):
            restart_run(data, cut_epoch=cut, epochs=4, progress=False)


@pytest.mark.filterwarnings("ignore::prunebook.schedules.ScheduleWarning")
def test_fair_runs_trains_every_arm_for_every_seed_on_the_same_budget(data, tmp_path, monkeypatch):
    monkeypatch.setenv("PRUNEBOOK_CACHE", str(tmp_path))
    runs = fair_runs(data, seeds=(0, 1), epochs=3, progress=False)
    assert runs["info"]["cut_epoch"] == 2  # 1 step an epoch: the first cut is after the run; clamped
    for arm in FAIR_ARMS:
        assert set(runs[arm]) == {0, 1}
        assert all(run.history.epochs == 3 for run in runs[arm].values())
    assert runs["one-shot + fine-tune"][0].history.sparsity[-1] == pytest.approx(0.75, abs=1e-3)
    table = fair_table(fair_histories(runs, {}, seeds=(0, 1)))
    assert list(table.index) == list(FAIR_ARMS) and list(table.columns) == ["mean", "min", "max", "seeds"]
    finals = [run.history.val_loss[-1] for run in runs["dense"].values()]
    assert table.loc["dense", "mean"] == pytest.approx(np.mean(finals))
    assert (table["min"] <= table["mean"]).all() and (table["mean"] <= table["max"]).all()


def _history(final):
    return History(loss=[1.0, final], val_loss=[1.0, final], sparsity=[0.0, 0.0], seconds=[0.0, 0.0])


def test_fair_histories_takes_trained_seeds_first_and_the_stored_record_for_the_rest():
    from prunebook.reference import run_name

    trained = {arm: {0: Run(None, _history(0.5))} for arm in FAIR_ARMS}
    trained["info"] = {"cut_epoch": 1}
    stored = {run_name(name, seed): _history(0.1 * (seed + 1))
              for name in FAIR_NAMES.values() for seed in (0, 1, 2)}
    histories = fair_histories(trained, stored, seeds=(0, 1, 2))
    assert list(histories) == list(FAIR_ARMS)
    assert all(h[0].val_loss[-1] == 0.5 for h in histories.values())  # trained, not stored
    assert all(h[2].val_loss[-1] == pytest.approx(0.3) for h in histories.values())
    table = fair_table(histories)
    assert table.loc["dense", "min"] == pytest.approx(0.2) and table.loc["dense", "max"] == 0.5
    assert table.loc["dense", "seeds"] == 3
    del stored[run_name("dense", 2)]
    with pytest.raises(ValueError, match="dense_seed2.*make_reference.py --only fair"):
        fair_histories(trained, stored, seeds=(0, 1, 2))
    with pytest.raises(ValueError, match="histories"):
        fair_table({"dense": {}})


def test_sweep_histories_take_the_trained_targets_and_the_stored_record_for_the_rest():
    from prunebook.experiments import sweep_histories

    trained = {0.75: Run(None, _history(0.5)), 0.9: Run(None, _history(0.6))}
    stored = {f"sweep_{s}": _history(s) for s in (0.5, 0.75, 0.9, 0.95)}
    got = sweep_histories(trained, stored, sparsities=(0.5, 0.75, 0.9, 0.95))
    assert list(got) == [0.5, 0.75, 0.9, 0.95]
    assert got[0.75].val_loss[-1] == 0.5 and got[0.5].val_loss[-1] == 0.5  # trained / stored
    assert got[0.95].val_loss[-1] == 0.95
    with pytest.raises(ValueError, match="sweep_0.98.*make_reference.py --only reaching"):
        sweep_histories(trained, stored, sparsities=(0.75, 0.98))
