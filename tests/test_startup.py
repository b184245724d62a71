"""TensorFlow's C++ start-up lines stay out of the output; every other line still shows."""
import os
import subprocess
import sys
import textwrap

from prunebook._startup import drop_startup_lines

# Lines stored in the chapters' outputs before prunebook filtered them (a GPU machine, TF 2.20)
STARTUP = (
    "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n"
    "E0000 00:00:1795621631.518614   20687 cuda_dnn.cc:8579] Unable to register cuDNN factory: Attempting to "
    "register factory for plugin cuDNN when one has already been registered\n"
    "E0000 00:00:1795621631.522179   20687 cuda_blas.cc:1407] Unable to register cuBLAS factory: Attempting to "
    "register factory for plugin cuBLAS when one has already been registered\n"
    "W0000 00:00:1795621631.534820   20687 computation_placer.cc:177] computation placer already registered. "
    "Please check linkage and avoid linking the same target more than once.\n"
)


def run(code, cwd=None, **env):
    environ = {k: v for k, v in os.environ.items() if k not in ("TF_CPP_MIN_LOG_LEVEL", "TF_USE_LEGACY_KERAS")}
    environ["PYTHONPATH"] = os.pathsep.join(p for p in [str(cwd or ""), environ.get("PYTHONPATH", "")] if p)
    environ.update(env)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environ,
                          cwd=cwd, timeout=300)


def test_the_startup_lines_of_a_cpu_machine_are_dropped_too():
    cpu = ("2026-11-25 21:49:12.993664: I external/local_xla/xla/tsl/cuda/cudart_stub.cc:31] Could not find "
           "cuda drivers on your machine, GPU will not be used.\n"
           "2026-11-25 21:49:12.993952: I tensorflow/core/util/port.cc:153] oneDNN custom operations are on. "
           "You may see slightly different numerical results.\n")
    assert drop_startup_lines(cpu) == ""


def test_only_the_startup_lines_are_dropped():
    other = "E0000 00:00:1.5   7 some_op.cc:12] a real error\nTraceback (most recent call last):\n"
    assert drop_startup_lines(STARTUP + other) == other
    assert drop_startup_lines("no newline at the end") == "no newline at the end"


def fake_tensorflow(tmp_path, name="noisy_tf"):
    package = tmp_path / name
    package.mkdir()
    (package / "__init__.py").write_text(textwrap.dedent(f"""
        import os
        os.write(2, {STARTUP.encode()!r})
        os.write(2, b"a line the reader must see\\n")
        from . import part
        VALUE = part.VALUE
    """))
    (package / "part.py").write_text("VALUE = 42\n")
    return name


def test_the_first_import_is_filtered_and_the_hook_removes_itself(tmp_path):
    name = fake_tensorflow(tmp_path)
    code = (f"import sys; from prunebook import _startup; _startup.filter_first_import({name!r});"
            f"import {name}; print({name}.VALUE, {name}.__spec__.origin.endswith('__init__.py'));"
            "print(any(isinstance(f, _startup._FirstImport) for f in sys.meta_path))")
    out = run(code, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["42", "True", "False"]
    assert out.stderr == "a line the reader must see\n"


def test_without_the_hook_the_lines_would_show(tmp_path):
    name = fake_tensorflow(tmp_path)
    out = run(f"import {name}", cwd=tmp_path)
    assert out.stderr == STARTUP + "a line the reader must see\n"


def test_an_error_during_the_import_still_shows(tmp_path):
    (tmp_path / "broken_tf.py").write_text("import os\nos.write(2, b'before the error\\n')\nraise ImportError('boom')\n")
    out = run("from prunebook import _startup; _startup.filter_first_import('broken_tf'); import broken_tf",
              cwd=tmp_path)
    assert out.returncode != 0
    assert "before the error" in out.stderr and "ImportError: boom" in out.stderr


def test_importing_prunebook_then_tensorflow_prints_nothing():
    out = run("import prunebook, tensorflow")
    assert out.returncode == 0
    assert out.stderr == "" and out.stdout == ""


def test_a_log_level_set_by_the_reader_is_respected():
    out = run("import sys, os, prunebook; from prunebook import _startup;"
              "print(os.environ['TF_CPP_MIN_LOG_LEVEL'],"
              " any(isinstance(f, _startup._FirstImport) for f in sys.meta_path))", TF_CPP_MIN_LOG_LEVEL="1")
    assert out.stdout.split() == ["1", "False"]
