"""Run the student edition as a student would: top to bottom, with every answer still ``...``.

This executes whole chapters, so `make test` runs it after nbval has filled the training
cache (`make student-test`); `make unit` leaves this folder out.
"""
import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from student_edition import EXERCISE_TAG, write_student_edition

ROOT = Path(__file__).resolve().parents[2]
# PRUNEBOOK_STUDENT_CHAPTERS (chapter names without .ipynb, space-separated) runs some of them;
# `make test` runs its lanes side by side, each with its own PRUNEBOOK_STUDENT_DIR.
CHOSEN = os.environ.get("PRUNEBOOK_STUDENT_CHAPTERS", "").split()
NOTEBOOKS = [p for p in sorted((ROOT / "chapters").glob("*.ipynb")) if not CHOSEN or p.stem in CHOSEN]
FOLDER = ROOT / os.environ.get("PRUNEBOOK_STUDENT_DIR", "_build/student")


def test_the_chapters_chosen_exist():
    unknown = sorted(set(CHOSEN) - {p.stem for p in NOTEBOOKS})
    assert NOTEBOOKS and not unknown, f"PRUNEBOOK_STUDENT_CHAPTERS names no chapter called {unknown}"


@pytest.fixture(scope="module")
def edition():
    # inside the repository, so that the chapters find the training cache nbval has filled
    return {p.name: p for p in write_student_edition(ROOT / "chapters", FOLDER)}


@pytest.mark.parametrize("name", [p.name for p in NOTEBOOKS])
def test_student_edition_runs_and_every_exercise_is_open(edition, name):
    path = edition[name]
    nb = nbformat.read(path, as_version=4)
    # raises CellExecutionError, naming the cell, if any cell fails
    NotebookClient(nb, timeout=3600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    answers = [c for c in nb.cells if EXERCISE_TAG in c.metadata.get("tags", [])]
    assert len(answers) >= 2
    for cell in answers:
        out = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
        assert out.startswith("Not answered yet: replace the ..."), (cell.source, out)
