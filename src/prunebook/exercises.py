"""Automatic checks for the chapters' exercises.

Each check recomputes what it needs, prints a short confirmation when the
answer is right, and raises :class:`NotYet` (an AssertionError) with a hint
when it is not. A hint never gives the answer away.
"""
import numpy as np


class NotYet(AssertionError):
    """A wrong answer, with a hint."""


def _ok(message="Correct."):
    print(message)
    return True


def check_tree_largest_alpha(alpha):
    """Trees, exercise 1: the largest ``ccp_alpha`` on the chapter tree's pruning path
    whose tree is at least as accurate on the test set as the unpruned tree."""
    from sklearn.tree import DecisionTreeClassifier

    from prunebook.trees import breast_cancer_splits

    if not isinstance(alpha, (int, float, np.floating)) or not np.isfinite(alpha) or alpha < 0:
        raise NotYet(f"alpha must be a number >= 0 taken from the pruning path, got {alpha!r}")
    parts = breast_cancer_splits()
    (X_train, y_train), (X_test, y_test) = parts["train"], parts["test"]
    full = DecisionTreeClassifier(random_state=0).fit(X_train, y_train)
    alphas = full.cost_complexity_pruning_path(X_train, y_train).ccp_alphas
    if not np.any(np.isclose(alphas, alpha, rtol=1e-9, atol=1e-12)):
        raise NotYet("alpha must be one of the values in cost_complexity_pruning_path(...).ccp_alphas")
    target = full.score(X_test, y_test)
    keeps = [a for a in alphas
             if DecisionTreeClassifier(random_state=0, ccp_alpha=a).fit(X_train, y_train).score(X_test, y_test) >= target]
    if np.isclose(alpha, max(keeps), rtol=1e-9, atol=1e-12):
        return _ok("Correct: beyond this alpha the test accuracy falls below the unpruned tree's.")
    if not any(np.isclose(alpha, a, rtol=1e-9, atol=1e-12) for a in keeps):
        raise NotYet("Not yet: the tree pruned with this alpha is less accurate on the test set than the unpruned tree.")
    raise NotYet("Not yet: this alpha keeps the accuracy, but a larger alpha on the path does too.")


def check_tree_rep_on_training_set(n_leaves):
    """Trees, exercise 2: leaves left when the *training* set serves as the pruning set."""
    from sklearn.tree import DecisionTreeClassifier

    from prunebook.trees import breast_cancer_splits, reduced_error_prune, tree_size

    if isinstance(n_leaves, bool) or not isinstance(n_leaves, (int, np.integer)) or n_leaves < 1:
        raise NotYet(f"n_leaves must be a positive whole number, got {n_leaves!r}")
    X_train, y_train = breast_cancer_splits()["train"]
    full = DecisionTreeClassifier(random_state=0).fit(X_train, y_train)
    expected = tree_size(reduced_error_prune(full, X_train, y_train)[0])[0]
    if n_leaves == expected:
        return _ok("Correct: on its own training data a fully grown tree makes no error, so no merge keeps its accuracy.")
    raise NotYet("Not yet: think about the accuracy of a fully grown tree on the data it was grown on.")


def check_mask_function(fn):
    """Magnitude pruning, exercise 1: ``fn(weights, sparsity)`` returns tfmot's 0/1 mask."""
    from prunebook.magnitude import magnitude_mask

    rng = np.random.default_rng(0)
    cases = [((7, 5), 0.5), ((10,), 0.0), ((32, 16), 0.9), ((3, 4, 5), 0.33), ((100,), 0.999)]
    for shape, sparsity in cases:
        w = rng.normal(size=shape).astype(np.float32)
        got = np.asarray(fn(w.copy(), sparsity))
        want = magnitude_mask(w, sparsity)
        if got.shape != want.shape:
            raise NotYet(f"For weights of shape {shape} the mask must have the same shape, got {got.shape}.")
        if not np.isin(got, (0, 1)).all():
            raise NotYet("A mask holds only zeros and ones.")
        if got.sum() != want.sum():
            raise NotYet(f"For {w.size} weights at sparsity {sparsity} your mask keeps {int(got.sum())} weights; "
                         "check how many tfmot keeps (it rounds, and keeps at least one).")
        if not np.array_equal(got, want):
            raise NotYet(f"For weights of shape {shape} at sparsity {sparsity} you keep the right number of "
                         "weights but not the right ones: keep the largest in absolute value.")
    return _ok("Correct: your masks equal tfmot's on every test case.")


def check_first_sparsity_over(answer, curve, *, factor=1.1):
    """Magnitude pruning, exercise 2: the smallest sparsity in ``curve`` whose val_loss
    exceeds ``factor`` times the unpruned val_loss (``curve`` maps sparsity -> val_loss,
    with 0.0 present)."""
    if 0.0 not in curve:
        raise ValueError("curve must hold the val_loss at sparsity 0.0")
    over = [s for s in sorted(curve) if curve[s] > factor * curve[0.0]]
    if not over:
        raise ValueError(f"no sparsity in curve raises val_loss above {factor} x the unpruned one")
    if answer not in curve:
        raise NotYet("answer must be one of the sparsities the curve was measured at.")
    if answer == over[0]:
        return _ok("Correct.")
    if curve[answer] <= factor * curve[0.0]:
        raise NotYet("Not yet: at this sparsity the val_loss is still within the allowed factor.")
    raise NotYet("Not yet: the val_loss is already above the allowed factor at a smaller sparsity.")
