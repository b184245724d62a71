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


@_exercise("the number of kernel weights kept")
def check_han_kept(answer):
    """Real classifier, exercise 1: how many of LeNet-300-100's kernel weights Han et al.'s
    allocation keeps, each layer rounded as tfmot rounds it."""
    if isinstance(answer, bool) or not isinstance(answer, (int, np.integer)) or answer < 1:
        raise NotYet(f"answer must be a positive whole number, got {answer!r}")
    sizes = _lenet_kernel_sizes()
    expected = han_kept_weights(sizes)
    if answer == expected:
        total = sum(sizes.values())
        return _ok(f"Correct: {expected:,} of {total:,} kernel weights, an overall sparsity of "
                   f"{1 - expected / total:.2%}, {total / expected:.1f}x fewer.")
    if answer == round(0.08 * sum(sizes.values())):
        raise NotYet("Not yet: that applies fc1's share to every layer; each layer keeps its own share.")
    raise NotYet("Not yet: multiply each layer's kernel weights (inputs x outputs) by the share it "
                 "keeps, round each product to a whole number, and add the three.")


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
        return _ok(f"Correct: {worst} loses the most, more than any other class by a wide margin.")
    raise NotYet(f"Not yet: {answer} drops by {100 * drops[answer]:.1f} points; another class drops "
                 "more. Measure the accuracy of each class before and after.")
