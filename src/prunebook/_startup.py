"""Keep TensorFlow's C++ start-up lines out of a chapter's output.

Loading TensorFlow prints lines from C++ that no Python setting reaches: absl's notice
"All log messages before absl::InitializeLog() is called are written to STDERR", and on
GPU machines (Colab) "Unable to register cuDNN / cuFFT / cuBLAS factory" and "computation
placer already registered" (TensorFlow registers its CUDA plug-ins twice; nothing is wrong).
``TF_CPP_MIN_LOG_LEVEL`` silences TensorFlow's own log lines, but absl prints these before
it reads any setting.

:func:`filter_first_import` installs a one-shot import hook: while ``tensorflow`` is first
imported, the process's stderr (file descriptor 2, where C++ writes) goes to a temporary
file; when the import ends, every line that is not one of the start-up lines above is
written back to stderr, and the hook removes itself. Errors, Python warnings and any other
line still show, only after the import instead of during it.
"""
import contextlib
import importlib.abc
import importlib.util
import os
import re
import sys
import tempfile

#: The start-up lines dropped: the absl notice, and the C++ log lines (absl's ``E0000 ...] text``
#: or TensorFlow's ``2026-01-01 12:00:00.0: I ...] text``) of plug-ins registered twice and of
#: the CPU/GPU notices TensorFlow prints on loading.
STARTUP_LINE = re.compile(
    r"^WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR$"
    r"|^([IWE]\d{4} [\d:.]+\s+\d+|\d{4}-\d\d-\d\d [\d:.]+: [IWE]) \S+:\d+\] ("
    r"Unable to register (cuDNN|cuFFT|cuBLAS) factory"
    r"|computation placer already registered"
    r"|oneDNN custom operations are on"
    r"|Could not find cuda drivers on your machine"
    r"|This TensorFlow binary is optimized to use available CPU instructions"
    r"|TF-TRT Warning: Could not find TensorRT)"
    r"|^To enable the following instructions: .* in other operations, rebuild TensorFlow"
)


def drop_startup_lines(text):
    """``text`` without the lines :data:`STARTUP_LINE` matches."""
    lines = text.splitlines(keepends=True)
    return "".join(line for line in lines if not STARTUP_LINE.match(line.rstrip("\n")))


@contextlib.contextmanager
def filtered_stderr():
    """Send file descriptor 2 to a temporary file; on exit, write back all but the start-up lines."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            yield
        finally:
            with contextlib.suppress(Exception):
                sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            kept = drop_startup_lines(captured.read().decode(errors="replace"))
            if kept:
                os.write(2, kept.encode())


class _FilteringLoader(importlib.abc.Loader):
    """A module's own loader, run inside :func:`filtered_stderr`."""

    def __init__(self, loader):
        self._loader = loader

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        with filtered_stderr():
            self._loader.exec_module(module)

    def __getattr__(self, name):  # get_resource_reader, is_package, ...: the real loader's
        return getattr(self._loader, name)


class _FirstImport(importlib.abc.MetaPathFinder):
    """Finds nothing itself: wraps the loader of the first import of one top-level module."""

    def __init__(self, name):
        self.name = name

    def find_spec(self, fullname, path=None, target=None):
        if fullname != self.name:
            return None
        remove_hooks()
        spec = importlib.util.find_spec(fullname)
        if spec is not None and spec.loader is not None:
            spec.loader = _FilteringLoader(spec.loader)
        return spec


def filter_first_import(name="tensorflow"):
    """Filter the start-up lines of the first import of top-level module ``name`` (a no-op once loaded)."""
    waiting = any(isinstance(f, _FirstImport) and f.name == name for f in sys.meta_path)
    if name not in sys.modules and not waiting:
        sys.meta_path.insert(0, _FirstImport(name))


def remove_hooks():
    """Remove every hook :func:`filter_first_import` installed and that has not fired yet."""
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _FirstImport)]
