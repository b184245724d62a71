import pytest

from prunebook.history import History


def test_round_trip_and_frame():
    h = History()
    h.append(loss=1.0, val_loss=2.0, sparsity=0.0, seconds=0.5)
    h.append(loss=0.5, val_loss=1.5, sparsity=0.1, seconds=0.4)
    assert History.from_json(h.to_json()) == h
    frame = h.to_frame()
    assert list(frame.index) == [1, 2] and frame.loc[2, "sparsity"] == 0.1


def test_unequal_columns_are_rejected():
    with pytest.raises(ValueError, match="equal lengths"):
        History(loss=[1.0], val_loss=[], sparsity=[], seconds=[])


def test_a_classifiers_history_records_val_accuracy_and_a_regressions_does_not():
    h = History()
    h.append(loss=1.0, val_loss=2.0, sparsity=0.0, seconds=0.5, val_accuracy=0.4)
    h.append(loss=0.5, val_loss=1.5, sparsity=0.1, seconds=0.4, val_accuracy=0.6)
    assert History.from_json(h.to_json()) == h
    assert h.to_frame().loc[2, "val_accuracy"] == 0.6
    with pytest.raises(ValueError, match="val_accuracy"):
        h.append(loss=0.4, val_loss=1.4, sparsity=0.1, seconds=0.4)
    plain = History()
    plain.append(loss=1.0, val_loss=2.0, sparsity=0.0, seconds=0.5)
    assert "val_accuracy" not in plain.to_json() and "val_accuracy" not in plain.to_frame()
    with pytest.raises(ValueError, match="val_accuracy"):
        plain.append(loss=1.0, val_loss=2.0, sparsity=0.0, seconds=0.5, val_accuracy=0.5)
    with pytest.raises(ValueError, match="equal lengths"):
        History(loss=[1.0], val_loss=[1.0], sparsity=[0.0], seconds=[0.0], val_accuracy=[0.5, 0.6])
