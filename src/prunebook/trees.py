"""Decision-tree pruning helpers: a data split, tree size, and reduced-error pruning.

Reduced-error pruning (Quinlan, 1987), as the article describes it: two leaves
that share a parent are merged into it, and the parent becomes a leaf that
predicts the majority class of the training samples that reached it, whenever
that does not lower the accuracy on a held-out pruning set. Merges go on,
bottom-up, until none is allowed. The pruned tree is a copy of a fitted
scikit-learn tree, so it still predicts through scikit-learn's API.
"""
import copy

import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier

from prunebook.validation import require_nonnegative_int, require_open_unit

LEAF = -1  # scikit-learn's marker for "no child"


def breast_cancer_splits(*, prune_size=0.2, test_size=0.2, random_state=0):
    """Split scikit-learn's breast-cancer data into training, pruning and test parts.

    The data ship with scikit-learn (569 tumours, 30 features, 2 classes); the
    splits are stratified by class.

    Returns
    -------
    dict
        ``{"train": (X, y), "prune": (X, y), "test": (X, y)}``.
    """
    require_open_unit(prune_size, "prune_size")
    require_open_unit(test_size, "test_size")
    if prune_size + test_size >= 1:
        raise ValueError(f"prune_size + test_size must be < 1, got {prune_size + test_size}")
    require_nonnegative_int(random_state, "random_state")
    X, y = load_breast_cancer(return_X_y=True)
    X_rest, X_test, y_rest, y_test = train_test_split(
        X, y, test_size=test_size, stratify=y, random_state=random_state)
    X_train, X_prune, y_train, y_prune = train_test_split(
        X_rest, y_rest, test_size=prune_size / (1 - test_size), stratify=y_rest, random_state=random_state)
    return {"train": (X_train, y_train), "prune": (X_prune, y_prune), "test": (X_test, y_test)}


def _check_fitted_tree(tree):
    if not isinstance(tree, DecisionTreeClassifier):
        raise ValueError(f"tree must be a fitted sklearn DecisionTreeClassifier, got {type(tree).__name__}")
    if not hasattr(tree, "tree_"):
        raise ValueError("tree must be fitted (call .fit first)")


def _check_samples(tree, X, y):
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim != 2 or X.shape[1] != tree.n_features_in_:
        raise ValueError(f"X must have shape (n_samples, {tree.n_features_in_}), got {X.shape}")
    if y.ndim != 1 or len(y) != len(X):
        raise ValueError(f"y must hold one label per row of X: got {len(y)} labels for {len(X)} rows")
    if len(y) == 0:
        raise ValueError("X and y must hold at least one sample")
    return X, y


def reachable_nodes(tree):
    """Node ids reachable from the root, parents before children."""
    _check_fitted_tree(tree)
    left, right = tree.tree_.children_left, tree.tree_.children_right
    order, stack = [], [0]
    while stack:
        node = stack.pop()
        order.append(node)
        if left[node] != LEAF:
            stack.extend([right[node], left[node]])
    return order


def tree_size(tree):
    """``(n_leaves, depth)`` of the part of the tree reachable from the root.

    Use this, not ``get_n_leaves()``, on a pruned copy: scikit-learn's own
    counters also count the nodes that pruning cut off.
    """
    left, right = tree.tree_.children_left, tree.tree_.children_right
    depth = {0: 0}
    leaves = 0
    for node in reachable_nodes(tree):
        if left[node] == LEAF:
            leaves += 1
        else:
            depth[left[node]] = depth[right[node]] = depth[node] + 1
    return leaves, max(depth.values())


def collapse(tree, nodes):
    """A copy of ``tree`` in which every node of ``nodes`` is a leaf."""
    _check_fitted_tree(tree)
    pruned = copy.deepcopy(tree)
    for node in nodes:
        pruned.tree_.children_left[node] = LEAF
        pruned.tree_.children_right[node] = LEAF
    return pruned


def leaf_errors(tree, X, y):
    """Errors on (X, y) at every node if that node were a leaf predicting its majority class."""
    majority = tree.classes_[np.argmax(tree.tree_.value[:, 0, :], axis=1)]
    paths = tree.decision_path(X).tocsc()  # samples x nodes: which nodes each sample passes
    wrong = (np.asarray(y)[:, None] != majority[None, :])
    return np.asarray(paths.multiply(wrong).sum(axis=0)).ravel().astype(int)


def reduced_error_prune(tree, X_prune, y_prune):
    """Reduced-error pruning of a fitted tree on a held-out pruning set.

    Parameters
    ----------
    tree : sklearn.tree.DecisionTreeClassifier
        A fitted tree; it is not modified.
    X_prune, y_prune : array-like
        The pruning set: samples not used to grow the tree.

    Returns
    -------
    pruned : DecisionTreeClassifier
        A pruned copy. Its collapsed nodes are leaves that predict the majority
        class of the training samples that reached them.
    collapsed : list of int
        The collapsed nodes, in the order they were merged.
    """
    _check_fitted_tree(tree)
    X_prune, y_prune = _check_samples(tree, X_prune, y_prune)
    errors = leaf_errors(tree, X_prune, y_prune)
    left = tree.tree_.children_left.copy()
    right = tree.tree_.children_right.copy()
    collapsed = []
    # Children come after their parent in reachable order, so the reversed order is bottom-up:
    # when a node is reached, its children have had their chance to become leaves.
    for node in reversed(reachable_nodes(tree)):
        l, r = left[node], right[node]
        if l == LEAF or left[l] != LEAF or left[r] != LEAF:
            continue  # a leaf already, or a child is still a subtree
        if errors[node] <= errors[l] + errors[r]:  # accuracy on the pruning set does not drop
            left[node] = right[node] = LEAF
            collapsed.append(int(node))
    return collapse(tree, collapsed), collapsed
