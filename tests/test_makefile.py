"""`make test` runs the chapters in lanes (Makefile): every chapter in one lane, and every
chapter that times code in the lane that runs alone."""
import json
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# the helpers that time code; a chapter that calls one must run with nothing beside it
TIMING = re.compile(r"\b(latency_table|interleaved_timings|median_seconds)\(")


def lanes():
    out = subprocess.run(["make", "--no-print-directory", "-s", "chapter-lanes"], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout.splitlines()
    article, fashion, timed = (line.split() for line in out)
    return article, fashion, timed


def test_every_chapter_is_in_one_lane():
    article, fashion, timed = lanes()
    listed = article + fashion + timed
    chapters = sorted(p.stem for p in (ROOT / "chapters").glob("*.ipynb"))
    assert sorted(listed) == chapters and len(set(listed)) == len(listed)


def test_the_chapters_that_time_code_run_alone():
    *_, timed = lanes()
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        code = "\n".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"]
                         if c["cell_type"] == "code")
        assert bool(TIMING.search(code)) == (path.stem in timed), path.stem


def test_the_structured_chapters_runs_are_trained_in_the_busy_lane_first():
    """scripts/prewarm_structured.py runs at the end of the lane beside the article's chapters, and
    trains every run function chapter 09 calls, so the timed lane finds them in the cache."""
    recipe = subprocess.run(["make", "--no-print-directory", "-n", "-W", ".venv/.installed", "fashion-lane"],
                            cwd=ROOT, check=True, capture_output=True, text=True).stdout.splitlines()
    steps = [i for i, line in enumerate(recipe) if "prewarm_structured.py" in line]
    students = [i for i, line in enumerate(recipe) if "student-fashion" in line]
    assert steps and students and steps[-1] > students[-1]
    script = (ROOT / "scripts" / "prewarm_structured.py").read_text()
    chapter = json.loads((ROOT / "chapters" / "09_structured_pruning.ipynb").read_text())
    code = "\n".join("".join(c["source"]) for c in chapter["cells"] if c["cell_type"] == "code")
    for runs in ("mlp_runs", "cnn_runs", "xnnpack_runs"):
        assert f"{runs}(" in code and f"{runs}(" in script, runs
