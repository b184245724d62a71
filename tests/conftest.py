import sys
from pathlib import Path

import prunebook  # noqa: F401  (sets TF_USE_LEGACY_KERAS before any test imports TensorFlow)

# The repository's scripts (e.g. scripts/student_edition.py) are not part of the installed
# package; the tests import them from the folder.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
