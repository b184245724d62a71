"""The article's training settings, in one place for the chapters, scripts and benchmark."""
from prunebook.schedules import PolynomialSchedule

EPOCHS = 200
BATCH_SIZE = 1024
LEARNING_RATE = 1e-3
#: The seed the book uses for the model's initial weights and the batch order.
SEED = 0
#: ``PolynomialDecay(initial_sparsity=0.0, final_sparsity=0.75, begin_step=1000, end_step=5000)``
SCHEDULE = PolynomialSchedule(initial_sparsity=0.0, final_sparsity=0.75, begin_step=1000, end_step=5000)
