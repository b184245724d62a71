import numpy as np
import pandas as pd
import pytest
from sklearn.tree import DecisionTreeClassifier

from prunebook.trees import (
    LEAF, breast_cancer_splits, collapse, flip_labels, leaf_errors, merge_sibling_leaves,
    pruning_over_splits, reachable_nodes, reduced_error_prune, replaceable_nodes, split_summary,
    three_way_split, tree_size)


def noisy_problem(seed, n=120, leaves=8, classes=2):
    """A tree grown on noisy labels, and a pruning set drawn from the same distribution."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(2 * n, 4))
    y = ((X[:, 0] + 0.8 * rng.normal(size=2 * n)) > 0).astype(int)
    if classes == 3:
        y = y + (X[:, 1] + 0.8 * rng.normal(size=2 * n) > 1)
    tree = DecisionTreeClassifier(max_leaf_nodes=leaves, random_state=seed).fit(X[:n], y[:n])
    return tree, X[n:], y[n:]


def accuracy(tree, X, y):
    return float(np.mean(tree.predict(X) == y))


# ---- Brute force, through predict(): every pruned tree, and the pruning steps between them.
# A pruned tree is named by its cut: the internal nodes of the full tree that are its leaves.

def below(tree, node):
    """Every node of the subtree at ``node`` (in ``tree`` as it stands), ``node`` first."""
    left, right = tree.tree_.children_left, tree.tree_.children_right
    out, stack = [], [node]
    while stack:
        n = stack.pop()
        out.append(n)
        if left[n] != LEAF:
            stack += [right[n], left[n]]
    return out


def internal(tree, node):
    """Internal nodes of the subtree at ``node`` (in ``tree`` as it stands)."""
    return [n for n in below(tree, node) if tree.tree_.children_left[n] != LEAF]


def all_cuts(tree, node=0):
    """Every pruned tree of the subtree at ``node``, as its cut."""
    left, right = tree.tree_.children_left, tree.tree_.children_right
    if left[node] == LEAF:
        return [frozenset()]
    return [frozenset({node})] + [a | b for a in all_cuts(tree, left[node])
                                  for b in all_cuts(tree, right[node])]


def make_errors(tree, X, y):
    cache = {}

    def errors(cut):
        if cut not in cache:
            cache[cut] = int(np.sum(collapse(tree, cut).predict(X) != y))
        return cache[cut]
    return errors


def replace(tree, cut, node):
    """The cut after the subtree at ``node`` of the pruned tree becomes a leaf."""
    return frozenset(cut - set(below(tree, node))) | {node}


def candidates(tree, cut, errors):
    """Internal nodes of the pruned tree whose replacement by a leaf adds no error."""
    pruned = collapse(tree, cut)
    return {n for n in internal(pruned, 0) if errors(replace(pruned, cut, n)) <= errors(cut)}


def end_states(tree, X, y, *, step):
    """Every pruned tree where pruning can stop, reached from the full tree by ``step``s."""
    errors = make_errors(tree, X, y)
    seen, todo, ends = {frozenset()}, [frozenset()], set()
    while todo:
        cut = todo.pop()
        pruned = collapse(tree, cut)
        moves = step(pruned, cut, candidates(tree, cut, errors))
        if not moves:
            ends.add(cut)
        for node in moves:
            nxt = replace(pruned, cut, node)
            assert errors(nxt) <= errors(cut)
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return ends


def quinlan_step(pruned, cut, allowed):
    """Quinlan (1987): replace a subtree when that adds no error and no subtree inside it
    has the same property."""
    return [n for n in allowed if not (set(internal(pruned, n)) - {n}) & allowed]


def sibling_step(pruned, cut, allowed):
    """The article's picture: only a node whose two children are leaves may become a leaf."""
    left, right = pruned.tree_.children_left, pruned.tree_.children_right
    return [n for n in allowed if left[left[n]] == LEAF and left[right[n]] == LEAF]


PROBLEMS = [(seed, 2) for seed in range(25)] + [(seed, 3) for seed in range(5)]


@pytest.mark.parametrize("seed, classes", PROBLEMS)
def test_reduced_error_pruning_is_where_quinlans_replacements_end(seed, classes):
    tree, X, y = noisy_problem(seed, classes=classes)
    pruned, cut = reduced_error_prune(tree, X, y)
    assert end_states(tree, X, y, step=quinlan_step) == {frozenset(cut)}
    assert all(tree.tree_.children_left[n] != LEAF for n in cut)  # only internal nodes are cut


@pytest.mark.parametrize("seed, classes", PROBLEMS)
def test_the_result_is_the_smallest_of_the_most_accurate_pruned_trees(seed, classes):
    """Each node keeps the smaller of two error counts, its own as a leaf and its pruned
    children's together, so no pruned tree makes fewer pruning-set errors, and none that
    makes as few has fewer leaves."""
    tree, X, y = noisy_problem(seed, classes=classes)
    pruned, cut = reduced_error_prune(tree, X, y)
    errors = make_errors(tree, X, y)
    best = min((errors(c), tree_size(collapse(tree, c))[0]) for c in all_cuts(tree))
    assert (errors(frozenset(cut)), tree_size(pruned)[0]) == best


@pytest.mark.parametrize("seed, classes", PROBLEMS)
def test_merging_sibling_leaves_is_where_the_articles_merges_end(seed, classes):
    tree, X, y = noisy_problem(seed, classes=classes)
    _, cut = merge_sibling_leaves(tree, X, y)
    assert end_states(tree, X, y, step=sibling_step) == {frozenset(cut)}


def test_the_two_rules_disagree_on_many_of_these_trees():
    sizes = {}
    for seed, classes in PROBLEMS:
        tree, X, y = noisy_problem(seed, classes=classes)
        rep, sib = reduced_error_prune(tree, X, y)[0], merge_sibling_leaves(tree, X, y)[0]
        sizes[seed, classes] = tree_size(sib)[0], tree_size(rep)[0]
        assert tree_size(rep)[0] <= tree_size(sib)[0]  # Quinlan's rule prunes at least as much
        assert accuracy(rep, X, y) >= accuracy(sib, X, y)
    disagree = [k for k, (sib, rep) in sizes.items() if sib != rep]
    assert len(disagree) >= 10
    # seed 0: same pruning-set accuracy, 6 leaves against 2
    tree, X, y = noisy_problem(0)
    rep, sib = reduced_error_prune(tree, X, y)[0], merge_sibling_leaves(tree, X, y)[0]
    assert sizes[0, 2] == (6, 2) and accuracy(rep, X, y) == accuracy(sib, X, y)
    assert replaceable_nodes(sib, X, y) and not replaceable_nodes(rep, X, y)


def test_the_rules_disagree_on_noisy_breast_cancer_data():
    parts = breast_cancer_splits(label_noise=0.2, random_state=0)
    full = DecisionTreeClassifier(random_state=0).fit(*parts["train"])
    rep = reduced_error_prune(full, *parts["prune"])[0]
    sib = merge_sibling_leaves(full, *parts["prune"])[0]
    assert tree_size(rep)[0] < tree_size(sib)[0] < tree_size(full)[0]
    assert rep.score(*parts["prune"]) >= sib.score(*parts["prune"])


@pytest.mark.parametrize("seed", range(10))
def test_after_pruning_every_replacement_adds_an_error(seed):
    """The fixed point, checked through predict(): no internal node is left whose leaf
    would make no more pruning-set errors than its subtree."""
    tree, X, y = noisy_problem(seed, n=300, leaves=30)
    pruned, _ = reduced_error_prune(tree, X, y)
    base = int(np.sum(pruned.predict(X) != y))
    for node in internal(pruned, 0):
        assert np.sum(collapse(pruned, [node]).predict(X) != y) > base
    assert replaceable_nodes(pruned, X, y) == []


@pytest.mark.parametrize("seed", range(10))
def test_replaceable_nodes_agrees_with_predict(seed):
    tree, X, y = noisy_problem(seed, n=300, leaves=30)
    for t in (tree, merge_sibling_leaves(tree, X, y)[0]):
        base = int(np.sum(t.predict(X) != y))
        brute = [n for n in reachable_nodes(t) if t.tree_.children_left[n] != LEAF
                 and np.sum(collapse(t, [n]).predict(X) != y) <= base]
        assert replaceable_nodes(t, X, y) == brute


@pytest.mark.parametrize("seed", range(10))
def test_never_worse_on_the_pruning_set_and_leaves_predict_their_majority(seed):
    tree, X, y = noisy_problem(seed, n=300, leaves=30)
    pruned, cut = reduced_error_prune(tree, X, y)
    assert accuracy(pruned, X, y) >= accuracy(tree, X, y)
    reachable = set(reachable_nodes(pruned))
    assert set(cut) <= reachable
    paths = tree.decision_path(X).toarray().astype(bool)
    for node in cut:
        assert pruned.tree_.children_left[node] == LEAF == pruned.tree_.children_right[node]
        counts = tree.tree_.value[node, 0] * tree.tree_.weighted_n_node_samples[node]
        rows = paths[:, node]
        if rows.any():
            assert set(pruned.predict(X[rows])) == {tree.classes_[np.argmax(counts)]}


def test_original_tree_is_untouched():
    tree, X, y = noisy_problem(3, n=300, leaves=30)
    left = tree.tree_.children_left.copy()
    for prune in (reduced_error_prune, merge_sibling_leaves):
        pruned, cut = prune(tree, X, y)
        assert cut and np.array_equal(tree.tree_.children_left, left)
        assert tree_size(pruned)[0] < tree_size(tree)[0] == tree.get_n_leaves()
    assert tree_size(tree)[1] == tree.get_depth()


def test_pruning_with_the_training_set_of_a_pure_tree_prunes_nothing():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    tree = DecisionTreeClassifier(random_state=0).fit(X, y)
    assert reduced_error_prune(tree, X, y)[1] == []
    assert len(replaceable_nodes(tree, X, y)) == 0


def test_leaf_errors_at_the_root_count_the_minority():
    tree, X, y = noisy_problem(1)
    root_class = tree.classes_[np.argmax(tree.tree_.value[0, 0])]
    assert leaf_errors(tree, X, y)[0] == int(np.sum(y != root_class))


def test_bad_input():
    tree, X, y = noisy_problem(0)
    for prune in (reduced_error_prune, merge_sibling_leaves, replaceable_nodes):
        with pytest.raises(ValueError, match="tree must be fitted"):
            prune(DecisionTreeClassifier(), X, y)
        with pytest.raises(ValueError, match="tree must be a fitted .*DecisionTreeClassifier"):
            prune("tree", X, y)
        with pytest.raises(ValueError, match="y_prune must hold one label per row"):
            prune(tree, X, y[:-1])
        with pytest.raises(ValueError, match="X_prune must have shape"):
            prune(tree, X[:, :2], y)
        with pytest.raises(ValueError, match="at least one"):
            prune(tree, X[:0], y[:0])


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
    with pytest.raises(ValueError, match="label_noise"):
        breast_cancer_splits(label_noise=1.0)
    with pytest.raises(ValueError, match="random_state"):
        breast_cancer_splits(random_state=-1)


def test_label_noise_flips_training_and_pruning_labels_only():
    clean = breast_cancer_splits(random_state=4)
    noisy = breast_cancer_splits(label_noise=0.1, random_state=4)
    for part in ("train", "prune", "test"):
        assert np.array_equal(clean[part][0], noisy[part][0])  # the same tumours in each part
    assert np.array_equal(clean["test"][1], noisy["test"][1])
    for part in ("train", "prune"):
        y_clean, y_noisy = clean[part][1], noisy[part][1]
        assert np.sum(y_clean != y_noisy) == round(0.1 * len(y_clean))
    again = breast_cancer_splits(label_noise=0.1, random_state=4)
    assert np.array_equal(noisy["train"][1], again["train"][1])


def test_flip_labels():
    y = np.repeat([0, 1, 2], 50)
    flipped = flip_labels(y, 0.2, random_state=1)
    assert np.sum(flipped != y) == 30 and set(flipped) <= {0, 1, 2}
    assert np.array_equal(flipped, flip_labels(y, 0.2, random_state=1))
    assert not np.array_equal(flipped, flip_labels(y, 0.2, random_state=2))
    assert np.array_equal(flip_labels(y, 0.0), y)
    assert np.array_equal(flip_labels(np.array(["a", "b"] * 5), 0.5) != np.array(["a", "b"] * 5),
                          flip_labels(np.arange(10) % 2, 0.5) != np.arange(10) % 2)
    with pytest.raises(ValueError, match="share"):
        flip_labels(y, 1.0)
    with pytest.raises(ValueError, match="random_state"):
        flip_labels(y, 0.1, random_state=1.5)
    with pytest.raises(ValueError, match="two classes"):
        flip_labels(np.zeros(10), 0.1)
    with pytest.raises(ValueError, match="1-D"):
        flip_labels(np.zeros((5, 2)), 0.1)


def test_three_way_split():
    X = np.arange(200).reshape(100, 2)
    y = np.arange(100) % 2
    parts = three_way_split(X, y, prune_size=0.3, test_size=0.2, random_state=0)
    assert [len(parts[p][1]) for p in ("train", "prune", "test")] == [50, 30, 20]
    rows = np.concatenate([parts[p][0][:, 0] for p in parts])
    assert sorted(rows) == list(range(0, 200, 2))  # every sample in exactly one part
    with pytest.raises(ValueError, match="one row per label"):
        three_way_split(X, y[:-1])


def two_methods():
    return {"stump": lambda train, prune: DecisionTreeClassifier(max_depth=1).fit(*train),
            "full": lambda train, prune: DecisionTreeClassifier(random_state=0).fit(*train)}


def test_pruning_over_splits():
    splits = [breast_cancer_splits(random_state=s) for s in range(3)]
    results = pruning_over_splits(two_methods(), splits)
    assert list(results.columns) == ["split", "method", "test accuracy", "leaves", "depth"]
    assert len(results) == 6 and list(results["split"]) == [0, 0, 1, 1, 2, 2]
    stump = results[results["method"] == "stump"]
    assert (stump["leaves"] == 2).all() and (stump["depth"] == 1).all()
    full = DecisionTreeClassifier(random_state=0).fit(*splits[1]["train"])
    row = results[(results["method"] == "full") & (results["split"] == 1)].iloc[0]
    assert row["test accuracy"] == full.score(*splits[1]["test"])
    assert row["leaves"] == full.get_n_leaves()


def test_pruning_over_splits_bad_input():
    splits = [breast_cancer_splits()]
    with pytest.raises(ValueError, match="methods must be a non-empty dict"):
        pruning_over_splits({}, splits)
    with pytest.raises(ValueError, match=r"methods\['x'\] must be callable"):
        pruning_over_splits({"x": 1}, splits)
    with pytest.raises(ValueError, match=r"methods\['x'\] must return a fitted"):
        pruning_over_splits({"x": lambda train, prune: DecisionTreeClassifier()}, splits)
    with pytest.raises(ValueError, match=r"splits\[0\] must be a dict"):
        pruning_over_splits(two_methods(), [{"train": 1}])
    with pytest.raises(ValueError, match="at least one split"):
        pruning_over_splits(two_methods(), [])


def test_split_summary():
    results = pd.DataFrame({
        "split": [0, 0, 1, 1, 2, 2], "method": ["a", "b"] * 3,
        "test accuracy": [0.8, 0.9, 0.7, 0.6, 0.9, 1.0], "leaves": [10, 2, 12, 3, 14, 4]})
    table = split_summary(results, baseline="a")
    assert list(table.index) == ["a", "b"]
    b = table.loc["b"]
    assert b["accuracy mean"] == pytest.approx(2.5 / 3)
    assert b["accuracy std"] == pytest.approx(np.std([0.9, 0.6, 1.0], ddof=1))
    assert (b["accuracy min"], b["accuracy max"]) == (0.6, 1.0)
    assert (b["leaves mean"], b["leaves min"], b["leaves max"]) == (3, 2, 4)
    assert b["gain mean"] == pytest.approx(0.1 / 3)
    assert (b["gain min"], b["gain max"]) == pytest.approx((-0.1, 0.1))
    assert b["splits won"] == 2 and table.loc["a", "splits won"] == 0
    with pytest.raises(ValueError, match="baseline must be one of"):
        split_summary(results, baseline="c")
    with pytest.raises(ValueError, match="missing columns"):
        split_summary(results.drop(columns="leaves"), baseline="a")
