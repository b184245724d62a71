import pytest

from prunebook import structured
from prunebook.exercises import NotYet
from prunebook.exercises_structured import check_kept_blocks, check_matching_width
from prunebook.sparsity import kept_count


def test_kept_blocks_counts_blocks_not_weights(capsys):
    assert not check_kept_blocks(...)
    assert "Not answered yet" in capsys.readouterr().out
    assert check_kept_blocks(kept_count(128 * 256, 0.9))
    with pytest.raises(NotYet, match="single weights"):
        check_kept_blocks(kept_count(512 * 256, 0.9))
    for bad in (3277.0, "3277", True, kept_count(128 * 256, 0.9) + 1):
        with pytest.raises(NotYet):
            check_kept_blocks(bad)


def test_matching_width_is_the_width_for_the_kept_parameters():
    expected = structured.units_for_sparsity(0.8)
    assert check_matching_width(expected)
    with pytest.raises(NotYet, match="more parameters"):
        check_matching_width(expected + 1)
    with pytest.raises(NotYet, match="fewer parameters"):
        check_matching_width(expected - 1)
    for bad in (0, -3, 200.0, None):
        with pytest.raises(NotYet):
            check_matching_width(bad)
