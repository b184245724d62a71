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
