from prunebook import article
from prunebook.schedules import total_steps


def test_the_articles_settings():
    assert (article.EPOCHS, article.BATCH_SIZE, article.LEARNING_RATE) == (200, 1024, 1e-3)
    s = article.SCHEDULE
    assert (s.initial_sparsity, s.final_sparsity, s.begin_step, s.end_step, s.power, s.frequency) == \
        (0.0, 0.75, 1000, 5000, 3.0, 100)


def test_the_run_stops_before_the_schedule_ends():
    assert total_steps(8000, article.BATCH_SIZE, article.EPOCHS) < article.SCHEDULE.end_step
