import numpy as np
import pytest

from prunebook import article
from prunebook.exercises import (
    NotYet, Verdict, check_mask_function, check_sparsity_at_epoch, check_sparsity_with_frequency,
    check_tree_alpha_by_pruning_set,
    check_tree_rep_on_training_set)
from prunebook.magnitude import magnitude_mask


def test_mask_check_accepts_a_right_function_and_explains_wrong_ones():
    assert check_mask_function(magnitude_mask)
    with pytest.raises(NotYet, match="keeps .* weights"):
        check_mask_function(lambda w, s: (np.abs(w) > np.quantile(np.abs(w), s)).astype(w.dtype) * 0)
    with pytest.raises(NotYet, match="not the right ones"):
        check_mask_function(lambda w, s: np.flip(magnitude_mask(w.ravel(), s)).reshape(w.shape))
    with pytest.raises(NotYet, match="same shape"):
        check_mask_function(lambda w, s: magnitude_mask(w, s).ravel())


def test_untrained_pruning_ratio_check():
    from prunebook.data import article_data
    from prunebook.exercises import check_untrained_pruning_ratio
    from prunebook.magnitude import one_shot_curve
    from prunebook.models import article_mlp

    _, x_val, _, y_val = article_data()
    unpruned, pruned = one_shot_curve(article_mlp(), x_val, y_val, [0.0, 0.9], mode="layer-wise")
    assert pruned < unpruned  # the lesson: pruning an untrained network lowers its loss here
    assert check_untrained_pruning_ratio(pruned / unpruned)
    with pytest.raises(NotYet, match="not the trained model"):
        check_untrained_pruning_ratio(unpruned / pruned)  # upside down, or the trained model's
    with pytest.raises(NotYet, match="divide the second by the first"):
        check_untrained_pruning_ratio(0.5 * pruned / unpruned)
    with pytest.raises(NotYet, match="must be a number"):
        check_untrained_pruning_ratio("0.7")


def test_tree_checks_reject_wrong_answers_without_the_solution():
    with pytest.raises(NotYet) as wrong:
        check_tree_rep_on_training_set(1)
    assert not any(ch.isdigit() for ch in str(wrong.value))
    with pytest.raises(NotYet, match="positive whole number"):
        check_tree_rep_on_training_set(0)


def path_trees(train):
    from sklearn.tree import DecisionTreeClassifier

    full = DecisionTreeClassifier(random_state=0).fit(*train)
    alphas = full.cost_complexity_pruning_path(*train).ccp_alphas
    return [DecisionTreeClassifier(random_state=0, ccp_alpha=a).fit(*train) for a in alphas]


def best_on_pruning_set(train, prune):
    trees = path_trees(train)
    scores = [t.score(*prune) for t in trees]
    return trees[max(i for i, s in enumerate(scores) if s == max(scores))]


def test_alpha_by_pruning_set_check(capsys):
    from sklearn.tree import DecisionTreeClassifier

    assert check_tree_alpha_by_pruning_set(best_on_pruning_set)
    assert capsys.readouterr().out.startswith("Correct")

    def first_of_ties(train, prune):
        trees = path_trees(train)
        scores = [t.score(*prune) for t in trees]
        return trees[int(np.argmax(scores))]

    def by_training_accuracy(train, prune):
        trees = path_trees(train)
        return trees[int(np.argmax([t.score(*train) for t in trees]))]

    def grown_on_both(train, prune):
        alpha = best_on_pruning_set(train, prune).ccp_alpha
        X, y = np.concatenate([train[0], prune[0]]), np.concatenate([train[1], prune[1]])
        return DecisionTreeClassifier(random_state=0, ccp_alpha=alpha).fit(X, y)

    def between_path_alphas(train, prune):
        alpha = best_on_pruning_set(train, prune).ccp_alpha
        return DecisionTreeClassifier(random_state=0, ccp_alpha=alpha * 1.001 + 1e-6).fit(*train)

    with pytest.raises(NotYet, match="more accurate on the pruning set"):
        check_tree_alpha_by_pruning_set(by_training_accuracy)
    with pytest.raises(NotYet, match="training part only"):
        check_tree_alpha_by_pruning_set(grown_on_both)
    with pytest.raises(NotYet, match="ccp_alphas"):
        check_tree_alpha_by_pruning_set(between_path_alphas)
    with pytest.raises(NotYet, match="fitted DecisionTreeClassifier"):
        check_tree_alpha_by_pruning_set(lambda train, prune: "tree")
    with pytest.raises(NotYet, match="function itself"):
        check_tree_alpha_by_pruning_set(0.01)
    # the default splits hold a tie on the pruning set at either noise level the chapter tries
    for noise in (0.1, 0.2):
        with pytest.raises(NotYet, match="take the largest"):
            check_tree_alpha_by_pruning_set(first_of_ties, label_noise=noise)
        assert check_tree_alpha_by_pruning_set(best_on_pruning_set, label_noise=noise)

    def unanswered(train, prune):
        ...  # the student edition's answer

    capsys.readouterr()
    assert not check_tree_alpha_by_pruning_set(unanswered)
    assert "Not answered yet" in capsys.readouterr().out


def test_schedule_design_check():
    from prunebook.exercises import check_schedule_design
    from prunebook.schedules import PolynomialSchedule

    assert check_schedule_design(PolynomialSchedule(0.0, 0.9, begin_step=400, end_step=1200))
    with pytest.raises(NotYet, match="start it at epoch 50"):
        check_schedule_design(article.corrected_schedule(0.9))  # the chapter's own: from step 200
    with pytest.raises(NotYet, match="only reaches"):
        check_schedule_design(PolynomialSchedule(0.0, 0.9, begin_step=1000, end_step=5000))
    with pytest.raises(NotYet, match="leave at least 50"):
        check_schedule_design(PolynomialSchedule(0.0, 0.9, begin_step=400, end_step=1500))
    with pytest.raises(NotYet, match="final_sparsity must be 0.9"):
        check_schedule_design(PolynomialSchedule(0.0, 0.8, begin_step=400, end_step=1200))
    with pytest.raises(NotYet, match="PolynomialSchedule"):
        check_schedule_design({"final_sparsity": 0.9})


def test_sparsity_with_frequency_check():
    # every 1,000 steps from step 1,000: the last update of a 1,600-step run is at step 1,000,
    # where the ramp is still at its initial sparsity
    assert check_sparsity_with_frequency(float(article.SCHEDULE.initial_sparsity))
    assert check_sparsity_with_frequency(0.0)
    with pytest.raises(NotYet, match="list the steps"):
        check_sparsity_with_frequency(float(article.SCHEDULE.mask_sparsity(article.TOTAL_STEPS)))  # every 100
    # another frequency gives another answer: the check computes it, it is not a constant
    assert check_sparsity_with_frequency(float(article.SCHEDULE.target(1500)), frequency=500)
    with pytest.raises(NotYet, match="sparsity in"):
        check_sparsity_with_frequency(1.5)


def test_sparsity_at_epoch_check():
    # epoch 100 = step 800: 600 of the ramp's 800 steps done, 0.9 * (1 - 0.25 ** 3)
    assert check_sparsity_at_epoch(0.9 * (1 - 0.25 ** 3))
    with pytest.raises(NotYet, match="ramp is not over"):
        check_sparsity_at_epoch(0.9)
    with pytest.raises(NotYet, match="last update step"):
        check_sparsity_at_epoch(0.9 * 600 / 800)  # a linear ramp is not tfmot's
    assert check_sparsity_at_epoch(0.9, epoch=200)  # the ramp ends at step 1,000 (epoch 125)
    with pytest.raises(NotYet, match="sparsity in"):
        check_sparsity_at_epoch(True)


def test_dense_width_check():
    from prunebook.exercises import check_dense_width

    with pytest.raises(NotYet, match="fewer"):
        check_dense_width(1024)
    with pytest.raises(NotYet, match="more"):
        check_dense_width(1)
    # the right width: the one whose count is closest to the pruned model's non-zero weights
    widths = [h for h in range(1, 300) if _passes(check_dense_width, h)]
    assert len(widths) == 1


def _passes(check, answer):
    try:
        return check(answer)
    except NotYet:
        return False


def test_deployment_checks():
    from prunebook.deploy import bitmask_layout, entropy_estimate_bytes
    from prunebook.exercises import check_bound_ratio, check_int8_layout_bytes
    from prunebook.magnitude import apply_masks, layerwise_masks
    from prunebook.models import article_mlp
    from prunebook.sparsity import kernels_of

    model = article_mlp()
    pruned = apply_masks(model, layerwise_masks(kernels_of(model), 0.95))
    assert check_int8_layout_bytes(len(bitmask_layout(pruned, dtype="int8")))
    with pytest.raises(NotYet, match="packed mask"):
        check_int8_layout_bytes(len(bitmask_layout(pruned, dtype="int8")) + 1)
    with pytest.raises(NotYet, match="packed mask"):  # the 90 % layout is not the answer
        check_int8_layout_bytes(len(bitmask_layout(
            apply_masks(model, layerwise_masks(kernels_of(model), 0.9)), dtype="int8")))
    pruned98 = apply_masks(model, layerwise_masks(kernels_of(model), 0.98))
    kept = sum(int(np.count_nonzero(k)) for k in kernels_of(pruned98))
    estimate = entropy_estimate_bytes(article.N_KERNEL, kept, n_dense=article.N_BIAS)
    assert check_bound_ratio(article.DENSE_BYTES / estimate)
    assert article.DENSE_BYTES / estimate < 50  # the mask's cost: below the 1-in-50 ideal
    with pytest.raises(NotYet, match="H\\(kept share\\)"):
        check_bound_ratio(50.0)


def test_reproducing_checks():
    from prunebook.exercises import check_epochs_to_reach_target, check_largest_batch_for_target, check_zero_share
    from prunebook.schedules import steps_per_epoch

    # the schedule ends at step 5,000: 625 epochs of 8 steps; 200 epochs of 25 steps
    assert check_epochs_to_reach_target(5000 // steps_per_epoch(article.N_TRAIN, article.BATCH_SIZE))
    with pytest.raises(NotYet, match="short of 0.75"):
        check_epochs_to_reach_target(624)
    with pytest.raises(NotYet, match="fewer do too"):
        check_epochs_to_reach_target(700)
    with pytest.raises(NotYet, match="positive whole number"):
        check_epochs_to_reach_target(62.5)
    assert check_largest_batch_for_target(8000 // 24)
    with pytest.raises(NotYet, match="too few"):
        check_largest_batch_for_target(334)
    with pytest.raises(NotYet, match="larger one does too"):
        check_largest_batch_for_target(256)
    with pytest.raises(NotYet, match="from 1 to 8000"):
        check_largest_batch_for_target(0)
    zeros = 0.75 * article.N_KERNEL
    assert check_zero_share(zeros / article.N_PARAMS)
    with pytest.raises(NotYet, match="biases count"):
        check_zero_share(0.75)
    with pytest.raises(NotYet, match="count the zeros"):
        check_zero_share(0.5)


def _all_checks():
    from prunebook import exercises

    return sorted((name, fn) for name, fn in vars(exercises).items()
                  if name.startswith("check_") and callable(fn))


@pytest.mark.parametrize("name, check", _all_checks(), ids=[n for n, _ in _all_checks()])
def test_every_check_reports_the_placeholder_as_not_answered(name, check, capsys):
    # the student edition's answer is `...`: the check must fail, say so, and not raise
    verdict = check(...)
    assert isinstance(verdict, Verdict) and not verdict
    assert capsys.readouterr().out.startswith("Not answered yet: replace the ...")
    assert verdict.message.startswith("Not answered yet")


def test_an_empty_mask_function_is_not_answered(capsys):
    def my_mask(weights, sparsity):
        ...

    assert not check_mask_function(my_mask)
    assert "Not answered yet" in capsys.readouterr().out


def test_checks_keep_their_names_and_docs():
    for name, check in _all_checks():
        assert check.__name__ == name and check.__doc__


def test_a_verdict_is_truthy_when_right_and_prints_its_message(capsys):
    verdict = check_sparsity_with_frequency(0.0)
    assert isinstance(verdict, Verdict) and verdict and verdict.message.startswith("Correct:")
    assert capsys.readouterr().out == verdict.message + "\n"


@pytest.mark.parametrize("correct", [True, False])
def test_a_verdict_shows_nothing_under_the_message_in_a_notebook(correct):
    """What IPython shows for the value of a cell that ends with a check: nothing at all."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    data, metadata = shell.display_formatter.format(Verdict(correct, "message"))
    assert data == {} and metadata == {}  # no "Verdict(...)" or True/False under the printed message
    # a plain object would be shown (the formatter is not just silent for everything)
    assert shell.display_formatter.format(("True", correct))[0]["text/plain"]
