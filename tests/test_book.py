import pytest

from prunebook.book import glue


def test_glue_returns_the_value():
    assert glue("val_loss", 0.5, display=False) == 0.5


@pytest.mark.parametrize("name", ["bad name", "", 3])
def test_glue_rejects_bad_names(name):
    with pytest.raises(ValueError, match="name"):
        glue(name, 1, display=False)
