import warnings

import numpy as np
import pytest

from prunebook.schedules import (
    PolynomialSchedule, ScheduleWarning, warn_if_short, reached_sparsity, steps_per_epoch,
    total_steps)

ARTICLE = PolynomialSchedule(0.0, 0.75, begin_step=1000, end_step=5000)


def random_schedules(n, seed=0):
    rng = np.random.default_rng(seed)
    for _ in range(n):
        begin = int(rng.integers(0, 500))
        yield PolynomialSchedule(
            initial_sparsity=float(rng.uniform(0, 0.5)), final_sparsity=float(rng.uniform(0, 0.99)),
            begin_step=begin, end_step=begin + int(rng.integers(1, 1000)),
            power=float(rng.choice([1, 2, 3, rng.uniform(0.5, 6)])), frequency=int(rng.integers(1, 150)))


def test_equal_to_tfmot_polynomial_decay_on_random_settings():
    import tensorflow as tf

    for schedule in random_schedules(60):
        tfmot_schedule = schedule.to_tfmot()
        steps = np.arange(0, schedule.end_step + 2 * schedule.frequency + 5)
        should, sparsity = tfmot_schedule(tf.constant(steps, dtype=tf.int64))
        np.testing.assert_allclose(schedule.target(steps), sparsity.numpy(), atol=2e-6, err_msg=str(schedule))
        np.testing.assert_array_equal(schedule.is_update_step(steps), should.numpy(), err_msg=str(schedule))


def test_staircase_holds_the_last_update():
    s = PolynomialSchedule(0.1, 0.5, begin_step=10, end_step=50, power=1, frequency=20)
    steps = np.arange(0, 80)
    stair = s.mask_sparsity(steps)
    assert np.all(stair[:10] == 0)  # before begin_step nothing is pruned, not even initial_sparsity
    assert stair[10] == pytest.approx(0.1) and stair[29] == pytest.approx(0.1)
    assert stair[30] == pytest.approx(0.3) and stair[50] == pytest.approx(0.5)
    assert np.all(stair[50:] == pytest.approx(0.5))
    assert np.all(np.diff(stair) >= 0)


def test_staircase_matches_a_real_tfmot_training_run():
    """Train a tiny pruned model batch by batch and read the mask after every step."""
    import tensorflow_model_optimization as tfmot
    import tf_keras as keras

    from prunebook.sparsity import reached_kernel_sparsity

    schedule = PolynomialSchedule(0.0, 0.8, begin_step=3, end_step=23, power=3, frequency=4)
    keras.utils.set_random_seed(0)
    model = tfmot.sparsity.keras.prune_low_magnitude(
        keras.Sequential([keras.layers.Dense(64, input_dim=64)]), pruning_schedule=schedule.to_tfmot())
    model.compile(loss="mse", optimizer="sgd")
    seen = []

    class Record(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            mask = self.model.layers[0].pruning_vars[0][1].numpy()
            seen.append(float(np.mean(mask == 0)))

    x = np.random.default_rng(0).normal(size=(30 * 8, 64)).astype("float32")
    model.fit(x, x[:, :1].repeat(64, axis=1), batch_size=8, epochs=1, verbose=0,
              callbacks=[tfmot.sparsity.keras.UpdatePruningStep(), Record()])
    steps = np.arange(1, 31)  # tfmot counts the first batch as step 1
    n = 64 * 64
    expected = reached_kernel_sparsity(n, schedule.mask_sparsity(steps))
    np.testing.assert_allclose(seen, expected, atol=1.5 / n)


def test_the_articles_run_reaches_29_percent():
    assert steps_per_epoch(8000, 1024) == 8
    assert total_steps(8000, 1024, 200) == 1600
    reached = reached_sparsity(ARTICLE, n_samples=8000, batch_size=1024, epochs=200)
    assert reached == pytest.approx(0.75 * (1 - 0.85 ** 3))
    assert ARTICLE.target(1600) == pytest.approx(0.28940625)


def test_warn_if_short_warns_with_the_reached_sparsity():
    with pytest.warns(ScheduleWarning, match=r"reaches sparsity 0\.2894.*step 1600, before end_step=5000"):
        assert warn_if_short(ARTICLE, n_samples=8000, batch_size=1024, epochs=200) == pytest.approx(0.28940625)


def test_warn_if_short_warns_when_frequency_misses_end_step():
    s = PolynomialSchedule(0.0, 0.5, begin_step=0, end_step=150, frequency=100)
    with pytest.warns(ScheduleWarning, match="not a multiple of frequency"):
        warn_if_short(s, n_samples=100, batch_size=10, epochs=100)


def test_warn_if_short_is_quiet_when_the_run_is_long_enough():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert warn_if_short(ARTICLE, n_samples=8000, batch_size=1024, epochs=625) == pytest.approx(0.75)


@pytest.mark.parametrize("kwargs, name", [
    ({"initial_sparsity": -0.1}, "initial_sparsity"), ({"final_sparsity": 1.0}, "final_sparsity"),
    ({"end_step": 1000}, "end_step"), ({"end_step": 10}, "end_step"), ({"begin_step": -1}, "begin_step"),
    ({"frequency": 0}, "frequency"), ({"power": 0}, "power"),
])
def test_bad_schedule_settings(kwargs, name):
    settings = {"initial_sparsity": 0.0, "final_sparsity": 0.75, "begin_step": 1000, "end_step": 5000, **kwargs}
    with pytest.raises(ValueError, match=name):
        PolynomialSchedule(**settings)


@pytest.mark.parametrize("kwargs, name", [({"epochs": 0}, "epochs"), ({"batch_size": -2}, "batch_size"),
                                          ({"n_samples": 0}, "n_samples")])
def test_bad_run_settings(kwargs, name):
    settings = {"n_samples": 8000, "batch_size": 1024, "epochs": 200, **kwargs}
    with pytest.raises(ValueError, match=name):
        warn_if_short(ARTICLE, **settings)


def test_constant_schedule_equals_tfmots_constant_sparsity():
    import tensorflow as tf

    from prunebook.schedules import ConstantSchedule

    rng = np.random.default_rng(1)
    for _ in range(30):
        begin = int(rng.integers(0, 300))
        end = None if rng.random() < 0.3 else begin + int(rng.integers(1, 500))
        s = ConstantSchedule(float(rng.uniform(0, 0.99)), begin_step=begin, end_step=end,
                             frequency=int(rng.integers(1, 120)))
        steps = np.arange(0, begin + 700)
        should, sparsity = s.to_tfmot()(tf.constant(steps, dtype=tf.int64))
        np.testing.assert_allclose(s.target(steps), sparsity.numpy(), atol=1e-6)
        np.testing.assert_array_equal(s.is_update_step(steps), should.numpy(), err_msg=str(s))


def test_constant_schedule_staircase_and_bad_settings():
    from prunebook.schedules import ConstantSchedule

    s = ConstantSchedule(0.6, begin_step=10, frequency=5)
    assert s.mask_sparsity(9) == 0 and s.mask_sparsity(10) == pytest.approx(0.6) and s.mask_sparsity(10**6) == 0.6
    with pytest.raises(ValueError, match="target_sparsity"):
        ConstantSchedule(1.0, begin_step=0)
    with pytest.raises(ValueError, match="end_step"):
        ConstantSchedule(0.5, begin_step=10, end_step=10)
    with pytest.raises(ValueError, match="frequency"):
        ConstantSchedule(0.5, begin_step=0, frequency=-1)
    with pytest.warns(ScheduleWarning, match="before begin_step=10"):
        warn_if_short(s, n_samples=10, batch_size=10, epochs=5)


def test_validation_split_counts_like_keras():
    # Keras keeps floor(n * (1 - split)) rows for training
    assert steps_per_epoch(10000, 1024, validation_split=0.2) == 8
    assert steps_per_epoch(1000, 100, validation_split=0.25) == 8
    assert total_steps(1001, 100, 3, validation_split=0.5) == 15  # floor(500.5) = 500 -> 5 steps an epoch
    with pytest.raises(ValueError, match="validation_split"):
        steps_per_epoch(100, 10, validation_split=1.0)
    with pytest.raises(ValueError, match="no training rows"):
        steps_per_epoch(1, 10, validation_split=0.5)


@pytest.mark.parametrize("n, batch, split", [(1001, 100, 0.5), (257, 32, 0.2), (100, 7, 0.33)])
def test_validation_split_steps_match_a_real_keras_fit(n, batch, split):
    import tf_keras as keras

    model = keras.Sequential([keras.layers.Dense(1, input_dim=2)])
    model.compile(loss="mse", optimizer="sgd")
    x = np.zeros((n, 2), "float32")
    model.fit(x, x[:, 0], batch_size=batch, epochs=2, validation_split=split, verbose=0)
    assert int(model.optimizer.iterations.numpy()) == total_steps(n, batch, 2, validation_split=split)


def test_schedule_warnings_print_one_line_without_a_local_path():
    import subprocess
    import sys

    # Python's own formatting (prunebook does not patch it) prints one line without a file path
    code = ("import prunebook.schedules as s; s.warn_if_short(s.PolynomialSchedule(0.0, 0.75, 1000, 5000),"
            " n_samples=8000, batch_size=1024, epochs=200)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stderr == ("prunebook.schedules:0: ScheduleWarning: This run reaches sparsity 0.2894, not "
                          "final_sparsity=0.75: training stops at step 1600, before end_step=5000 "
                          "(200 epochs x 8 steps of batch 1024).\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warn_if_short(ARTICLE, n_samples=8000, batch_size=1024, epochs=200)
    text = warnings.formatwarning(caught[0].message, caught[0].category, caught[0].filename, caught[0].lineno)
    assert "/" not in text and "\\" not in text and text.count("\n") == 1


def test_importing_schedules_leaves_warnings_alone():
    import subprocess
    import sys

    code = "import warnings; before = warnings.formatwarning; import prunebook.schedules; " \
           "assert warnings.formatwarning is before and warnings.showwarning.__module__ == 'warnings'"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr


def test_warning_filters_still_apply():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning that is not ignored would raise
        warnings.filterwarnings("ignore", category=ScheduleWarning)
        warn_if_short(ARTICLE, n_samples=8000, batch_size=1024, epochs=200)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ScheduleWarning)
        with pytest.raises(ScheduleWarning):
            warn_if_short(ARTICLE, n_samples=8000, batch_size=1024, epochs=200)


@pytest.mark.parametrize("split", ["0.2", None, True, float("nan"), -0.1])
def test_validation_split_of_the_wrong_type_is_a_value_error(split):
    with pytest.raises(ValueError, match=r"validation_split must be a number in \[0, 1\)"):
        steps_per_epoch(10000, 1024, validation_split=split)
