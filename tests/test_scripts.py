"""The scripts and benchmarks are not run by the tests (they train at full scale), but every name
they import from prunebook must exist, so a renamed helper cannot break them unnoticed."""
import ast
from pathlib import Path

import pytest
from code_reading import missing_names

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted([*ROOT.glob("scripts/*.py"), *ROOT.glob("benchmarks/*.py")])


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_imported_name_exists(path):
    assert missing_names(ast.parse(path.read_text())) == []


def test_the_check_finds_a_missing_name():
    tree = ast.parse("from prunebook import article\nfrom prunebook.experiments import sweep_runs, SETTINGS\n"
                     "from prunebook.report import sparsity_report\n")
    assert missing_names(tree) == ["prunebook.experiments.SETTINGS", "prunebook.report.sparsity_report"]
