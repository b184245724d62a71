"""The real-data chapters' runs, in one place: Fashion-MNIST, the two models, the budget.

As :mod:`prunebook.article` does for the article, this module types the settings once and
computes what follows from them (training rows, steps, the schedule's steps). Every run of
those chapters has two phases on the same data:

1. **dense**: the model trained from its seeded initial weights for :data:`DENSE_EPOCHS`;
2. **second phase**: :data:`PRUNE_EPOCHS` more epochs with a fresh Adam, during which a run
   prunes (gradually, in one shot, layer by layer) or, for the dense control, does not.

So every model, pruned or not, gets the same epochs and the same optimizer restart.
"""
import numpy as np
from sklearn.model_selection import train_test_split

from prunebook.fashion import fashion_mnist, scale_images
from prunebook.models import lenet_300_100, small_cnn
from prunebook.schedules import PolynomialSchedule, steps_per_epoch
from prunebook.sparsity import kept_count
from prunebook.validation import require_one_of, require_sparsity

# --- the data: Fashion-MNIST's 60,000 training images, split into training and validation
# (stratified by class); its 10,000 test images are used only for the final accuracy
VAL_SIZE = 6_000
SPLIT_SEED = 0
N_TRAIN = 60_000 - VAL_SIZE

# --- the models
#: ``{name: builder}``: LeNet-300-100 (Han et al. 2015) and the book's small CNN.
MODELS = {"LeNet-300-100": lenet_300_100, "CNN": small_cnn}

# --- training: Adam, cross-entropy on logits, this batch size, both phases
BATCH_SIZE = 256
LEARNING_RATE = 1e-3
DENSE_EPOCHS = 3
PRUNE_EPOCHS = 3
SEEDS = (0, 1, 2)
#: Final sparsities of the sweep, as in the chapter on reaching the target.
SPARSITIES = (0.5, 0.75, 0.9, 0.95, 0.98)
STEPS_PER_EPOCH = steps_per_epoch(N_TRAIN, BATCH_SIZE)

# --- the gradual schedule of the second phase: tfmot's PolynomialDecay (power 3) from 0 to the
# target, a mask update every FREQUENCY steps, the ramp over the first RAMP_EPOCHS epochs;
# the last epoch trains with the final mask
FREQUENCY = 50
RAMP_EPOCHS = 2
#: The ramp's last step: the last update step inside RAMP_EPOCHS epochs, so the final sparsity
#: is set by an update (tfmot's mask changes on update steps only).
RAMP_END = (RAMP_EPOCHS * STEPS_PER_EPOCH) // FREQUENCY * FREQUENCY

# --- the chapter on which layers can lose the most: each layer pruned on its own to these
# sparsities (no fine-tuning), and the overall sparsity of the kernels shared out between layers
SCAN_SPARSITIES = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99)
BUDGET = 0.9

# --- Han et al. 2015, Table 2: LeNet-300-100 pruned on MNIST keeps 8 %, 9 % and 26 % of the weights
# of fc1, fc2 and fc3 (12x fewer parameters, Table 1), at no loss of accuracy
HAN_KEPT = {"fc1": 0.08, "fc2": 0.09, "fc3": 0.26}


def gradual_schedule(sparsity):
    """The second phase's schedule to ``sparsity``: 0 -> sparsity, updates every FREQUENCY
    steps from step 0 (tfmot's first update is step FREQUENCY) to :data:`RAMP_END`."""
    require_sparsity(sparsity, "sparsity")
    return PolynomialSchedule(initial_sparsity=0.0, final_sparsity=sparsity, begin_step=0,
                              end_step=RAMP_END, frequency=FREQUENCY)


def han_schedules():
    """``{layer: schedule}``: the gradual schedule to Han et al.'s sparsity for each layer."""
    return {layer: gradual_schedule(round(1 - kept, 6)) for layer, kept in HAN_KEPT.items()}


def overall_sparsity(layer_sparsities, kernel_sizes):
    """The sparsity of all kernels together when each is pruned to its own sparsity (tfmot's
    kept counts): ``layer_sparsities`` and ``kernel_sizes`` are ``{layer: value}`` with the same keys.
    """
    if set(layer_sparsities) != set(kernel_sizes):
        raise ValueError(f"layer_sparsities and kernel_sizes must name the same layers, got "
                         f"{sorted(layer_sparsities)} and {sorted(kernel_sizes)}")
    kept = sum(kept_count(int(kernel_sizes[name]), s) for name, s in layer_sparsities.items())
    return 1 - kept / sum(int(n) for n in kernel_sizes.values())


def training_settings():
    """The settings every phase passes to :func:`prunebook.training.fit_baseline` and the others
    (``epochs`` is set per phase)."""
    return {"batch_size": BATCH_SIZE, "learning_rate": LEARNING_RATE, "task": "classification"}


def build(model_name, seed):
    """The model named ``model_name`` (a key of :data:`MODELS`), its initial weights from ``seed``."""
    require_one_of(model_name, "model_name", tuple(MODELS))
    return MODELS[model_name](seed=seed)


def fashion_data():
    """``((x_train, x_val, y_train, y_val), (x_test, y_test))``: images scaled to [0, 1] float32.

    The 60,000 training images are split :data:`N_TRAIN` / :data:`VAL_SIZE`, stratified by
    class, with :data:`SPLIT_SEED`. The first tuple is what the training functions take.
    """
    (x, y), (x_test, y_test) = fashion_mnist()
    x_train, x_val, y_train, y_val = train_test_split(
        scale_images(x), np.asarray(y), test_size=VAL_SIZE, stratify=y, random_state=SPLIT_SEED)
    return (x_train, x_val, y_train, y_val), (scale_images(x_test), np.asarray(y_test))
