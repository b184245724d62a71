"""The exercises of every chapter and the student edition built from them."""
import ast
import re
from pathlib import Path

import nbformat
import pytest

from prunebook import exercises, exercises_real, exercises_structured
from student_edition import EXERCISE_TAG, SOLUTION_TAG, student_edition, write_student_edition

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))


def tagged(nb, tag):
    return [c for c in nb.cells if tag in c.metadata.get("tags", [])]


def checks_called(source):
    """Names of the prunebook.exercises checks a cell calls."""
    return {node.func.id for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id.startswith("check_")}


def text_of(cell):
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_each_chapter_has_at_least_two_checked_exercises(path):
    nb = nbformat.read(path, as_version=4)
    answers, solutions = tagged(nb, EXERCISE_TAG), tagged(nb, SOLUTION_TAG)
    assert len(answers) >= 2 and len(answers) == len(solutions)
    for answer, solution in zip(answers, solutions):
        called = checks_called(answer.source)
        assert len(called) == 1, f"an answer cell calls one check function: {answer.source}"
        (check,) = called
        assert any(callable(getattr(module, check, None)) for module in (exercises, exercises_real, exercises_structured)), \
            f"{check} is in none of prunebook.exercises, exercises_real, exercises_structured"
        assert check in checks_called(solution.source), f"the solution does not call {check}"
        assert re.search(r"^\w+ = \.\.\.(  #.*)?$|^    \.\.\.  #", answer.source, re.M), "no ... placeholder"
        # nbval re-runs both cells and compares these stored outputs
        assert "nbval-check-output" in answer.metadata["tags"] and "nbval-check-output" in solution.metadata["tags"]
        assert text_of(answer).startswith("Not answered yet: replace the ...")
        assert "Correct" in text_of(solution)
    # the answer cells and solutions sit together at the end, after the exercises' statement
    first = nb.cells.index(answers[0])
    assert "## Exercises" in nb.cells[first - 1].source
    assert all(EXERCISE_TAG in c.metadata.get("tags", []) or SOLUTION_TAG in c.metadata.get("tags", [])
               for c in nb.cells[first:])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_student_edition_drops_solutions_and_clears_answers(path):
    nb = nbformat.read(path, as_version=4)
    edition = student_edition(nb)
    assert not tagged(edition, SOLUTION_TAG)
    assert len(edition.cells) == len(nb.cells) - len(tagged(nb, SOLUTION_TAG))
    for cell in tagged(edition, EXERCISE_TAG):
        assert cell.outputs == [] and cell.execution_count is None
    kept = [c for c in edition.cells if c.cell_type == "code" and EXERCISE_TAG not in c.metadata.get("tags", [])]
    assert all(c.outputs for c in kept if c.source.strip()), "the chapter's own outputs stay"
    assert tagged(nb, SOLUTION_TAG), "the source notebook is not modified"
    assert edition.metadata["prunebook"] == {"edition": "student"}


def test_write_student_edition(tmp_path):
    written = write_student_edition(ROOT / "chapters", tmp_path / "student")
    assert [p.name for p in written] == [p.name for p in NOTEBOOKS]
    for path in written:
        assert not tagged(nbformat.read(path, as_version=4), SOLUTION_TAG)


def test_bad_input_is_refused(tmp_path):
    with pytest.raises(ValueError, match="chapters must be a folder"):
        write_student_edition(tmp_path, tmp_path / "out")
    with pytest.raises(ValueError, match="tagged 'exercise'"):
        student_edition(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")]))


def test_the_builder_runs_as_a_script_and_is_not_in_the_package(tmp_path):
    import importlib.util
    import subprocess
    import sys

    assert importlib.util.find_spec("prunebook.student") is None  # prunebook does not need nbconvert
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "student_edition.py"), str(ROOT / "chapters"),
                          str(tmp_path / "student")], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert [Path(line).name for line in out.stdout.split()] == [p.name for p in NOTEBOOKS]


def test_prunebook_imports_no_notebook_tooling():
    import subprocess
    import sys

    code = ("import sys, pkgutil, importlib, prunebook\n"
            "for m in pkgutil.iter_modules(prunebook.__path__):\n"
            "    importlib.import_module('prunebook.' + m.name)\n"
            "print(sorted(n for n in sys.modules if n.split('.')[0] in ('nbconvert', 'nbformat', 'nbclient')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
