"""Automatic checks for the chapters' exercises.

Each check recomputes what it needs. When the answer is right it prints a
short confirmation and returns a true :class:`Verdict`; when it is wrong it
raises :class:`NotYet` (an AssertionError) with a hint that never gives the
answer away.

The answer cells leave ``...`` (Ellipsis) where the answer goes. A check
given ``...`` prints that the exercise is not answered yet and returns a
false :class:`Verdict` without raising, so that "Run all" goes through the
whole notebook and shows every exercise still open.
"""
import functools

import numpy as np

from prunebook import article

PLACEHOLDER = ...


class Verdict:
    """What a check found: true when the answer is right, false when it is not answered yet.

    The check has printed its message already, so a notebook shows nothing more for it
    (no ``True`` or ``False`` under the message); a grader can still test it with ``bool``.
    """

    def __init__(self, correct, message):
        self.correct, self.message = bool(correct), message

    def __bool__(self):
        return self.correct

    def __repr__(self):
        return f"Verdict(correct={self.correct}, message={self.message!r})"

    def _ipython_display_(self):
        pass


def _not_answered(what):
    message = f"Not answered yet: replace the ... with {what}, then run this cell again."
    print(message)
    return Verdict(False, message)


def _exercise(what):
    """Decorate a check: a placeholder answer (``...``) is reported as not answered yet."""
    def wrap(check):
        @functools.wraps(check)
        def run(answer, *args, **kwargs):
            if answer is PLACEHOLDER:
                return _not_answered(what)
            return check(answer, *args, **kwargs)
        return run
    return wrap


class NotYet(AssertionError):
    """A wrong answer, with a hint."""


def _ok(message="Correct."):
    print(message)
    return Verdict(True, message)


@_exercise("your function")
def check_tree_alpha_by_pruning_set(method, *, label_noise=0.2, seeds=(0, 1, 3)):
    """Trees, exercise 1: ``method(train, prune)`` grows the full tree on ``train`` and
    returns the tree on its cost-complexity pruning path that is most accurate on
    ``prune`` (among ties, the one with the largest alpha), grown with ``random_state=0``.

    The check runs ``method`` on the noisy breast-cancer splits of ``seeds`` (at label noise
    0.1 and at 0.2 they include a split where two alphas tie on the pruning set).
    """
    from sklearn.tree import DecisionTreeClassifier

    from prunebook.trees import breast_cancer_splits

    if not callable(method):
        raise NotYet(f"Pass your function itself, method(train, prune), got {method!r}.")
    for seed in seeds:
        parts = breast_cancer_splits(label_noise=label_noise, random_state=seed)
        train, prune = parts["train"], parts["prune"]
        tree = method(train, prune)
        if tree is None:
            return _not_answered("the body of your function, which must return a fitted tree")
        if not isinstance(tree, DecisionTreeClassifier) or not hasattr(tree, "tree_"):
            raise NotYet(f"Your function must return a fitted DecisionTreeClassifier, "
                         f"got {type(tree).__name__}.")
        full = DecisionTreeClassifier(random_state=0).fit(*train)
        alphas = full.cost_complexity_pruning_path(*train).ccp_alphas
        on_path = np.isclose(alphas, tree.ccp_alpha, rtol=1e-9, atol=1e-15)
        if not on_path.any():
            raise NotYet("Take ccp_alpha from cost_complexity_pruning_path(...).ccp_alphas "
                         "of the full tree grown on the training part.")
        trees = [DecisionTreeClassifier(random_state=0, ccp_alpha=a).fit(*train) for a in alphas]
        X_all = np.concatenate([part[0] for part in parts.values()])
        mine = trees[int(np.argmax(on_path))]
        if tree.get_n_leaves() != mine.get_n_leaves() or not np.array_equal(
                tree.predict(X_all), mine.predict(X_all)):
            raise NotYet("Grow each tree on the training part only, with random_state=0.")
        scores = np.array([t.score(*prune) for t in trees])
        score = tree.score(*prune)
        if score < scores.max():
            raise NotYet("Another alpha on the path gives a tree that is more accurate "
                         "on the pruning set.")
        if np.any(alphas[scores == scores.max()] > tree.ccp_alpha * (1 + 1e-9)):
            raise NotYet("Several alphas tie on the pruning set: take the largest of them, "
                         "which gives the smallest tree.")
    return _ok("Correct: on every split your tree is the smallest of the path's trees "
               "that are most accurate on the pruning set.")


@_exercise("the number of leaves")
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
        return _ok("Correct.")
    raise NotYet("Not yet: think about the accuracy of a fully grown tree on the data it was grown on.")


@_exercise("your mask function")
def check_mask_function(fn):
    """Magnitude pruning, exercise 1: ``fn(weights, sparsity)`` returns tfmot's 0/1 mask."""
    from prunebook.magnitude import magnitude_mask

    rng = np.random.default_rng(0)
    cases = [((7, 5), 0.5), ((10,), 0.0), ((32, 16), 0.9), ((3, 4, 5), 0.33), ((100,), 0.999)]
    for shape, sparsity in cases:
        w = rng.normal(size=shape).astype(np.float32)
        got = fn(w.copy(), sparsity)
        if got is None:
            return _not_answered("the body of your function, which must return the mask")
        got = np.asarray(got)
        want = magnitude_mask(w, sparsity)
        if got.shape != want.shape:
            raise NotYet(f"For weights of shape {shape} the mask must have the same shape, got {got.shape}.")
        if not np.isin(got, (0, 1)).all():
            raise NotYet("A mask holds only zeros and ones.")
        if got.sum() != want.sum():
            raise NotYet(f"For {w.size} weights at sparsity {sparsity} your mask keeps "
                         f"{int(got.sum())} weights; "
                         "check how many tfmot keeps (it rounds, and keeps at least one).")
        if not np.array_equal(got, want):
            raise NotYet(f"For weights of shape {shape} at sparsity {sparsity} you keep the right number of "
                         "weights but not the right ones: keep the largest in absolute value.")
    return _ok("Correct: your masks equal tfmot's on every test case.")


@_exercise("the ratio you measured")
def check_untrained_pruning_ratio(ratio, *, sparsity=0.9):
    """Magnitude pruning, exercise 2: the val_loss of the *untrained* article MLP
    (:func:`prunebook.models.article_mlp`, the baseline's initial weights) pruned layer-wise,
    one-shot, to ``sparsity``, divided by its val_loss unpruned."""
    from prunebook.data import article_data
    from prunebook.magnitude import one_shot_curve
    from prunebook.models import article_mlp

    if isinstance(ratio, bool) or not isinstance(ratio, (int, float, np.floating)) or not np.isfinite(ratio):
        raise NotYet(f"ratio must be a number (val_loss pruned / val_loss unpruned), got {ratio!r}")
    _, x_val, _, y_val = article_data()
    unpruned, pruned = one_shot_curve(article_mlp(), x_val, y_val, [0.0, sparsity], mode="layer-wise")
    expected = pruned / unpruned
    if np.isclose(ratio, expected, rtol=2e-3):
        return _ok(f"Correct: pruning the untrained network moved its val_loss by a factor of "
                   f"{expected:.3f}.")
    raise NotYet("Not yet: prune a fresh article_mlp(), not the trained model, and measure both "
                 "losses on the validation rows with one_shot_curve, layer-wise, at sparsities 0 "
                 f"and {sparsity}, and divide the second by the first.")


def _article_run(batch_size):
    """epochs -> the sparsity the article's schedule reaches at ``batch_size``."""
    from prunebook.schedules import reached_sparsity

    return lambda epochs: reached_sparsity(article.SCHEDULE, n_samples=article.N_TRAIN, batch_size=batch_size,
                                           epochs=epochs)


@_exercise("a number of epochs")
def check_epochs_to_reach_target(epochs, *, batch_size=article.BATCH_SIZE):
    """Reproducing, exercise 1: the fewest epochs at ``batch_size`` after which the article's
    schedule has reached its final sparsity."""
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 1:
        raise NotYet(f"epochs must be a positive whole number, got {epochs!r}")
    reached = _article_run(batch_size)
    target = article.SCHEDULE.final_sparsity
    holds = reached(epochs)
    if holds < target:
        raise NotYet(f"Not yet: after {epochs} epochs the mask holds {holds:.6f}, short of {target}. "
                     "Count the steps the run needs to get to the schedule's end_step.")
    if epochs > 1 and reached(epochs - 1) >= target:
        raise NotYet("Not yet: this many epochs reach the target, but fewer do too.")
    return _ok("Correct: one epoch fewer and the last mask update never comes.")


@_exercise("a batch size")
def check_largest_batch_for_target(batch_size, *, epochs=article.EPOCHS):
    """Reproducing, exercise 2: the largest batch size at which the article's schedule reaches its
    final sparsity within ``epochs`` epochs."""
    from prunebook.schedules import steps_per_epoch

    n_train = article.N_TRAIN
    whole = isinstance(batch_size, (int, np.integer)) and not isinstance(batch_size, bool)
    if not whole or not 1 <= batch_size <= n_train:
        raise NotYet(f"batch_size must be a whole number from 1 to {n_train}, got {batch_size!r}")
    target = article.SCHEDULE.final_sparsity
    if _article_run(batch_size)(epochs) < target:
        raise NotYet(f"Not yet: at this batch size a run of {epochs} epochs has only "
                     f"{steps_per_epoch(n_train, batch_size) * epochs:,} steps, too few for the schedule.")
    if _article_run(batch_size + 1)(epochs) >= target:
        raise NotYet("Not yet: this batch size reaches the target, but a larger one does too.")
    return _ok("Correct: one more row a batch and an epoch has one step too few.")


@_exercise("the share of all parameters that is zero")
def check_zero_share(share, *, kernel_sparsity=0.75):
    """Reproducing, exercise 3: the share of *all* the article's parameters (biases included)
    that is zero when every kernel is pruned to ``kernel_sparsity`` by tfmot."""
    if not isinstance(share, (int, float, np.floating)) or not 0 <= share <= 1:
        raise NotYet(f"share must be a fraction in [0, 1], got {share!r}")
    zeros = sum(n - k for n, k in _article_kept(kernel_sparsity))
    expected = zeros / article.N_PARAMS
    if abs(share - expected) < 5e-4:
        return _ok("Correct: the biases are never pruned, so the model as a whole is a little less sparse.")
    if abs(share - kernel_sparsity) < 5e-5:
        raise NotYet("Not yet: that is the kernels' sparsity; the biases count as parameters too.")
    raise NotYet("Not yet: count the zeros tfmot leaves in each kernel and divide by every "
                 "parameter of the model.")


@_exercise("your PolynomialSchedule")
def check_schedule_design(schedule, *, final_sparsity=0.9, epochs=article.EPOCHS, recovery_epochs=50,
                          first_epoch=50):
    """Schedule, exercise 1: a polynomial schedule that starts its ramp no earlier than epoch
    ``first_epoch``, reaches ``final_sparsity`` within the article's run (8,000 rows, batch
    1,024, ``epochs``) and then leaves at least ``recovery_epochs`` epochs without a mask update."""
    from prunebook.schedules import PolynomialSchedule, reached_sparsity, steps_per_epoch

    if not isinstance(schedule, PolynomialSchedule):
        raise NotYet("Build the answer with prunebook.schedules.PolynomialSchedule(...).")
    if schedule.final_sparsity != final_sparsity:
        raise NotYet(f"The schedule's final_sparsity must be {final_sparsity}.")
    per_epoch = steps_per_epoch(article.N_TRAIN, article.BATCH_SIZE)
    if schedule.begin_step < first_epoch * per_epoch:
        raise NotYet(f"The ramp starts at epoch {schedule.begin_step / per_epoch:g}; "
                     f"start it at epoch {first_epoch} or later.")
    reached = reached_sparsity(schedule, n_samples=article.N_TRAIN, batch_size=article.BATCH_SIZE,
                               epochs=epochs)
    if reached < final_sparsity:
        raise NotYet(f"This schedule only reaches {reached:.4f} by the end of the run: "
                     "compare end_step with the number of steps the run has, and mind the frequency.")
    last_update = int(schedule.last_update_step(per_epoch * epochs))
    if per_epoch * epochs - last_update < recovery_epochs * per_epoch:
        left = (per_epoch * epochs - last_update) / per_epoch
        raise NotYet(f"The last mask update comes {left:.1f} epochs "
                     f"before the end; leave at least {recovery_epochs}.")
    return _ok("Correct: the schedule finishes inside the run and leaves time to recover.")


@_exercise("the sparsity the run ends with")
def check_sparsity_with_frequency(answer, *, frequency=1000):
    """Schedule, exercise 2: the sparsity the article's run (200 epochs at batch 1,024) ends
    with if its schedule updated the mask every ``frequency`` steps instead of every 100."""
    from dataclasses import replace

    from prunebook.schedules import reached_sparsity

    if isinstance(answer, bool) or not isinstance(answer, (int, float, np.floating)) or not 0 <= answer < 1:
        raise NotYet(f"answer must be a sparsity in [0, 1), got {answer!r}")
    schedule = replace(article.SCHEDULE, frequency=frequency)
    expected = reached_sparsity(schedule, n_samples=article.N_TRAIN, batch_size=article.BATCH_SIZE,
                                epochs=article.EPOCHS)
    if abs(answer - expected) < 5e-4:
        last = int(schedule.last_update_step(article.TOTAL_STEPS))
        return _ok(f"Correct: the mask is last recomputed at step {last}, where the ramp stands at "
                   f"{expected:.4f}.")
    raise NotYet(f"Not yet: list the steps at which the mask changes (begin_step, then every "
                 f"{frequency} steps) up to the run's last step, and evaluate the ramp at the last one.")


@_exercise("the hidden width")
def check_dense_width(width, *, sparsity=0.95):
    """Reaching, exercise 1: the hidden width of a dense article-style MLP whose parameter count
    is closest to the non-zero weights (biases included) of the article's MLP pruned layer-wise
    to ``sparsity``."""
    from prunebook.models import mlp_params as params
    from prunebook.models import width_for_params

    if isinstance(width, bool) or not isinstance(width, (int, np.integer)) or width < 1:
        raise NotYet(f"width must be a positive whole number, got {width!r}")
    target = sum(k for _, k in _article_kept(sparsity)) + article.N_BIAS
    best = width_for_params(target)
    if width == best:
        return _ok(f"Correct: {params(width):,} parameters against {target:,} non-zero ones.")
    direction = "fewer" if params(width) > params(best) else "more"
    raise NotYet(f"Not yet: a width of {width} gives {params(width):,} parameters; "
                 f"the pruned model keeps {direction} non-zero weights than that.")


@_exercise("the sparsity after that many epochs")
def check_sparsity_at_epoch(answer, *, epoch=100, final_sparsity=0.9):
    """Reaching, exercise 2: the kernel sparsity the sweep's run to ``final_sparsity`` holds
    after ``epoch`` epochs (the corrected schedule, batch 1,024)."""
    from prunebook.schedules import reached_sparsity

    if isinstance(answer, bool) or not isinstance(answer, (int, float, np.floating)) or not 0 <= answer < 1:
        raise NotYet(f"answer must be a sparsity in [0, 1), got {answer!r}")
    expected = reached_sparsity(article.corrected_schedule(final_sparsity), n_samples=article.N_TRAIN,
                                batch_size=article.BATCH_SIZE, epochs=epoch)
    if abs(answer - expected) < 5e-4:
        return _ok(f"Correct: {expected:.4f}, {expected / final_sparsity:.1%} of the target.")
    if abs(answer - final_sparsity) < 5e-4:
        raise NotYet("Not yet: the ramp is not over at this epoch; work out its last update step first.")
    raise NotYet("Not yet: find the last update step at or before the epoch's last step, then apply "
                 "s_f * (1 - (1 - p)**3), with p the share of the ramp done at that step.")


def _article_kept(sparsity):
    """``[(weights, kept)]`` of each kernel of the article's MLP pruned layer-wise to ``sparsity``."""
    from prunebook.sparsity import kept_count

    return [(n, kept_count(n, sparsity)) for n in article.KERNEL_SIZES]


@_exercise("the compression ratio")
def check_bound_ratio(answer, *, sparsity=0.98):
    """Deployment, exercise 1: dense float32 bytes over the entropy estimate at ``sparsity``."""
    from prunebook.deploy import entropy_estimate_bytes

    if not isinstance(answer, (int, float, np.floating)) or not answer > 0:
        raise NotYet(f"answer must be a positive ratio, got {answer!r}")
    kept = _article_kept(sparsity)
    estimate = entropy_estimate_bytes(sum(n for n, _ in kept), sum(k for _, k in kept),
                                      n_dense=article.N_BIAS)
    expected = article.DENSE_BYTES / estimate
    if abs(answer / expected - 1) < 1e-3:
        return _ok("Correct.")
    raise NotYet("Not yet: the estimate counts 4 bytes for each kept kernel weight and each bias, "
                 "plus n * H(kept share) bits for the mask.")


@_exercise("the number of bytes")
def check_int8_layout_bytes(answer, *, sparsity=0.95):
    """Deployment, exercise 2: the uncompressed size of ``bitmask_layout(..., dtype="int8")``."""
    if isinstance(answer, bool) or not isinstance(answer, (int, np.integer)) or answer <= 0:
        raise NotYet(f"answer must be a positive whole number of bytes, got {answer!r}")
    scale = article.FLOAT32_BYTES  # one float32 scale per kernel
    biases = article.FLOAT32_BYTES * article.N_BIAS
    expected = sum(-(-n // 8) + k + scale for n, k in _article_kept(sparsity)) + biases
    if answer == expected:
        return _ok("Correct.")
    raise NotYet("Not yet: per kernel, count the packed mask (8 weights a byte), one byte for each kept "
                 "weight and the scale; then the biases.")
