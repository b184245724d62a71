import json

import numpy as np

import pytest

from prunebook.history import History
from prunebook.reference import (
    assert_close_to_reference, load_reference, log_deviation, seed_spread, write_reference)


def h(values):
    return History(loss=list(values), val_loss=list(values), sparsity=[0] * len(values), seconds=[1] * len(values))


def test_deviation_over_the_common_epochs():
    assert log_deviation(h([1.0, 0.1]), h([1.0, 0.1, 0.01])) == 0
    assert log_deviation(h([1.0, 0.2]), h([1.0, 0.1, 0.01])) == pytest.approx(0.30103, abs=1e-5)
    assert log_deviation(h([10.0, 0.2]), h([1.0, 0.2]), from_epoch=2) == 0
    with pytest.raises(ValueError, match="from_epoch"):
        log_deviation(h([1.0]), h([1.0]), from_epoch=2)


def test_seed_spread_is_the_largest_pairwise_deviation():
    assert seed_spread([h([1.0]), h([2.0]), h([1.5])]) == pytest.approx(0.30103, abs=1e-5)
    with pytest.raises(ValueError, match="two runs"):
        seed_spread([h([1.0])])


def test_assertion_fails_beyond_the_tolerance():
    assert assert_close_to_reference(h([1.0, 0.105]), h([1.0, 0.1]), tolerance=0.03) == pytest.approx(0.0212, abs=1e-4)
    with pytest.raises(AssertionError, match="val_loss departs"):
        assert_close_to_reference(h([1.0, 0.2]), h([1.0, 0.1]), tolerance=0.03)
    with pytest.raises(ValueError, match="tolerance"):
        assert_close_to_reference(h([1.0]), h([1.0]), tolerance=0)


def test_write_stores_curves_but_not_seconds(tmp_path):
    path = tmp_path / "x.json"
    write_reference(path, {"baseline": h([1.0, 0.5])})
    stored = json.loads(path.read_text())["baseline"]
    assert stored["val_loss"] == [1.0, 0.5] and stored["seconds"] == [0.0, 0.0]


def test_shipped_article_reference_holds_three_seeds_of_each_run():
    from prunebook.reference import SEEDS, run_name

    ref = load_reference("article")
    assert {run_name(r, s) for r in ("baseline", "pruned", "continued") for s in SEEDS} <= set(ref)
    assert all(run.epochs == 200 for run in ref.values())
    assert ref["pruned"].sparsity[-1] == pytest.approx(0.2894, abs=1e-3)
    # the article's own pruned fit (continued from the trained baseline) counts its steps from 1
    # again, so it ends at the same sparsity; its first epoch starts from a dense model
    for s in SEEDS:
        continued = ref[run_name("continued", s)]
        assert continued.sparsity[0] == 0 and continued.sparsity[-1] == ref["pruned"].sparsity[-1]


def test_shipped_fair_reference_holds_every_arm_of_seed_0():
    from prunebook.experiments import FAIR_NAMES

    ref = load_reference("fair")
    assert set(FAIR_NAMES.values()) <= set(ref)
    assert all(run.epochs == 200 for run in ref.values())
    assert ref["gradual"].sparsity[-1] == ref["oneshot_finetune"].sparsity[-1] == 0.75
    assert ref["oneshot_finetune"].sparsity[24] == 0.0 and ref["oneshot_finetune"].sparsity[25] == 0.75
    assert ref["dense_restart"].val_loss[:25] == ref["oneshot_finetune"].val_loss[:25]


def test_shipped_fair_reference_holds_every_seed_of_every_arm():
    from prunebook.experiments import FAIR_NAMES
    from prunebook.reference import SEEDS, run_name

    ref = load_reference("fair")
    assert {run_name(name, seed) for name in FAIR_NAMES.values() for seed in SEEDS} <= set(ref)
    # the seeds differ: each is its own run, not a copy of seed 0
    for name in FAIR_NAMES.values():
        finals = {ref[run_name(name, seed)].val_loss[-1] for seed in SEEDS}
        assert len(finals) == len(SEEDS)


def test_unknown_reference():
    with pytest.raises(ValueError, match="no reference"):
        load_reference("nope")


def test_run_names_of_the_seeds():
    from prunebook.reference import SEEDS, run_name

    assert [run_name("pruned", s) for s in SEEDS] == ["pruned", "pruned_seed1", "pruned_seed2"]


def test_seed_tolerance_is_the_largest_spread_of_any_runs_seeds():
    from prunebook.reference import seed_tolerance

    ref = {"a": h([1.0, 1.0]), "a_seed1": h([9.0, 1.1]), "a_seed2": h([1.0, 1.0]),
           "b": h([1.0, 1.0]), "b_seed1": h([1.0, 1.2]), "b_seed2": h([1.0, 1.0])}
    assert seed_tolerance(ref, ("a", "b"), from_epoch=2) == pytest.approx(np.log10(1.2))
    assert seed_tolerance(ref, ("a",), from_epoch=2) == pytest.approx(np.log10(1.1))
    assert seed_tolerance(ref, ("a",), from_epoch=1) == pytest.approx(np.log10(9.0))
    with pytest.raises(ValueError, match="missing \\['c', 'c_seed1', 'c_seed2'\\]"):
        seed_tolerance(ref, ("c",), from_epoch=1)
    with pytest.raises(ValueError, match="runs"):
        seed_tolerance(ref, (), from_epoch=1)


def test_the_shipped_seed_tolerance_of_the_article():
    from prunebook import article
    from prunebook.reference import seed_tolerance

    tolerance = seed_tolerance(load_reference("article"), from_epoch=article.FROM_EPOCH)
    assert tolerance == pytest.approx(0.1235, abs=1e-4)  # a factor 1.33: what chapters 03 and 05 allow


def test_check_runs_summarises_and_fails_like_assert_close_to_reference():
    from prunebook.history import History, Run
    from prunebook.reference import check_runs

    ref = {"a": History(loss=[1.0, 1.0], val_loss=[1.0, 0.5], sparsity=[0, 0], seconds=[0, 0]),
           "b": History(loss=[1.0, 1.0], val_loss=[1.0, 0.5], sparsity=[0, 0], seconds=[0, 0])}
    near = History(loss=[1.0, 1.0], val_loss=[1.0, 0.51], sparsity=[0, 0], seconds=[0, 0])
    text = check_runs({"a": Run(None, ref["a"]), "b": Run(None, near)}, ref, tolerance=0.05)
    assert text.startswith("2 runs checked") and text.endswith("identical to the stored curves: 1")
    with pytest.raises(AssertionError, match="departs"):
        check_runs({"b": Run(None, near)}, ref, tolerance=0.001)
    with pytest.raises(ValueError, match="no run named"):
        check_runs({"c": Run(None, near)}, ref, tolerance=0.05)


def test_scores_round_trip_and_bad_files(tmp_path, monkeypatch):
    from prunebook import reference
    from prunebook.reference import load_scores, write_scores

    write_scores(tmp_path / "some.json", {"b": 0.5, "a": np.float32(0.25)})
    text = (tmp_path / "some.json").read_text()
    assert text.index('"a"') < text.index('"b"')  # sorted by run
    monkeypatch.setattr(reference.resources, "files", lambda _: tmp_path.parent)
    (tmp_path.parent / "reference").mkdir(exist_ok=True)
    (tmp_path.parent / "reference" / "some.json").write_text(text)
    assert load_scores("some") == {"a": 0.25, "b": 0.5}
    (tmp_path.parent / "reference" / "bad.json").write_text('{"a": "high"}')
    with pytest.raises(ValueError, match="numbers"):
        load_scores("bad")
    with pytest.raises(ValueError, match="make_reference"):
        load_scores("none")
