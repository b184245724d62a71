import warnings

import numpy as np
import pytest

from prunebook.schedules import (
    PolynomialSchedule, ScheduleWarning, check_schedule, reached_sparsity, steps_per_epoch,
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
    expected = 1 - np.maximum(np.round(n * (1 - schedule.mask_sparsity(steps))), 1) / n
    np.testing.assert_allclose(seen, expected, atol=1.5 / n)


def test_the_articles_run_reaches_29_percent():
    assert steps_per_epoch(8000, 1024) == 8
    assert total_steps(8000, 1024, 200) == 1600
    reached = reached_sparsity(ARTICLE, n_samples=8000, batch_size=1024, epochs=200)
    assert reached == pytest.approx(0.75 * (1 - 0.85 ** 3))
    assert ARTICLE.target(1600) == pytest.approx(0.28940625)


def test_check_schedule_warns_with_the_reached_sparsity():
    with pytest.warns(ScheduleWarning, match=r"reaches sparsity 0\.2894.*step 1600, before end_step=5000"):
        assert check_schedule(ARTICLE, n_samples=8000, batch_size=1024, epochs=200) == pytest.approx(0.28940625)


def test_check_schedule_warns_when_frequency_misses_end_step():
    s = PolynomialSchedule(0.0, 0.5, begin_step=0, end_step=150, frequency=100)
    with pytest.warns(ScheduleWarning, match="not a multiple of frequency"):
        check_schedule(s, n_samples=100, batch_size=10, epochs=100)


def test_check_schedule_is_quiet_when_the_run_is_long_enough():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert check_schedule(ARTICLE, n_samples=8000, batch_size=1024, epochs=625) == pytest.approx(0.75)


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
        check_schedule(ARTICLE, **settings)
