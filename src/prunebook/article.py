"""The article's run, in one place: its settings, and the figures that follow from them.

The settings are typed here once (data, model, training, schedule, and the book's choices
of seeds and scales). Every figure that follows from them (training rows, steps, kernel
sizes, biases, parameters, bytes) is *computed* below, so a chapter, an exercise, a script
and a benchmark that need "8,000 rows" or "2,049 biases" read them here, and changing a
setting changes every figure that depends on it.
"""
import math

from prunebook import config
from prunebook.schedules import PolynomialSchedule, steps_per_epoch, total_steps
from prunebook.validation import require_one_of, require_open_unit, require_positive_int

# --- the data: make_regression(n_samples=10000, n_features=1000, n_informative=500, noise=3),
# split 80/20 with train_test_split(random_state=42)
N_SAMPLES = 10_000
N_FEATURES = 1_000
N_INFORMATIVE = 500
NOISE = 3.0
TEST_SIZE = 0.2
#: Seed of the train/validation split, as in the article.
SPLIT_SEED = 42
#: Seed the book passes to ``make_regression`` (the article passes none, so every run differs).
DATA_SEED = 0

# --- the model: Dense(1024, he_normal) -> ReLU -> Dense(1024) -> ReLU -> Dense(1)
UNITS = 1_024

# --- training: model.fit(..., epochs=200, batch_size=1024), Adam(learning_rate=1e-3), MSE
EPOCHS = 200
BATCH_SIZE = 1_024
LEARNING_RATE = 1e-3
#: The seed the book uses for the model's initial weights and the batch order.
SEED = 0
#: ``PolynomialDecay(initial_sparsity=0.0, final_sparsity=0.75, begin_step=1000, end_step=5000)``
SCHEDULE = PolynomialSchedule(initial_sparsity=0.0, final_sparsity=0.75, begin_step=1000, end_step=5000)

# --- the book's choices
#: Epochs of the article's runs at quick scale (``PRUNEBOOK_SCALE=quick``), for development.
QUICK_EPOCHS = 10
#: Fresh curves are compared with the reference from this epoch on: before it, val_loss falls
#: by orders of magnitude in a few epochs, and a tiny shift in time is a large shift in value.
FROM_EPOCH = 21
#: Final sparsities of the sweep in the chapter on reaching the target.
SWEEP = (0.5, 0.75, 0.9, 0.95, 0.98)
#: Bytes of one float32 value.
FLOAT32_BYTES = 4


def train_rows(n_samples=N_SAMPLES, test_size=TEST_SIZE):
    """Rows ``train_test_split(test_size=...)`` keeps for training: ``n - ceil(test_size * n)``."""
    require_positive_int(n_samples, "n_samples")
    require_open_unit(test_size, "test_size")
    return n_samples - math.ceil(test_size * n_samples)


def kernel_shapes(*, input_dim=N_FEATURES, units=UNITS):
    """``(inputs, outputs)`` of the MLP's three Dense layers: input -> units -> units -> 1.

    Each layer has ``inputs * outputs`` kernel weights and ``outputs`` biases.
    """
    require_positive_int(input_dim, "input_dim")
    require_positive_int(units, "units")
    return ((input_dim, units), (units, units), (units, 1))


def corrected_schedule(final_sparsity=0.75):
    """The book's fix of the article's schedule: the same shape (power 3, every 100 steps),
    ramping from step 200 to step 1,000, so it ends inside the run's 1,600 steps and
    leaves 600 steps (75 epochs) to recover."""
    return PolynomialSchedule(initial_sparsity=0.0, final_sparsity=final_sparsity, begin_step=200,
                              end_step=1000)


def scaled_epochs(scale=None):
    """:data:`EPOCHS` at full scale, :data:`QUICK_EPOCHS` at quick scale.

    ``scale`` is ``"full"`` or ``"quick"``; None reads ``PRUNEBOOK_SCALE`` (:func:`prunebook.config.scale`).
    """
    scale = config.scale() if scale is None else require_one_of(scale, "scale", config.SCALES)
    return EPOCHS if scale == "full" else QUICK_EPOCHS


def training_settings(scale=None):
    """The keyword arguments of :func:`prunebook.training.fit_baseline` for the article's run.

    A new dict each call: ``epochs`` from :func:`scaled_epochs`, and the article's
    batch size, learning rate and the book's seed.
    """
    return {"epochs": scaled_epochs(scale), "batch_size": BATCH_SIZE, "learning_rate": LEARNING_RATE,
            "seed": SEED}


#: Rows of the training part (10,000 less the 20 % validation part).
N_TRAIN = train_rows()
#: Rows of the validation part.
N_VAL = N_SAMPLES - N_TRAIN
#: Optimizer steps an epoch, and in the whole run; tfmot numbers the steps 1 to TOTAL_STEPS.
STEPS_PER_EPOCH = steps_per_epoch(N_TRAIN, BATCH_SIZE)
TOTAL_STEPS = total_steps(N_TRAIN, BATCH_SIZE, EPOCHS)
#: ``(inputs, outputs)`` of each Dense layer of the article's MLP.
KERNEL_SHAPES = kernel_shapes()
#: Weights of each kernel: the only weights tfmot prunes.
KERNEL_SIZES = tuple(n_in * n_out for n_in, n_out in KERNEL_SHAPES)
N_KERNEL = sum(KERNEL_SIZES)
#: Biases of the MLP (one per unit of each layer); tfmot never prunes them.
N_BIAS = sum(n_out for _, n_out in KERNEL_SHAPES)
#: Every parameter of the MLP.
N_PARAMS = N_KERNEL + N_BIAS
#: Bytes of the MLP's weights stored densely as float32.
DENSE_BYTES = FLOAT32_BYTES * N_PARAMS
#: The corrected schedule at the article's target sparsity.
CORRECTED = corrected_schedule(SCHEDULE.final_sparsity)
