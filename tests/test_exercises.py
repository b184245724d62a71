import numpy as np
import pytest

from prunebook.exercises import (
    NotYet, check_first_sparsity_over, check_mask_function, check_tree_largest_alpha,
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


def test_first_sparsity_over():
    curve = {0.0: 1.0, 0.5: 1.05, 0.7: 1.2, 0.9: 3.0}
    assert check_first_sparsity_over(0.7, curve)
    with pytest.raises(NotYet, match="still within"):
        check_first_sparsity_over(0.5, curve)
    with pytest.raises(NotYet, match="smaller sparsity"):
        check_first_sparsity_over(0.9, curve)
    with pytest.raises(NotYet, match="one of the sparsities"):
        check_first_sparsity_over(0.6, curve)


def test_tree_checks_reject_wrong_answers_without_the_solution():
    with pytest.raises(NotYet) as wrong:
        check_tree_rep_on_training_set(1)
    assert not any(ch.isdigit() for ch in str(wrong.value))
    with pytest.raises(NotYet, match="positive whole number"):
        check_tree_rep_on_training_set(0)
    with pytest.raises(NotYet, match="ccp_alphas"):
        check_tree_largest_alpha(0.123456)
    with pytest.raises(NotYet, match=">= 0"):
        check_tree_largest_alpha(-1)
