"""The training cache: keyed by the training code too, robust to damaged entries and to races."""
import gc
import importlib
import sys
import tempfile
import warnings

import pytest
import small_runs

from prunebook import cache
from prunebook.history import History, Run
from prunebook.training import fit_baseline, fit_pruned

SMALL = {"epochs": 2, "batch_size": 50, "progress": False}


@pytest.fixture(scope="module")
def data():
    return small_runs.small_data(n_samples=200, n_features=12)


def small_model(seed=0):
    return small_runs.small_model(input_dim=12, units=8, seed=seed)


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("PRUNEBOOK_CACHE", str(folder))
    return folder


@pytest.fixture
def trainer_module(tmp_path, monkeypatch):
    """A module that counts as training code: its source is part of every key."""
    source = tmp_path / "src"
    source.mkdir()
    path = source / "fake_trainer.py"
    path.write_text("LEARNING = 'the first version'\n")
    monkeypatch.syspath_prepend(str(source))
    importlib.invalidate_caches()
    monkeypatch.setattr(cache, "TRAINING_MODULES", (*cache.TRAINING_MODULES, "fake_trainer"))
    return path


def entries(folder):
    return sorted(p.name for p in folder.iterdir())


def test_every_training_module_is_read_and_the_digest_follows_the_source(trainer_module):
    assert "fake_trainer" in cache.TRAINING_MODULES and "prunebook.training" in cache.TRAINING_MODULES
    before = cache.code_digest()
    assert cache.code_digest() == before
    trainer_module.write_text("LEARNING = 'a changed line'\n")
    assert cache.code_digest() != before
    with pytest.raises(ValueError, match="modules must name importable modules"):
        cache.code_digest(["prunebook.no_such_module"])


def test_a_changed_training_module_changes_the_key_and_trains_again(data, cache_dir, trainer_module):
    first = fit_baseline(small_model(), data, **SMALL)
    fit_baseline(small_model(), data, **SMALL)  # same code: read back
    assert len(entries(cache_dir)) == 1
    trainer_module.write_text("LEARNING = 'a changed line'\n")
    retrained = fit_baseline(small_model(), data, **SMALL)
    assert len(entries(cache_dir)) == 2  # a new key: trained again, not read from the old entry
    assert retrained.history.loss == first.history.loss  # (the fake change changes no number)


def test_the_key_covers_settings_weights_and_data(data):
    settings = {"epochs": 2, "batch_size": 50, "learning_rate": 1e-3, "seed": 0}
    key = cache.cache_key("baseline", small_model(), data, settings)
    assert key == cache.cache_key("baseline", small_model(), data, dict(settings))
    others = [cache.cache_key("pruned", small_model(), data, settings),
              cache.cache_key("baseline", small_model(seed=1), data, settings),
              cache.cache_key("baseline", small_model(), data, {**settings, "epochs": 3}),
              cache.cache_key("baseline", small_model(), (data[0] * 2, *data[1:]), settings)]
    assert len({key, *others}) == 5


def damage_model(entry):
    path = entry / cache.MODEL_FILE
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def damage_history(entry):
    (entry / cache.HISTORY_FILE).write_text('{"loss": [0.1')


def remove_model(entry):
    (entry / cache.MODEL_FILE).unlink()


@pytest.mark.parametrize("damage", [damage_model, damage_history, remove_model])
def test_a_damaged_entry_is_trained_again_with_a_warning(data, cache_dir, damage):
    first = fit_baseline(small_model(), data, **SMALL)
    (key,) = entries(cache_dir)
    damage(cache_dir / key)
    with pytest.warns(cache.CacheWarning, match="could not be read.*training it again"):
        again = fit_baseline(small_model(), data, **SMALL)
    assert again.history.val_loss == first.history.val_loss  # trained again, the same way
    assert entries(cache_dir) == [key]  # repaired in place, nothing left aside
    with warnings.catch_warnings():  # the repaired entry reads back without a warning
        warnings.simplefilter("error", cache.CacheWarning)
        assert fit_baseline(small_model(), data, **SMALL).history == again.history


def tiny_run():
    return Run(small_model(), History(loss=[1.0], val_loss=[2.0], sparsity=[0.0], seconds=[0.1]))


def test_a_writer_that_loses_the_race_keeps_the_winners_entry(data, cache_dir):
    """Another process stores the same key while this one trains: one whole entry stays."""
    settings = {"epochs": 1}
    model = small_model()

    def winner(folder):
        return tiny_run()

    def loser(folder):
        # while this one trains, the other process finishes and renames its entry into place
        cache.cached_run("baseline", model, data, settings, winner)
        assert len([p for p in cache_dir.iterdir() if not p.name.startswith(".")]) == 1
        run = tiny_run()
        run.history.loss[0] = 99.0
        return run

    cache.cached_run("baseline", model, data, settings, loser)
    (key,) = entries(cache_dir)  # no temporary folder is left behind
    stored = cache.cached_run("baseline", model, data, settings, lambda folder: pytest.fail("retrained"))
    assert stored.history.loss == [1.0]  # the winner's entry, whole


def test_a_run_that_fails_leaves_no_entry_and_no_temporary_folder(data, cache_dir):
    def failing(folder):
        (folder / "partial").write_text("half a run")
        raise RuntimeError("out of memory")

    with pytest.raises(RuntimeError, match="out of memory"):
        cache.cached_run("baseline", small_model(), data, {}, failing)
    assert entries(cache_dir) == []


@pytest.mark.filterwarnings("ignore::prunebook.schedules.ScheduleWarning")
def test_with_the_cache_off_no_temporary_folder_is_left_behind(data, tmp_path, monkeypatch):
    from prunebook.schedules import PolynomialSchedule
    from prunebook.summaries import read_pruning_summaries

    monkeypatch.setenv("PRUNEBOOK_CACHE", "off")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))

    def ours():  # TensorFlow's autograph writes its own files there too
        return list(scratch.glob("prunebook-*"))

    fit_baseline(small_model(), data, **SMALL)
    assert ours() == []
    schedule = PolynomialSchedule(0.0, 0.5, begin_step=0, end_step=4, frequency=2)
    run = fit_pruned(small_model(), data, schedule, summaries=True, **SMALL)
    assert len(read_pruning_summaries(run.log_dir)) > 0  # the logs live as long as the run
    assert ours() == [run.log_dir.parent]
    del run
    gc.collect()
    assert ours() == []


def test_the_cache_folder_is_in_the_make_target():
    from pathlib import Path

    makefile = (Path(__file__).resolve().parents[1] / "Makefile").read_text()
    assert "clean-cache:" in makefile and "rm -rf _cache" in makefile
    assert sys.modules["prunebook.cache"].__doc__.count("make clean-cache") == 1
