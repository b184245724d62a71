"""The article's training settings, in one place for the chapters, scripts and benchmark."""
from prunebook.schedules import PolynomialSchedule

EPOCHS = 200
BATCH_SIZE = 1024
LEARNING_RATE = 1e-3
#: The seed the book uses for the model's initial weights and the batch order.
SEED = 0
#: ``PolynomialDecay(initial_sparsity=0.0, final_sparsity=0.75, begin_step=1000, end_step=5000)``
SCHEDULE = PolynomialSchedule(initial_sparsity=0.0, final_sparsity=0.75, begin_step=1000, end_step=5000)


def corrected_schedule(final_sparsity=0.75):
    """The book's fix of the article's schedule: the same shape (power 3, every 100 steps),
    ramping from step 200 to step 1,000, so it ends inside the run's 1,600 steps and
    leaves 600 steps (75 epochs) to recover."""
    return PolynomialSchedule(initial_sparsity=0.0, final_sparsity=final_sparsity, begin_step=200, end_step=1000)


#: The corrected schedule at the article's target sparsity.
CORRECTED = corrected_schedule(0.75)
#: Final sparsities of the sweep in the chapter on reaching the target.
SWEEP = (0.5, 0.75, 0.9, 0.95, 0.98)
