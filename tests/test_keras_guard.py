import os
import subprocess
import sys

import pytest


def run(code, **env):
    environ = {k: v for k, v in os.environ.items() if k != "TF_USE_LEGACY_KERAS"}
    environ.update(env)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environ,
                          timeout=300)


def test_import_sets_legacy_keras_before_tensorflow():
    out = run("import os, prunebook; print(os.environ['TF_USE_LEGACY_KERAS']);"
              "from prunebook._keras import keras_major_version; print(keras_major_version())")
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["1", "2"]


def test_tensorflow_imported_first_is_fine_while_tf_keras_is_unused():
    # tf.keras is resolved lazily, on first use: the switch still takes effect
    out = run("import tensorflow; import prunebook; from prunebook.models import article_mlp;"
              "print(article_mlp().count_params())")
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[-1] == "2075649"


def test_keras_3_active_gives_an_error_that_says_how_to_fix_it():
    out = run("import tensorflow as tf; tf.keras.layers.Dense; import prunebook")
    assert out.returncode != 0
    assert "KerasVersionError" in out.stderr
    assert "import prunebook" in out.stderr and "before `import tensorflow`" in out.stderr


@pytest.mark.parametrize("code", ["from prunebook.models import article_mlp; article_mlp()"])
def test_helpers_check_again_when_the_switch_was_undone(code):
    out = run("import prunebook, os; os.environ['TF_USE_LEGACY_KERAS'] = '0';" + code)
    assert out.returncode != 0 and "KerasVersionError" in out.stderr
