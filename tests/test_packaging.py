"""prunebook's dependencies are loose: on Colab, installing it keeps Colab's TensorFlow."""
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
DEPENDENCIES = [Requirement(r) for r in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]]
# The versions a Colab runtime shipped when this was last checked (see README, "Colab").
COLAB = {"tensorflow": "2.19.0", "tf-keras": "2.19.0", "numpy": "2.0.2", "pandas": "2.2.2",
         "scikit-learn": "1.6.1", "matplotlib": "3.10.0", "tqdm": "4.67.1"}


def pins():
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    return dict(line.split("#")[0].strip().split("==") for line in lines if "==" in line.split("#")[0])


@pytest.mark.parametrize("requirement", DEPENDENCIES, ids=str)
def test_colab_versions_satisfy_the_dependencies(requirement):
    if requirement.name in COLAB:
        assert requirement.specifier.contains(COLAB[requirement.name]), "pip would replace Colab's own version"
    else:
        assert requirement.name == "tensorflow-model-optimization"  # not on Colab: installed, with no TF pin


@pytest.mark.parametrize("requirement", DEPENDENCIES, ids=str)
def test_the_pinned_versions_satisfy_the_dependencies(requirement):
    assert requirement.specifier.contains(pins()[requirement.name])


def test_no_upper_bounds_and_no_exact_pins():
    for requirement in DEPENDENCIES:
        assert all(spec.operator == ">=" for spec in requirement.specifier), requirement
