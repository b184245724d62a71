"""Files made from a model once and read back after (e.g. a converted TFLite model), and values
computed from a file's bytes (e.g. its compressed sizes).

The key is the training cache's (:func:`prunebook.cache.cache_key`: the model's configuration
and weights, the inputs, the settings, the versions and the training code) plus the source of
the modules that make the file. This lives apart from :mod:`prunebook.cache` so that changing
it does not change the key of every trained run.
"""
import hashlib
import json
import os
import tempfile
import warnings

from prunebook import config
from prunebook.cache import CacheWarning, cache_key, code_digest


def cached_bytes(kind, model, arrays, settings, make, *, modules=()):
    """The bytes ``make()`` returns (e.g. a converted TFLite model), made once per key and read
    back after; ``None`` from :func:`prunebook.config.cache_dir` (``PRUNEBOOK_CACHE=off``) makes
    them every time.

    The key is :func:`cache_key` of ``kind``, ``model``, ``arrays`` and ``settings``, plus the
    source of ``modules`` (the code that makes the bytes). A file is stored as ``<key>.bin``
    under ``<cache>/bytes/`` with its SHA-256 beside it in ``<key>.sha256``; one whose content
    does not match (truncated, damaged) is made again, with a :class:`CacheWarning`.
    """
    root = config.cache_dir()
    if root is None:
        return make()
    settings = {**settings, "modules": code_digest(modules) if modules else None}
    return _stored(root / "bytes", cache_key(kind, model, arrays, settings), make)


def cached_result(kind, content, settings, make):
    """The JSON value ``make()`` returns for ``content`` (bytes), computed once per key and read
    back after (e.g. the compressed sizes of a file); made every time with the cache off.

    The key is a digest of ``kind``, ``content`` and ``settings`` (a JSON-able dict that names
    everything else the value depends on). Stored like :func:`cached_bytes`, under
    ``<cache>/results/``.
    """
    if not isinstance(content, (bytes, bytearray)):
        raise ValueError(f"content must be bytes, got {type(content).__name__}")
    root = config.cache_dir()
    if root is None:
        return make()
    digest = hashlib.sha256(json.dumps({"kind": kind, "settings": settings}, sort_keys=True).encode())
    digest.update(b"\0" + hashlib.sha256(content).digest())
    stored = _stored(root / "results", digest.hexdigest()[:16],
                     lambda: json.dumps(make()).encode())
    return json.loads(stored)


def _stored(folder, key, make):
    """``<folder>/<key>.bin`` if its SHA-256 matches ``<key>.sha256``, else ``make()`` stored there."""
    path, check = folder / f"{key}.bin", folder / f"{key}.sha256"
    if path.is_file() and check.is_file():
        content = path.read_bytes()
        if hashlib.sha256(content).hexdigest() == check.read_text().strip():
            return content
        warnings.warn(f"The cached file {path} does not match its checksum; making it again.",
                      CacheWarning, stacklevel=3)
    content = make()
    folder.mkdir(parents=True, exist_ok=True)
    for target, data in ((path, content), (check, hashlib.sha256(content).hexdigest().encode())):
        handle, temporary = tempfile.mkstemp(prefix=f".writing-{target.name}-", dir=folder)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    return content
