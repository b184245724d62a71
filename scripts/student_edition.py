"""The student edition of the chapters, for handing out as assignments.

Built with nbconvert's own preprocessors: ``TagRemovePreprocessor`` removes
every cell tagged ``solution``, and ``ClearOutputPreprocessor`` clears the
outputs of the answer cells (tagged ``exercise``), whose stored outputs show
the placeholder's "not answered yet". Every other cell keeps its outputs, so
a student can read the chapter before running it.

``python scripts/student_edition.py [chapters] [_build/student]`` (``make student``)
writes one notebook per chapter. A script of the book's repository, not part of the
installed prunebook package: nbconvert and nbformat, which it needs, are pinned in
requirements.txt (Colab has them too), and prunebook does not depend on them.
"""
import argparse
import copy
from pathlib import Path

import nbformat
from nbconvert.preprocessors import ClearOutputPreprocessor, TagRemovePreprocessor

SOLUTION_TAG = "solution"
EXERCISE_TAG = "exercise"


def _tags(cell):
    return cell.get("metadata", {}).get("tags", [])


class ClearExerciseOutputs(ClearOutputPreprocessor):
    """nbconvert's ClearOutputPreprocessor, applied to the answer cells only."""

    def preprocess_cell(self, cell, resources, index):
        if EXERCISE_TAG in _tags(cell):
            return super().preprocess_cell(cell, resources, index)
        return cell, resources


def student_edition(nb):
    """A copy of notebook ``nb`` without its solutions and with its answer cells cleared."""
    if not any(EXERCISE_TAG in _tags(c) for c in nb.cells):
        raise ValueError(f"nb must have at least one cell tagged {EXERCISE_TAG!r}")
    nb = copy.deepcopy(nb)
    resources = {}
    nb, resources = TagRemovePreprocessor(remove_cell_tags={SOLUTION_TAG}).preprocess(nb, resources)
    nb, resources = ClearExerciseOutputs().preprocess(nb, resources)
    nb.metadata["prunebook"] = {"edition": "student"}
    return nb


def write_student_edition(chapters="chapters", out="_build/student"):
    """Write the student edition of every notebook in ``chapters`` to ``out``; return the paths."""
    chapters, out = Path(chapters), Path(out)
    notebooks = sorted(chapters.glob("*.ipynb"))
    if not notebooks:
        raise ValueError(f"chapters must be a folder holding notebooks; {chapters} has none")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path in notebooks:
        target = out / path.name
        nbformat.write(student_edition(nbformat.read(path, as_version=4)), target)
        written.append(target)
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapters", nargs="?", default="chapters")
    parser.add_argument("out", nargs="?", default="_build/student")
    args = parser.parse_args(argv)
    for path in write_student_edition(args.chapters, args.out):
        print(path)


if __name__ == "__main__":
    main()
