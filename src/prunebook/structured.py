"""Structured pruning, in one place: the chapter's settings, and units removed for real.

The settings of the structured-pruning chapter are typed here once: the sparsities, the seeds,
the fine-tuning budget every form of the article's MLP gets, and tfmot's ``block_size`` that
gives TFLite's 1 x 4 blocks. The functions here remove whole units from a trained model: the
hidden neurons of an MLP, the filters of the small CNN, ranked by the L2 norm of their incoming
weights, into a physically smaller dense model that carries the kept weights over.
"""
import numpy as np

from prunebook import article
from prunebook.models import article_mlp, small_cnn, width_for_params
from prunebook.schedules import ConstantSchedule, PolynomialSchedule
from prunebook.sparsity import kept_count, kernel_layers
from prunebook.validation import require_int_in, require_sparsity

#: Sparsities of the MLP's forms (the goal figures are at 90 % and 95 %).
SPARSITIES = (0.75, 0.9, 0.95)
#: Seeds of the fine-tuning phase; every form starts from the article's trained baseline (seed 0).
SEEDS = (0, 1, 2)
#: Epochs every form of the MLP trains after the baseline: the dense control, the pruned forms,
#: the smaller dense model of the kept neurons. 10 epochs are 80 steps of the article's batches.
FINE_TUNE_EPOCHS = 10
#: tfmot's ``block_size`` is (rows, columns) of the Keras kernel, stored (inputs, outputs); TFLite
#: stores a fully connected weight as (outputs, inputs). TFLite's 1 x 4 block (one output, four
#: consecutive inputs) is therefore tfmot's (4, 1).
TFLITE_BLOCK = (4, 1)
#: The larger block the chapter tries: one output and 16 consecutive inputs.
LARGE_BLOCK = (16, 1)
#: 2:4 sparsity: two zeros in every four consecutive weights of an output (tfmot's ``(m, n)``).
M_BY_N = (2, 4)
#: The sparsity 2:4 gives, and that of the unstructured control it is compared with.
M_BY_N_SPARSITY = M_BY_N[0] / M_BY_N[1]

#: The ramp of the gradual forms: tfmot's polynomial decay (power 3) from 0 to the target,
#: a mask update every RAMP_FREQUENCY steps up to RAMP_END, then 40 steps at the final mask.
RAMP_END = 40
RAMP_FREQUENCY = 5


def ramp_schedule(sparsity):
    """The gradual forms' schedule: 0 to ``sparsity`` over the first :data:`RAMP_END` steps."""
    require_sparsity(sparsity, "sparsity")
    return PolynomialSchedule(initial_sparsity=0.0, final_sparsity=sparsity, begin_step=0,
                              end_step=RAMP_END, frequency=RAMP_FREQUENCY)


def one_cut_schedule(sparsity):
    """A single mask update, at step 1 (tfmot counts from 1), to ``sparsity``; then the mask holds.

    It is when tfmot sets a 2:4 pattern (its ``sparsity_m_by_n`` updates the mask at step 1
    only), so an unstructured run on this schedule is 2:4's like-for-like control.
    """
    require_sparsity(sparsity, "sparsity")
    return ConstantSchedule(target_sparsity=sparsity, begin_step=1, end_step=2, frequency=100)


def kept_kernel_weights(sparsity):
    """Kernel weights the chapter's pruned MLP keeps at ``sparsity``: tfmot's count in each
    hidden layer (pruned layer by layer), and the output layer's kernel whole."""
    require_sparsity(sparsity, "sparsity")
    *hidden, (n_in, n_out) = article.kernel_shapes()
    return sum(kept_count(a * b, sparsity) for a, b in hidden) + n_in * n_out


def units_for_sparsity(sparsity):
    """Hidden width of the MLP whose parameters match the unstructured model's non-zero ones.

    The unstructured model at ``sparsity`` keeps :func:`kept_kernel_weights` kernel weights and
    all 2,049 biases; the smaller dense MLP (input -> k -> k -> 1) with the closest count of
    parameters has width k (:func:`prunebook.models.width_for_params`).
    """
    return width_for_params(kept_kernel_weights(sparsity) + article.N_BIAS)


def unit_norms(kernel):
    """The L2 norm of each output unit's incoming weights: over every axis but the last."""
    kernel = np.asarray(kernel)
    if kernel.ndim < 2:
        raise ValueError(f"kernel must have at least 2 dimensions, got shape {kernel.shape}")
    return np.sqrt(np.sum(kernel.reshape(-1, kernel.shape[-1]) ** 2, axis=0))


def strongest_units(kernel, keep):
    """Indices (ascending) of the ``keep`` output units with the largest :func:`unit_norms`.

    Ties go to the lower index (a stable sort), so the choice is deterministic.
    """
    norms = unit_norms(kernel)
    require_int_in(keep, "keep", 1, len(norms))
    order = np.argsort(-norms, kind="stable")
    return np.sort(order[:keep])


def remove_neurons(model, units):
    """The article's MLP ``model`` with ``units`` neurons kept in each hidden layer.

    In each hidden layer the neurons with the largest incoming-weight norm stay
    (:func:`strongest_units`); their kernel columns and biases, and the matching rows of the next
    layer's kernel, are copied into a new :func:`prunebook.models.article_mlp` of width
    ``units``. The model computes what ``model`` computes with the other neurons' outputs set
    to zero. ``model`` is not changed.
    """
    layers = kernel_layers(model)
    weights = [(layer.kernel.numpy(), layer.bias.numpy()) for layer in layers]
    shapes = tuple(k.shape for k, _ in weights)
    if len(weights) != 3 or shapes[1][0] != shapes[1][1] or shapes[2][1] != 1:
        raise ValueError(f"model must be the article's MLP (input -> k -> k -> 1), got kernels {shapes}")
    require_int_in(units, "units", 1, shapes[0][1])
    new = []
    previous = None
    for kernel, bias in weights:
        if previous is not None:
            kernel = kernel[previous]
        if kernel.shape[1] == 1:  # the output layer keeps its one unit
            new += [kernel, bias]
            break
        keep = strongest_units(kernel, units)
        new += [kernel[:, keep], bias[keep]]
        previous = keep
    smaller = article_mlp(input_dim=shapes[0][0], units=units)
    smaller.set_weights(new)
    return smaller


def remove_filters(model, filters):
    """The small CNN ``model`` with ``filters = (f1, f2)`` filters kept in its convolutions.

    Each convolution keeps the filters with the largest kernel norm (:func:`strongest_units`);
    the next convolution keeps the matching input channels, and the dense layer the matching
    rows of its kernel (Keras flattens height, width, channel, channel fastest). Returns a new
    :func:`prunebook.models.small_cnn` with those weights; ``model`` is not changed.
    """
    layers = {layer.name: layer for layer in kernel_layers(model)}
    if set(layers) != {"conv1", "conv2", "fc"}:
        raise ValueError(f"model must be prunebook.models.small_cnn, got layers {sorted(layers)}")
    k1, b1 = (w.numpy() for w in (layers["conv1"].kernel, layers["conv1"].bias))
    k2, b2 = (w.numpy() for w in (layers["conv2"].kernel, layers["conv2"].bias))
    kf, bf = (w.numpy() for w in (layers["fc"].kernel, layers["fc"].bias))
    if not (isinstance(filters, (tuple, list)) and len(filters) == 2):
        raise ValueError(f"filters must be a pair of positive integers, got {filters!r}")
    keep1 = strongest_units(k1, filters[0])
    k2 = k2[:, :, keep1, :]
    keep2 = strongest_units(k2, filters[1])
    side = int(round((kf.shape[0] / k2.shape[-1]) ** 0.5))
    kf = kf.reshape(side, side, -1, kf.shape[1])[:, :, keep2, :].reshape(-1, kf.shape[1])
    smaller = small_cnn(filters=tuple(filters))
    smaller.set_weights([k1[..., keep1], b1[keep1], k2[..., keep2], b2[keep2], kf, bf])
    return smaller

