import pytest

from prunebook import article
from prunebook.schedules import reached_sparsity, total_steps


def test_the_articles_settings():
    assert (article.EPOCHS, article.BATCH_SIZE, article.LEARNING_RATE, article.SEED) == (200, 1024, 1e-3, 0)
    s = article.SCHEDULE
    assert (s.initial_sparsity, s.final_sparsity, s.begin_step, s.end_step, s.power, s.frequency) == \
        (0.0, 0.75, 1000, 5000, 3.0, 100)


def test_the_figures_that_follow_from_the_data_and_the_model():
    assert (article.N_TRAIN, article.N_VAL) == (8000, 2000)
    assert (article.STEPS_PER_EPOCH, article.TOTAL_STEPS) == (8, 1600)
    assert article.KERNEL_SIZES == (1000 * 1024, 1024 * 1024, 1024)
    assert article.N_BIAS == 1024 + 1024 + 1
    assert article.N_PARAMS == 2_075_649 and article.DENSE_BYTES == 4 * 2_075_649


def test_train_rows_agree_with_the_split_article_data_makes():
    from prunebook.data import article_data

    for n, test_size in [(101, 0.2), (10, 0.35), (7, 0.5)]:
        x_train, x_val, _, _ = article_data(n_samples=n, n_features=3, n_informative=2, test_size=test_size)
        assert article.train_rows(n, test_size) == len(x_train) and len(x_train) + len(x_val) == n


def test_kernel_shapes_are_the_models():
    from prunebook.models import article_mlp
    from prunebook.sparsity import kernel_layers

    model = article_mlp(input_dim=7, units=5)
    kernels = [tuple(layer.kernel.shape) for layer in kernel_layers(model)]
    assert kernels == list(article.kernel_shapes(input_dim=7, units=5))
    with pytest.raises(ValueError, match="units"):
        article.kernel_shapes(units=0)


def test_the_run_stops_before_the_schedule_ends():
    assert article.TOTAL_STEPS < article.SCHEDULE.end_step


def test_the_corrected_schedule_finishes_inside_the_run_with_time_to_recover():
    for s in article.SWEEP:
        schedule = article.corrected_schedule(s)
        assert reached_sparsity(schedule, n_samples=article.N_TRAIN, batch_size=article.BATCH_SIZE,
                                epochs=article.EPOCHS) == s
        assert article.TOTAL_STEPS - schedule.end_step == 600
    assert article.CORRECTED == article.corrected_schedule(0.75)


def test_scaled_epochs_and_training_settings(monkeypatch):
    monkeypatch.setenv("PRUNEBOOK_SCALE", "quick")
    assert article.scaled_epochs() == article.QUICK_EPOCHS == 10
    assert article.training_settings()["epochs"] == 10
    assert article.training_settings("full") == {"epochs": 200, "batch_size": 1024, "learning_rate": 1e-3,
                                                 "seed": 0}
    monkeypatch.delenv("PRUNEBOOK_SCALE")
    assert article.scaled_epochs() == 200
    assert article.training_settings() is not article.training_settings()  # a fresh dict each call
    with pytest.raises(ValueError, match="scale must be one of"):
        article.scaled_epochs("huge")
    assert total_steps(article.N_TRAIN, article.BATCH_SIZE, article.QUICK_EPOCHS) == 80


@pytest.mark.parametrize("kwargs, name", [({"n_samples": 0}, "n_samples"), ({"test_size": 1.0}, "test_size")])
def test_train_rows_rejects_bad_settings(kwargs, name):
    with pytest.raises(ValueError, match=name):
        article.train_rows(**kwargs)
