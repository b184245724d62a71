"""Train the structured-pruning chapter's runs into the training cache, ahead of the chapter.

`make test` runs this at the end of the lane that shares the machine with the article's
chapters, so that the chapter itself, which times code and runs with nothing beside it, finds
its models trained. It trains exactly what the chapter calls (the same functions, so the same
cache keys); running it twice trains nothing the second time.
"""
import time

import prunebook  # noqa: F401  (selects Keras 2 before TensorFlow loads)
from prunebook import realdata
from prunebook.experiments import chapter_setup
from prunebook.structured_runs import cnn_runs, mlp_runs, xnnpack_runs


def main():
    start = time.perf_counter()
    data, _ = chapter_setup()
    mlp_runs(data)
    fashion, _ = realdata.fashion_data()
    cnn_runs(fashion)
    xnnpack_runs(fashion)
    print(f"structured-pruning runs in the cache after {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
