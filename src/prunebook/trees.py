"""Decision-tree pruning helpers: data splits (with optional label noise), tree size,
reduced-error pruning, and a comparison of pruning methods over many random splits.

Reduced-error pruning (Quinlan, 1987) takes a fitted tree and a held-out pruning set.
Any internal node may be replaced by a leaf that predicts the majority class of the
training samples that reached it; the replacement is made when the tree makes no more
errors on the pruning set with the leaf than with the subtree. Nodes are visited
bottom-up, so a node is judged with its descendants already pruned, and when the pass
ends no internal node is left whose replacement would not add an error
(:func:`replaceable_nodes` returns an empty list).

:func:`merge_sibling_leaves` is the narrower rule the article pictures: only a node
whose two children are both leaves may become a leaf. It never prunes more than
reduced-error pruning, and on noisy data it often prunes less.

Pruned trees are copies of fitted scikit-learn trees, so they still predict through
scikit-learn's API.
"""
import copy

import numpy as np
import pandas as pd
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier

from prunebook.validation import require_fraction, require_nonnegative_int, require_open_unit

LEAF = -1  # scikit-learn's marker for "no child"
PARTS = ("train", "prune", "test")


def three_way_split(X, y, *, prune_size=0.2, test_size=0.2, random_state=0):
    """Split ``(X, y)`` into training, pruning and test parts, stratified by class.

    Parameters
    ----------
    X, y : array-like
        Samples (one row each) and their class labels.
    prune_size, test_size : float in (0, 1)
        Shares of the samples that go to the pruning and the test part; the rest trains.
    random_state : int >= 0
        Seed of the shuffles.

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
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim != 2 or y.ndim != 1 or len(X) != len(y):
        raise ValueError(f"X must be 2-D with one row per label in y, got X {X.shape}, y {y.shape}")
    X_rest, X_test, y_rest, y_test = train_test_split(
        X, y, test_size=test_size, stratify=y, random_state=random_state)
    X_train, X_prune, y_train, y_prune = train_test_split(
        X_rest, y_rest, test_size=prune_size / (1 - test_size), stratify=y_rest,
        random_state=random_state)
    return {"train": (X_train, y_train), "prune": (X_prune, y_prune), "test": (X_test, y_test)}


def _flip(y, share, rng):
    y = np.array(y, copy=True)
    classes = np.unique(y)
    n_flip = int(round(share * len(y)))
    if n_flip and len(classes) < 2:
        raise ValueError("y must hold at least two classes to flip labels")
    rows = rng.choice(len(y), size=n_flip, replace=False)
    for row in rows:
        y[row] = rng.choice(classes[classes != y[row]])
    return y


def flip_labels(y, share, *, random_state=0):
    """A copy of ``y`` in which ``round(share * len(y))`` labels, chosen at random, are wrong.

    Each chosen label is replaced by another class of ``y``, drawn uniformly (with two
    classes: the other one).

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Class labels.
    share : float in [0, 1)
        The share of labels to make wrong.
    random_state : int >= 0
        Seed of the choice.
    """
    require_fraction(share, "share")
    require_nonnegative_int(random_state, "random_state")
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D, got shape {y.shape}")
    return _flip(y, share, np.random.default_rng(random_state))


def breast_cancer_splits(*, prune_size=0.2, test_size=0.2, label_noise=0.0, random_state=0):
    """scikit-learn's breast-cancer data in training, pruning and test parts.

    The data ship with scikit-learn (569 tumours, 30 features, 2 classes); the split is
    :func:`three_way_split`. With ``label_noise`` > 0, that share of the training labels
    and that share of the pruning labels are flipped to the other class, as mislabelled
    records would be; the test labels stay as published, so the test accuracy measures how
    well a tree predicts the published diagnosis.

    Parameters
    ----------
    prune_size, test_size : float in (0, 1)
        Shares of the 569 tumours in the pruning and the test part.
    label_noise : float in [0, 1)
        Share of the training and of the pruning labels flipped.
    random_state : int >= 0
        Seed of the split and of the flips.

    Returns
    -------
    dict
        ``{"train": (X, y), "prune": (X, y), "test": (X, y)}``.
    """
    require_fraction(label_noise, "label_noise")
    X, y = load_breast_cancer(return_X_y=True)
    parts = three_way_split(X, y, prune_size=prune_size, test_size=test_size,
                            random_state=random_state)
    if label_noise:
        rng = np.random.default_rng(random_state)
        for part in ("train", "prune"):
            X_part, y_part = parts[part]
            parts[part] = (X_part, _flip(y_part, label_noise, rng))
    return parts


def _check_fitted_tree(tree):
    if not isinstance(tree, DecisionTreeClassifier):
        raise ValueError(f"tree must be a fitted sklearn DecisionTreeClassifier, got {type(tree).__name__}")
    if not hasattr(tree, "tree_"):
        raise ValueError("tree must be fitted (call .fit first)")


def _check_samples(tree, X, y, names=("X", "y")):
    X, y = np.asarray(X), np.asarray(y)
    x_name, y_name = names
    if X.ndim != 2 or X.shape[1] != tree.n_features_in_:
        raise ValueError(f"{x_name} must have shape (n_samples, {tree.n_features_in_}), got {X.shape}")
    if y.ndim != 1 or len(y) != len(X):
        raise ValueError(f"{y_name} must hold one label per row of {x_name}: "
                         f"got {len(y)} labels for {len(X)} rows")
    if len(y) == 0:
        raise ValueError(f"{x_name} and {y_name} must hold at least one sample")
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
    """Errors on (X, y) at every node if that node were a leaf predicting its majority class.

    The count for a node covers the samples whose path through ``tree`` passes it; on a
    pruned copy, nodes cut off from the root count no sample.
    """
    majority = tree.classes_[np.argmax(tree.tree_.value[:, 0, :], axis=1)]
    paths = tree.decision_path(X).tocsc()  # samples x nodes: which nodes each sample passes
    wrong = (np.asarray(y)[:, None] != majority[None, :])
    return np.asarray(paths.multiply(wrong).sum(axis=0)).ravel().astype(int)


def _subtree_errors(tree, errors):
    """Errors of each reachable node's subtree: the sum of ``errors`` over its leaves."""
    left, right = tree.tree_.children_left, tree.tree_.children_right
    below = np.array(errors, copy=True)
    for node in reversed(reachable_nodes(tree)):  # children before their parent
        if left[node] != LEAF:
            below[node] = below[left[node]] + below[right[node]]
    return below


def replaceable_nodes(tree, X_prune, y_prune):
    """Internal nodes of ``tree`` that a leaf could replace without adding an error.

    A node qualifies when the leaf (predicting the majority class of the training
    samples that reached the node) makes no more errors on the pruning set than the
    subtree below it. After :func:`reduced_error_prune` with the same pruning set, the
    list is empty.

    Returns
    -------
    list of int
        Node ids, parents before children.
    """
    _check_fitted_tree(tree)
    X_prune, y_prune = _check_samples(tree, X_prune, y_prune, ("X_prune", "y_prune"))
    errors = leaf_errors(tree, X_prune, y_prune)
    below = _subtree_errors(tree, errors)
    left = tree.tree_.children_left
    return [int(n) for n in reachable_nodes(tree) if left[n] != LEAF and errors[n] <= below[n]]


def _prune_bottom_up(tree, X_prune, y_prune, *, siblings_only):
    _check_fitted_tree(tree)
    X_prune, y_prune = _check_samples(tree, X_prune, y_prune, ("X_prune", "y_prune"))
    errors = leaf_errors(tree, X_prune, y_prune)  # each node's errors as a leaf
    below = errors.copy()  # errors of each node's subtree as pruned so far
    is_leaf = tree.tree_.children_left == LEAF
    left, right = tree.tree_.children_left, tree.tree_.children_right
    cut = []
    for node in reversed(reachable_nodes(tree)):  # children before their parent
        if is_leaf[node]:
            continue
        l, r = left[node], right[node]
        below[node] = below[l] + below[r]
        if siblings_only and not (is_leaf[l] and is_leaf[r]):
            continue  # the article's rule: a child is still a subtree
        if errors[node] <= below[node]:  # the leaf adds no error on the pruning set
            is_leaf[node] = True
            below[node] = errors[node]
            cut.append(int(node))
    pruned = collapse(tree, cut)
    reachable = set(reachable_nodes(pruned))
    return pruned, sorted(n for n in cut if n in reachable)


def reduced_error_prune(tree, X_prune, y_prune):
    """Reduced-error pruning (Quinlan, 1987) of a fitted tree on a held-out pruning set.

    Bottom-up, every internal node is replaced by a leaf predicting the majority class
    of the training samples that reached it, whenever the leaf makes no more errors on
    the pruning set than the subtree it replaces (with that subtree already pruned).

    Parameters
    ----------
    tree : sklearn.tree.DecisionTreeClassifier
        A fitted tree; it is not modified.
    X_prune, y_prune : array-like
        The pruning set: samples not used to grow the tree.

    Returns
    -------
    pruned : DecisionTreeClassifier
        A pruned copy; :func:`tree_size` gives its size.
    cut : list of int
        The internal nodes of ``tree`` that are leaves of ``pruned``, in increasing order.
    """
    return _prune_bottom_up(tree, X_prune, y_prune, siblings_only=False)


def merge_sibling_leaves(tree, X_prune, y_prune):
    """The article's picture of pruning: merge two sibling leaves into their parent.

    Like :func:`reduced_error_prune`, but a node may become a leaf only when both its
    children are leaves (from the start, or made so earlier in the pass). A node whose
    subtree as a whole is no better than a leaf stays when no merge at its bottom pays,
    so this rule keeps at least as many leaves as reduced-error pruning.

    Parameters and returns are those of :func:`reduced_error_prune`.
    """
    return _prune_bottom_up(tree, X_prune, y_prune, siblings_only=True)


def pruning_over_splits(methods, splits):
    """Run every pruning method on every split; one row per (split, method).

    Parameters
    ----------
    methods : dict of str to callable
        ``method(train, prune)`` returns a fitted DecisionTreeClassifier; ``train`` and
        ``prune`` are ``(X, y)`` pairs. A method that needs no pruning set ignores it.
    splits : iterable of dict
        Each ``{"train": (X, y), "prune": (X, y), "test": (X, y)}``, e.g. from
        :func:`breast_cancer_splits` with different ``random_state``.

    Returns
    -------
    pandas.DataFrame
        Columns ``split`` (0, 1, ...), ``method``, ``test accuracy``, ``leaves``, ``depth``.
    """
    if not isinstance(methods, dict) or not methods:
        raise ValueError(f"methods must be a non-empty dict of name -> method, got {methods!r}")
    for name, method in methods.items():
        if not callable(method):
            raise ValueError(f"methods[{name!r}] must be callable, got {method!r}")
    rows = []
    for index, parts in enumerate(splits):
        if not isinstance(parts, dict) or set(parts) != set(PARTS):
            raise ValueError(f"splits[{index}] must be a dict with keys {PARTS}")
        for name, method in methods.items():
            tree = method(parts["train"], parts["prune"])
            if not isinstance(tree, DecisionTreeClassifier) or not hasattr(tree, "tree_"):
                raise ValueError(f"methods[{name!r}] must return a fitted "
                                 f"DecisionTreeClassifier, got {type(tree).__name__}")
            leaves, depth = tree_size(tree)
            rows.append({"split": index, "method": name,
                         "test accuracy": tree.score(*parts["test"]),
                         "leaves": leaves, "depth": depth})
    if not rows:
        raise ValueError("splits must hold at least one split")
    return pd.DataFrame(rows)


def split_summary(results, *, baseline):
    """Mean and spread over splits of each method's test accuracy and size.

    Parameters
    ----------
    results : pandas.DataFrame
        The output of :func:`pruning_over_splits`.
    baseline : str
        The method the others are compared with split by split (e.g. ``"unpruned"``).

    Returns
    -------
    pandas.DataFrame
        One row per method, in the order of ``results``: ``accuracy mean``, ``accuracy std``
        (sample standard deviation over splits), ``accuracy min``, ``accuracy max``,
        ``leaves mean``, ``leaves min``, ``leaves max``, and the paired gain over the
        baseline on the same split: ``gain mean``, ``gain min``, ``gain max`` and
        ``splits won`` (splits where the method's accuracy is higher than the baseline's).
    """
    missing = {"split", "method", "test accuracy", "leaves"} - set(getattr(results, "columns", []))
    if missing:
        raise ValueError(f"results must come from pruning_over_splits; missing columns {sorted(missing)}")
    methods = list(dict.fromkeys(results["method"]))
    if baseline not in methods:
        raise ValueError(f"baseline must be one of the methods {methods}, got {baseline!r}")
    accuracy = results.pivot(index="split", columns="method", values="test accuracy")
    leaves = results.pivot(index="split", columns="method", values="leaves")
    gain = accuracy.sub(accuracy[baseline], axis=0)
    table = pd.DataFrame({
        "accuracy mean": accuracy.mean(), "accuracy std": accuracy.std(ddof=1),
        "accuracy min": accuracy.min(), "accuracy max": accuracy.max(),
        "leaves mean": leaves.mean(), "leaves min": leaves.min(), "leaves max": leaves.max(),
        "gain mean": gain.mean(), "gain min": gain.min(), "gain max": gain.max(),
        "splits won": (gain > 0).sum()})
    return table.loc[methods]
