"""Settings read from the environment: the scale and the cache folder.

``PRUNEBOOK_SCALE=quick`` runs the chapters at a small scale for development;
unset (or ``full``) runs the article's full scale, as CI does.
``PRUNEBOOK_CACHE`` names the folder of cached trained models (``off`` turns
the cache off); by default it is ``_cache/`` at the top of the book's
repository, or in the working directory outside the repository.
"""
import os
from pathlib import Path

SCALES = ("full", "quick")


def scale():
    """``"full"`` (default) or ``"quick"``, from ``PRUNEBOOK_SCALE``."""
    value = os.environ.get("PRUNEBOOK_SCALE", "full").strip().lower() or "full"
    if value not in SCALES:
        raise ValueError(f"PRUNEBOOK_SCALE must be one of {SCALES}, got {value!r}")
    return value


def epochs(full, quick):
    """``full`` epochs at full scale, ``quick`` at quick scale."""
    return full if scale() == "full" else quick


def cache_dir():
    """The cache folder, or None when ``PRUNEBOOK_CACHE=off``."""
    value = os.environ.get("PRUNEBOOK_CACHE", "").strip()
    if value.lower() == "off":
        return None
    if value:
        return Path(value)
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "_toc.yml").exists():
            return folder / "_cache"
    return here / "_cache"
