import pytest

from prunebook.history import History
from prunebook.reference import assert_close_to_reference, load_reference, log_deviation, write_reference


def h(values):
    return History(loss=list(values), val_loss=list(values), sparsity=[0] * len(values), seconds=[1] * len(values))


def test_deviation_over_the_common_epochs():
    assert log_deviation(h([1.0, 0.1]), h([1.0, 0.1, 0.01])) == 0
    assert log_deviation(h([1.0, 0.2]), h([1.0, 0.1, 0.01])) == pytest.approx(0.30103, abs=1e-5)


def test_assertion_fails_beyond_the_tolerance():
    assert assert_close_to_reference(h([1.0, 0.105]), h([1.0, 0.1]), tolerance=0.03)
    with pytest.raises(AssertionError, match="val_loss|loss"):
        assert_close_to_reference(h([1.0, 0.2]), h([1.0, 0.1]), tolerance=0.03)
    with pytest.raises(ValueError, match="tolerance"):
        assert_close_to_reference(h([1.0]), h([1.0]), tolerance=0)


def test_write_then_load(tmp_path, monkeypatch):
    path = tmp_path / "x.json"
    write_reference(path, {"baseline": h([1.0, 0.5])})
    assert path.read_text().startswith("{")


def test_shipped_article_reference_has_both_runs():
    ref = load_reference("article")
    assert set(ref) == {"baseline", "pruned"} and ref["baseline"].epochs == 200


def test_unknown_reference():
    with pytest.raises(ValueError, match="no reference"):
        load_reference("nope")
