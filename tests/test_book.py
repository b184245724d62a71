import sys

import pytest
from IPython.utils.capture import capture_output

from prunebook.book import glue


@pytest.fixture
def shell():
    from IPython.core.interactiveshell import InteractiveShell

    return InteractiveShell.instance()  # myst_nb.glue publishes through IPython's display machinery


def test_glue_records_the_value_for_the_book_without_showing_it(shell):
    with capture_output() as captured:
        assert glue("val_loss", 0.5, display=False) is None
    (output,) = captured.outputs
    assert output.metadata["scrapbook"] == {"name": "val_loss", "mime_prefix": "application/papermill.record/"}
    assert output.data == {"application/papermill.record/text/plain": "0.5"}  # hidden from the page


def test_glue_with_display_also_shows_the_value(shell):
    with capture_output() as captured:
        glue("ratio", "3.2x")
    (output,) = captured.outputs
    assert output.metadata["scrapbook"]["name"] == "ratio" and output.data == {"text/plain": "'3.2x'"}


def test_without_myst_nb_glue_just_shows_the_value(shell, monkeypatch):
    monkeypatch.setitem(sys.modules, "myst_nb", None)  # as on Colab: `import myst_nb` fails
    with capture_output() as captured:
        glue("ratio", "3.2x")
        glue("hidden", 1, display=False)
    (output,) = captured.outputs
    assert output.data == {"text/plain": "'3.2x'"} and "scrapbook" not in output.metadata


@pytest.mark.parametrize("name", ["bad name", "", 3])
def test_glue_rejects_bad_names(name):
    with pytest.raises(ValueError, match="name"):
        glue(name, 1, display=False)
