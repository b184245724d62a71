from prunebook import article
from prunebook.schedules import total_steps


def test_the_articles_settings():
    assert (article.EPOCHS, article.BATCH_SIZE, article.LEARNING_RATE) == (200, 1024, 1e-3)
    s = article.SCHEDULE
    assert (s.initial_sparsity, s.final_sparsity, s.begin_step, s.end_step, s.power, s.frequency) == \
        (0.0, 0.75, 1000, 5000, 3.0, 100)


def test_the_run_stops_before_the_schedule_ends():
    assert total_steps(8000, article.BATCH_SIZE, article.EPOCHS) < article.SCHEDULE.end_step


def test_the_corrected_schedule_finishes_inside_the_run_with_time_to_recover():
    from prunebook.schedules import reached_sparsity

    last = total_steps(8000, article.BATCH_SIZE, article.EPOCHS)
    for s in article.SWEEP:
        schedule = article.corrected_schedule(s)
        assert reached_sparsity(schedule, n_samples=8000, batch_size=1024, epochs=200) == s
        assert last - schedule.end_step == 600
    assert article.CORRECTED == article.corrected_schedule(0.75)
