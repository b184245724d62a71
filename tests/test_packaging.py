"""The pins follow Colab's runtime; prunebook's own bounds are loose, so that installing it on
Colab keeps Colab's TensorFlow. colab_runtime.toml records the runtime's versions."""
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
DEPENDENCIES = [Requirement(r) for r in PYPROJECT["dependencies"]]
RUNTIMES = tomllib.loads((ROOT / "colab_runtime.toml").read_text())
CURRENT, PREVIOUS = RUNTIMES["current"], RUNTIMES["previous"]
# Colab does not ship these: pip installs them beside its own packages.
NOT_ON_COLAB = {"tensorflow-model-optimization", "ai-edge-litert"}
RECORD_KEYS = {"read", "source", "python", "not_read"}


def shipped(runtime):
    """{package: version} that a runtime record lists."""
    return {name: version for name, version in runtime.items() if name not in RECORD_KEYS}


def requirements(text):
    """The requirements of a requirements file that apply to the Python running the tests."""
    lines = (line.split("#")[0].strip() for line in text.splitlines())
    reqs = [Requirement(line) for line in lines if line]
    return [r for r in reqs if r.marker is None or r.marker.evaluate()]


def pins(text=None):
    pinned = {}
    for req in requirements(text if text is not None else (ROOT / "requirements.txt").read_text()):
        (spec,) = req.specifier
        assert spec.operator == "==", f"{req} is not an exact pin"
        pinned[req.name.lower()] = spec.version
    return pinned


def test_pins_parse_markers_and_reject_loose_lines():
    text = 'a==1.0\nb==2.0; python_version < "3.0"\nb==3.0; python_version >= "3.0"  # note\n'
    assert pins(text) == {"a": "1.0", "b": "3.0"}
    with pytest.raises(AssertionError, match="exact pin"):
        pins("a>=1.0\n")


def test_the_runtime_records_are_dated_and_sourced():
    for runtime in (CURRENT, PREVIOUS):
        assert runtime["read"] and runtime["source"] and Version(runtime["python"])
        assert not set(shipped(runtime)) & set(runtime["not_read"])
    assert Version(CURRENT["tensorflow"]) > Version(PREVIOUS["tensorflow"])


@pytest.mark.skipif(sys.version_info[:2] != (3, 13), reason="the pins for Colab's Python, 3.13")
@pytest.mark.parametrize("package", sorted(shipped(CURRENT)))
def test_requirements_pin_the_versions_colab_ships(package):
    assert pins()[package] == CURRENT[package], f"requirements.txt does not pin Colab's {package}"


def test_the_supported_pythons_include_colabs():
    python = Version(CURRENT["python"])
    assert PYPROJECT["requires-python"] == ">=3.10" and python >= Version("3.10")
    assert "3.13" in (ROOT / "scripts" / "find_python.sh").read_text()


@pytest.mark.parametrize("runtime", ["current", "previous"])
@pytest.mark.parametrize("requirement", DEPENDENCIES, ids=str)
def test_colab_versions_satisfy_the_dependencies(requirement, runtime):
    versions = shipped(RUNTIMES[runtime])
    if requirement.name in versions:
        assert requirement.specifier.contains(versions[requirement.name]), "pip would replace Colab's own version"
    else:  # either Colab does not ship it, or the record says its version was not read
        assert requirement.name in NOT_ON_COLAB | set(RUNTIMES[runtime]["not_read"]), requirement.name


@pytest.mark.parametrize("requirement", DEPENDENCIES, ids=str)
def test_the_pinned_versions_satisfy_the_dependencies(requirement):
    assert requirement.specifier.contains(pins()[requirement.name])


def test_no_upper_bounds_and_no_exact_pins():
    extras = [Requirement(r) for group in PYPROJECT.get("optional-dependencies", {}).values() for r in group]
    for requirement in DEPENDENCIES + extras:
        assert all(spec.operator == ">=" for spec in requirement.specifier), requirement


def test_package_lines_are_at_most_110_characters():
    long = [f"{path.name}:{n}" for path in sorted((ROOT / "src" / "prunebook").glob("*.py"))
            for n, line in enumerate(path.read_text().splitlines(), 1) if len(line) > 110]
    assert long == []
