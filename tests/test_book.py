import pytest

from prunebook.book import glue


def test_glue_records_the_value_for_the_book(capsys):
    from IPython.core.interactiveshell import InteractiveShell

    InteractiveShell.instance()  # myst_nb.glue publishes through IPython's display machinery
    assert glue("val_loss", 0.5, display=False) is None


@pytest.mark.parametrize("name", ["bad name", "", 3])
def test_glue_rejects_bad_names(name):
    with pytest.raises(ValueError, match="name"):
        glue(name, 1, display=False)
