import numpy as np
import pytest

from prunebook import article
from prunebook.data import article_data
from prunebook.experiments import (
    SUMMARY_FORMAT, article_schedule_run, baseline_run, chapter_setup, small_dense_runs, summary_table,
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
