"""Structure of the chapter notebooks (nbval executes them; this checks the conventions)."""
import ast
import re
import tomllib
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
REPO_URL = CONFIG["repository"]["url"]


def code_cells(path):
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def test_there_are_chapters_and_each_is_in_the_toc():
    toc = (ROOT / "_toc.yml").read_text()
    assert NOTEBOOKS
    for nb in NOTEBOOKS:
        assert f"chapters/{nb.stem}" in toc, f"{nb.name} is not in _toc.yml"


def test_one_repository_url():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert pyproject["project"]["urls"]["Repository"] == REPO_URL
    assert REPO_URL.startswith("https://github.com/")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_first_cell_installs_prunebook_on_colab_only(path):
    first = code_cells(path)[0]
    assert "colab-setup" in first.metadata.get("tags", [])
    assert 'if "google.colab" in sys.modules:' in first.source
    assert f'"prunebook @ git+{REPO_URL}"' in first.source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_prunebook_is_imported_before_tensorflow(path):
    source = "\n".join(c.source for c in code_cells(path))
    tf_import = re.search(r"^\s*(import tensorflow|from tensorflow|import tf_keras)", source, re.M)
    pb_import = re.search(r"^\s*(import prunebook|from prunebook)", source, re.M)
    assert pb_import is not None
    assert tf_import is None or pb_import.start() < tf_import.start()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_outputs_without_errors_or_epoch_logs(path):
    cells = code_cells(path)
    assert all(c.execution_count is not None for c in cells), "run every cell before committing"
    # execute_notebooks: auto re-runs a notebook that misses any output: every code cell must have one
    assert all(c.outputs for c in cells if c.source.strip()), "a code cell without output"
    for cell in cells:
        for out in cell.outputs:
            assert out.output_type != "error", f"stored error in {path.name}: {out.get('ename')}"
            text = out.get("text", "")
            assert len(re.findall(r"Epoch \d+/\d+", text)) <= 20, "per-epoch Keras logs"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_solutions_are_hidden_in_the_book(path):
    for cell in code_cells(path):
        tags = cell.metadata.get("tags", [])
        if "solution" in tags:
            assert "hide-cell" in tags or "remove-cell" in tags


LOCAL_PATH = re.compile(r"(/work/|/home/|/root/|/Users/|/tmp/|[A-Z]:\\\\|site-packages|\.venv/)")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_nothing_depends_on_a_local_path(path):
    # neither the code nor what it printed names a folder of the machine it ran on
    for cell in nbformat.read(path, as_version=4).cells:
        assert not LOCAL_PATH.search(cell.source), cell.source
        for out in cell.get("outputs", []):
            text = out.get("text", "") + str(out.get("data", {}).get("text/plain", ""))
            assert not LOCAL_PATH.search(text), text[:300]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_each_chapter_says_which_device_it_ran_on(path):
    cells = code_cells(path)
    first = next(c for c in cells if "prunebook" in c.source and "describe" in c.source)
    assert cells.index(first) <= 2, "the device is named in the import cell, at the top"
    printed = "".join(o.get("text", "") for o in first.outputs if o.output_type == "stream")
    assert re.search(r"^Running on the (CPU|GPU)", printed, re.M)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_figures_have_a_caption_and_alt_text(path):
    for cell in code_cells(path):
        if any("image/png" in o.get("data", {}) for o in cell.outputs):
            meta = cell.metadata.get("mystnb", {})
            assert meta.get("figure", {}).get("caption"), cell.source[:80]
            assert len(meta.get("image", {}).get("alt", "")) > 40, cell.source[:80]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_chapters_use_only_public_prunebook_names(path):
    bad = []
    for cell in code_cells(path):
        code = re.sub(r"^(\s*)[!%].*$", r"\1pass", cell.source, flags=re.M)  # shell and magic lines
        for node in ast.walk(ast.parse(code)):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("prunebook"):
                bad += [f"{node.module}.{a.name}" for a in node.names if a.name.startswith("_")]
                bad += [node.module for part in node.module.split(".") if part.startswith("_")]
    assert not bad, f"{path.name} imports private prunebook names: {bad}"
