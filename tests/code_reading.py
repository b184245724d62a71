"""Reading the book's code as text, for the tests that check chapters, scripts and benchmarks."""
import ast
import importlib
import importlib.util

import nbformat
from IPython.core.inputtransformer2 import TransformerManager


def code_cells(path):
    """``(index in the notebook, cell)`` of every code cell of the notebook at ``path``."""
    return [(i, c) for i, c in enumerate(nbformat.read(path, as_version=4).cells) if c.cell_type == "code"]


def as_python(source):
    """A cell's source as plain Python (IPython's ``%magic`` lines become calls)."""
    return TransformerManager().transform_cell(source)


def chapter_module(path):
    """Every code cell of a chapter as one Python source (the kernel runs them in order, in one
    namespace), and for each of its lines the index of the notebook cell it comes from."""
    lines, cell_of = [], []
    for index, cell in code_cells(path):
        code = as_python(cell.source).splitlines()
        lines += code
        cell_of += [index] * len(code)
    return "\n".join(lines) + "\n", cell_of


def prunebook_imports(tree):
    """``(module, name, line)`` of every ``from prunebook... import name`` in a parsed module."""
    return [(node.module, alias.name, node.lineno) for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "prunebook"
            for alias in node.names]


def _exists(module, name):
    """Whether ``from module import name`` works: an attribute, or a submodule not imported yet."""
    try:
        return (hasattr(importlib.import_module(module), name)
                or importlib.util.find_spec(f"{module}.{name}") is not None)
    except ModuleNotFoundError:
        return False


def missing_names(tree):
    """``module.name`` of every name a parsed module imports from prunebook that does not exist
    (a module that does not exist either, e.g. a deleted one, counts as missing)."""
    return [f"{module}.{name}" for module, name, _ in prunebook_imports(tree) if not _exists(module, name)]
