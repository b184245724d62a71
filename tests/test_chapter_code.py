"""The chapters' code, read as code: names that exist, short lines, no unused imports, no clashes.

nbval runs the chapters; these checks read them: every name a chapter imports from prunebook
exists, pyflakes finds nothing in the code cells (in order, as one module, the way the kernel
runs them), visible lines fit the rendered code box, and no chapter rebinds a name it
imported from prunebook.
"""
import ast
from pathlib import Path

import pytest
from code_reading import as_python, chapter_module, code_cells, missing_names, prunebook_imports
from pyflakes import checker

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
WIDTH = 88  # characters of code the rendered book shows without scrolling sideways
HIDDEN_INPUT = {"remove-cell", "remove-input"}  # tags whose code the book never shows
# `import prunebook` comes first in every chapter for what it does on import (Keras 2, quiet TF)
SIDE_EFFECT_IMPORTS = {"'prunebook' imported but unused"}


def pyflakes_messages(source, cell_of=None):
    """pyflakes' findings on ``source``, as ``cell N: message`` strings (``line N`` without cells)."""
    found = checker.Checker(ast.parse(source), "chapter", builtins={"get_ipython", "display"}).messages
    messages = []
    for m in sorted(found, key=lambda m: m.lineno):
        text = m.message % m.message_args
        if text not in SIDE_EFFECT_IMPORTS:
            messages.append(f"{f'cell {cell_of[m.lineno - 1]}' if cell_of else f'line {m.lineno}'}: {text}")
    return messages


def long_lines(path):
    """``cell N: length: line`` of every line wider than :data:`WIDTH` in a cell the book shows."""
    return [f"cell {index}: {len(line)}: {line}" for index, cell in code_cells(path)
            if not HIDDEN_INPUT & set(cell.metadata.get("tags", []))
            for line in cell.source.splitlines() if len(line) > WIDTH]


def rebound(tree):
    """Names imported from prunebook that a def, class or assignment binds again."""
    imported = {name for _, name, _ in prunebook_imports(tree)}
    bound = {node.name for node in ast.walk(tree)
             if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    bound |= {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}
    return sorted(bound & imported)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_name_a_chapter_imports_from_prunebook_exists(path):
    assert missing_names(ast.parse(chapter_module(path)[0])) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_code_lines_fit_the_rendered_code_box(path):
    assert long_lines(path) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_pyflakes_finds_nothing_in_the_chapter(path):
    assert pyflakes_messages(*chapter_module(path)) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_chapter_rebinds_a_name_it_imported_from_prunebook(path):
    assert rebound(ast.parse(chapter_module(path)[0])) == []


def test_the_checks_find_what_they_look_for():
    source = as_python("%pip install x\nimport prunebook\nimport os\nfrom prunebook.device import describe\n"
                       "def describe(tree):\n    return undefined_name\n")
    assert pyflakes_messages(source) == ["line 3: 'os' imported but unused",
                                         "line 5: redefinition of unused 'describe' from line 4",
                                         "line 6: undefined name 'undefined_name'"]
    assert rebound(ast.parse(source)) == ["describe"]
