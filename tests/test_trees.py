import itertools

import numpy as np
import pytest
from sklearn.tree import DecisionTreeClassifier

from prunebook.trees import (
    LEAF, breast_cancer_splits, collapse, leaf_errors, reachable_nodes, reduced_error_prune, tree_size)


def noisy_problem(seed, n=120, leaves=8, classes=2):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(2 * n, 4))
    y = ((X[:, 0] + 0.8 * rng.normal(size=2 * n)) > 0).astype(int) + (classes > 2) * (X[:, 1] > 1)
    tree = DecisionTreeClassifier(max_leaf_nodes=leaves, random_state=seed).fit(X[:n], y[:n])
    return tree, X[n:], y[n:]


def accuracy(tree, X, y):
    return float(np.mean(tree.predict(X) == y))


def prune_sets(tree, node=0):
    """Every set of internal nodes the article's merges could collapse (closed under descendants)."""
    left, right = tree.tree_.children_left, tree.tree_.children_right
    if left[node] == LEAF:
        return [frozenset()]
    everything = frozenset(n for n in subtree(tree, node) if left[n] != LEAF)
    keep = [a | b for a, b in itertools.product(prune_sets(tree, left[node]), prune_sets(tree, right[node]))]
    return keep + [everything]


def subtree(tree, node):
    left, right = tree.tree_.children_left, tree.tree_.children_right
    out, stack = [], [node]
    while stack:
        n = stack.pop()
        out.append(n)
        if left[n] != LEAF:
            stack += [left[n], right[n]]
    return out


def depth_of(tree):
    left, right = tree.tree_.children_left, tree.tree_.children_right
    d = {0: 0}
    for n in reachable_nodes(tree):
        if left[n] != LEAF:
            d[left[n]] = d[right[n]] = d[n] + 1
    return d


def is_rep_fixed_point(tree, P, X, y):
    """Brute force through predict(): P is reached by merges that never lower accuracy, and no merge is left."""
    depth = depth_of(tree)
    done = set()
    for node in sorted(P, key=lambda n: -depth[n]):  # deepest first: children before parents
        before = accuracy(collapse(tree, done), X, y)
        done.add(node)
        if accuracy(collapse(tree, done), X, y) < before:
            return False
    pruned = collapse(tree, P)
    left = pruned.tree_.children_left
    base = accuracy(pruned, X, y)
    for node in reachable_nodes(pruned):
        l, r = left[node], pruned.tree_.children_right[node]
        if l != LEAF and left[l] == LEAF and left[r] == LEAF:
            if accuracy(collapse(pruned, [node]), X, y) >= base:
                return False  # a merge that REP should have made
    return True


@pytest.mark.parametrize("seed", range(25))
def test_agrees_with_an_exhaustive_search_over_prune_sets(seed):
    tree, X, y = noisy_problem(seed)
    pruned, collapsed = reduced_error_prune(tree, X, y)
    candidates = [P for P in prune_sets(tree) if is_rep_fixed_point(tree, P, X, y)]
    assert candidates == [frozenset(collapsed)]


@pytest.mark.parametrize("seed", range(10))
def test_never_worse_on_the_pruning_set_and_leaves_predict_their_majority(seed):
    tree, X, y = noisy_problem(seed, n=300, leaves=30)
    pruned, collapsed = reduced_error_prune(tree, X, y)
    assert accuracy(pruned, X, y) >= accuracy(tree, X, y)
    reachable = set(reachable_nodes(pruned))
    for node in collapsed:
        assert pruned.tree_.children_left[node] == LEAF == pruned.tree_.children_right[node]
        if node in reachable:
            counts = tree.tree_.value[node, 0] * tree.tree_.weighted_n_node_samples[node]
            rows = tree.decision_path(X).toarray()[:, node].astype(bool)
            if rows.any():
                assert set(pruned.predict(X[rows])) == {tree.classes_[np.argmax(counts)]}


def test_original_tree_is_untouched():
    tree, X, y = noisy_problem(3, n=300, leaves=30)
    left = tree.tree_.children_left.copy()
    pruned, collapsed = reduced_error_prune(tree, X, y)
    assert collapsed and np.array_equal(tree.tree_.children_left, left)
    assert tree_size(pruned)[0] < tree_size(tree)[0] == tree.get_n_leaves()
    assert tree_size(tree)[1] == tree.get_depth()


def test_pruning_with_the_training_set_of_a_pure_tree_prunes_nothing():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    tree = DecisionTreeClassifier(random_state=0).fit(X, y)
    assert reduced_error_prune(tree, X, y)[1] == []


def test_leaf_errors_at_the_root_count_the_minority():
    tree, X, y = noisy_problem(1)
    root_class = tree.classes_[np.argmax(tree.tree_.value[0, 0])]
    assert leaf_errors(tree, X, y)[0] == int(np.sum(y != root_class))


def test_bad_input():
    tree, X, y = noisy_problem(0)
    with pytest.raises(ValueError, match="fitted"):
        reduced_error_prune(DecisionTreeClassifier(), X, y)
    with pytest.raises(ValueError, match="DecisionTreeClassifier"):
        reduced_error_prune("tree", X, y)
    with pytest.raises(ValueError, match="one label per row"):
        reduced_error_prune(tree, X, y[:-1])
    with pytest.raises(ValueError, match="shape"):
        reduced_error_prune(tree, X[:, :2], y)
    with pytest.raises(ValueError, match="at least one"):
        reduced_error_prune(tree, X[:0], y[:0])


def test_breast_cancer_splits():
    parts = breast_cancer_splits()
    sizes = {k: len(v[1]) for k, v in parts.items()}
    assert sum(sizes.values()) == 569 and sizes["test"] == 114 and sizes["prune"] == 114
    again = breast_cancer_splits()
    assert np.array_equal(parts["prune"][0], again["prune"][0])
    with pytest.raises(ValueError, match="prune_size"):
        breast_cancer_splits(prune_size=0)
    with pytest.raises(ValueError, match="< 1"):
        breast_cancer_splits(prune_size=0.6, test_size=0.5)
