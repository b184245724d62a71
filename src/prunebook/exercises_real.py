"""Checks for the exercises of the real-data chapters (Fashion-MNIST).

They work as :mod:`prunebook.exercises` does: a right answer prints a confirmation and returns
a true :class:`~prunebook.exercises.Verdict`, a wrong one raises
:class:`~prunebook.exercises.NotYet` with a hint, and ``...`` reports the exercise as not
answered yet. A check that needs trained models takes them from the training cache (the
chapter trained them), or trains them.
"""
import numpy as np

from prunebook import realdata
from prunebook.exercises import NotYet, _exercise, _ok
from prunebook.fashion import CLASS_NAMES
from prunebook.sparsity import kept_count


def han_kept_weights(kernel_sizes):
    """Kernel weights LeNet-300-100 keeps under Han et al.'s allocation (tfmot's rounding):
    ``kernel_sizes`` is ``{layer: weights}`` for fc1, fc2 and fc3."""
    return sum(kept_count(int(kernel_sizes[name]), round(1 - kept, 6))
               for name, kept in realdata.HAN_KEPT.items())


def _lenet_kernel_sizes():
    from prunebook.sparsity import kernel_layers

    return {layer.name: int(np.prod(layer.kernel.shape))
            for layer in kernel_layers(realdata.build("LeNet-300-100", 0))}


@_exercise("a sparsity in [0, 1)")
def check_fc1_sparsity(answer):
    """Real classifier, exercise 1: the sparsity of LeNet-300-100's ``fc1`` that keeps Han et
    al.'s overall count of kernel weights when ``fc2`` is pruned to 91 % and ``fc3`` kept whole."""
    if isinstance(answer, bool) or not isinstance(answer, (int, float, np.floating)) or not 0 <= answer < 1:
        raise NotYet(f"answer must be a sparsity in [0, 1), got {answer!r}")
    sizes = _lenet_kernel_sizes()
    kept_fc1 = han_kept_weights(sizes) - kept_count(sizes["fc2"], 0.91) - sizes["fc3"]
    expected = 1 - kept_fc1 / sizes["fc1"]
    if kept_count(sizes["fc1"], float(answer)) == kept_fc1:
        extra = sizes["fc3"] - kept_count(sizes["fc3"], round(1 - realdata.HAN_KEPT["fc3"], 6))
        return _ok(f"Correct: fc1 at {100 * expected:.2f} % keeps {kept_fc1:,} weights; keeping fc3 "
                   f"whole costs fc1 {extra:,} more of its weights.")
    if answer > expected:
        raise NotYet("Not yet: with that sparsity fc1 keeps fewer weights than the budget leaves it.")
    raise NotYet("Not yet: with that sparsity fc1 keeps more weights than the budget leaves it; count "
                 "what fc2 and a whole fc3 keep first, and take them from Han et al.'s total.")


def per_class_accuracy(model, x, y):
    """``{class name: accuracy}`` of ``model`` on the images of each class of ``(x, y)``."""
    from prunebook.classifiers import accuracy_on

    y = np.asarray(y)
    return {name: accuracy_on(model, x[y == label], y[y == label])
            for label, name in enumerate(CLASS_NAMES)}


def _most_hurt_class(sparsity, seed):
    """The class whose test accuracy falls most from the dense control to the gradual run."""
    from prunebook.classifiers import second_phase

    data, (x_test, y_test) = realdata.fashion_data()
    dense = second_phase("LeNet-300-100", data, seed, "dense", progress=False)
    pruned = second_phase("LeNet-300-100", data, seed, "gradual", sparsity, progress=False)
    before = per_class_accuracy(dense.model, x_test, y_test)
    after = per_class_accuracy(pruned.model, x_test, y_test)
    drops = {name: before[name] - after[name] for name in CLASS_NAMES}
    return max(drops, key=drops.get), drops


@_exercise("a class name from CLASS_NAMES")
def check_most_hurt_class(answer, *, sparsity=0.98, seed=0):
    """Real classifier, exercise 2: the class on which LeNet-300-100 pruned gradually to
    ``sparsity`` (seed ``seed``) loses the most test accuracy against the dense control."""
    if answer not in CLASS_NAMES:
        raise NotYet(f"answer must be one of {CLASS_NAMES}, got {answer!r}")
    worst, drops = _most_hurt_class(sparsity, seed)
    if answer == worst:
        runner_up = max((name for name in drops if name != worst), key=drops.get)
        return _ok(f"Correct: {worst} loses the most; the next is {runner_up}.")
    raise NotYet(f"Not yet: {answer} drops by {100 * drops[answer]:.1f} points; another class drops "
                 "more. Measure the accuracy of each class before and after.")


def _cnn_dense_model(seed=0):
    from prunebook.classifiers import dense_phase

    data, _ = realdata.fashion_data()
    return dense_phase("CNN", data, seed, progress=False).model, data


def _costs_per_weight(sparsity, seed):
    """``{layer: validation accuracy lost per kernel weight removed}`` when each CNN layer alone
    is pruned to ``sparsity`` (one shot, no fine-tuning), for seed ``seed``'s dense phase."""
    from prunebook.classifiers import accuracy_on
    from prunebook.sensitivity import layer_scan

    model, (_, x_val, _, y_val) = _cnn_dense_model(seed)
    scan = layer_scan(model, x_val, y_val, (sparsity,), accuracy=accuracy_on)
    base = scan[scan.sparsity == 0].set_index("layer").accuracy
    cut = scan[scan.sparsity == sparsity].set_index("layer")
    return {name: (base[name] - row.accuracy) / (row.weights * sparsity) for name, row in cut.iterrows()}


@_exercise("a layer name")
def check_cheapest_layer(answer, *, sparsity=0.9, seed=0):
    """Which layers, exercise 1: the CNN layer whose pruning alone to ``sparsity`` costs the
    least validation accuracy per weight removed (seed ``seed``'s dense phase, no fine-tuning)."""
    costs = _costs_per_weight(sparsity, seed)
    if answer not in costs:
        raise NotYet(f"answer must be one of the CNN's layers with kernels {sorted(costs)}, got {answer!r}")
    cheapest = min(costs, key=costs.get)
    if answer == cheapest:
        return _ok(f"Correct: {cheapest}. It loses accuracy too, but spread over far more weights.")
    raise NotYet(f"Not yet: divide each layer's accuracy loss by the number of weights its pruning "
                 f"removes; {answer} is not the smallest.")


def one_shot_allocation_accuracy(allocation, seed=0):
    """Validation accuracy of seed ``seed``'s dense-phase CNN pruned in one shot (tfmot's
    magnitude rule, no fine-tuning) to the per-layer sparsities of ``allocation``."""
    from prunebook.classifiers import accuracy_on
    from prunebook.magnitude import apply_masks, magnitude_mask
    from prunebook.sparsity import kernel_layers

    model, (_, x_val, _, y_val) = _cnn_dense_model(seed)
    masks = [magnitude_mask(layer.kernel.numpy(), allocation[layer.name])
             if allocation[layer.name] > 0 else np.ones(layer.kernel.shape, np.float32)
             for layer in kernel_layers(model)]
    return accuracy_on(apply_masks(model, masks), x_val, y_val)


@_exercise("a dict {layer: sparsity}")
def check_cnn_allocation(allocation, *, budget=0.8, floor=0.72, seed=0):
    """Which layers, exercise 2: per-layer sparsities for the CNN that prune at least ``budget``
    of its kernel weights and keep, in one shot without fine-tuning, a validation accuracy of
    at least ``floor``."""
    from prunebook.sensitivity import overall_sparsity_of

    sizes = {"conv1": 144, "conv2": 4_608, "fc": 8_000}
    if not isinstance(allocation, dict) or set(allocation) != set(sizes):
        raise NotYet(f"allocation must be a dict with the keys {sorted(sizes)}, got {allocation!r}")
    for name, s in allocation.items():
        if isinstance(s, bool) or not isinstance(s, (int, float, np.floating)) or not 0 <= s < 1:
            raise NotYet(f"allocation[{name!r}] must be a sparsity in [0, 1), got {s!r}")
    overall = overall_sparsity_of(allocation, sizes)
    if overall < budget - 5e-4:  # rounding each layer's count may leave a hair under the budget
        raise NotYet(f"Not yet: these sparsities prune {overall:.1%} of the kernel weights, less than "
                     f"{budget:.0%}.")
    accuracy = one_shot_allocation_accuracy(allocation, seed)
    if accuracy >= floor:
        return _ok(f"Correct: {overall:.1%} of the kernel weights pruned, and the validation "
                   f"accuracy stays at or above {floor:.0%}.")
    raise NotYet(f"Not yet: {overall:.1%} pruned, but the validation accuracy falls to {accuracy:.1%}. "
                 "Take the weights from the layers whose scan curves fall last.")
