"""Checks for the exercises of the structured-pruning chapter.

They work as :mod:`prunebook.exercises` does: a right answer prints a confirmation and returns
a true :class:`~prunebook.exercises.Verdict`, a wrong one raises
:class:`~prunebook.exercises.NotYet` with a hint, and ``...`` reports the exercise as not
answered yet.
"""
from prunebook import structured
from prunebook.exercises import NotYet, _exercise, _ok
from prunebook.models import mlp_params
from prunebook.sparsity import kept_count

#: Exercise 1: a Dense layer of this many inputs and outputs, pruned in TFLite's 1 x 4 blocks.
BLOCK_LAYER = (512, 256)
BLOCK_SPARSITY = 0.9
#: Exercise 2: the sparsity whose parameter count the smaller dense MLP must match.
WIDTH_SPARSITY = 0.8


def _is_int(answer):
    return isinstance(answer, int) and not isinstance(answer, bool)


@_exercise("a whole number of blocks")
def check_kept_blocks(answer):
    """Structured pruning, exercise 1: the 1 x 4 blocks TFLite stores for a Dense layer of
    :data:`BLOCK_LAYER` (inputs, outputs) pruned with ``block_size=(4, 1)`` to
    :data:`BLOCK_SPARSITY`."""
    if not _is_int(answer):
        raise NotYet(f"answer must be a whole number of blocks, got {answer!r}")
    n_in, n_out = BLOCK_LAYER
    blocks = (n_in // structured.TFLITE_BLOCK[0]) * n_out
    expected = kept_count(blocks, BLOCK_SPARSITY)
    if answer == expected:
        return _ok(f"Correct: {blocks:,} blocks of 4 weights, of which tfmot keeps {expected:,} "
                   f"({4 * expected:,} weights, stored with one column index per block).")
    if answer == kept_count(n_in * n_out, BLOCK_SPARSITY):
        raise NotYet("Not yet: that counts single weights; tfmot ranks and keeps whole blocks.")
    raise NotYet("Not yet: count the blocks first (each holds one output's four consecutive "
                 "inputs), then keep tfmot's share of them.")


@_exercise("a whole number of neurons")
def check_matching_width(answer):
    """Structured pruning, exercise 2: the hidden width of the article's MLP whose parameters
    are closest to those the unstructured model keeps at :data:`WIDTH_SPARSITY`."""
    if not _is_int(answer) or answer < 1:
        raise NotYet(f"answer must be a positive whole number of neurons, got {answer!r}")
    expected = structured.units_for_sparsity(WIDTH_SPARSITY)
    kept = structured.kept_kernel_weights(WIDTH_SPARSITY)
    if answer == expected:
        return _ok(f"Correct: {expected} neurons a layer give {mlp_params(expected):,} parameters; "
                   f"the unstructured model keeps {kept:,} kernel weights (its output layer whole) "
                   "and every bias.")
    if answer > expected:
        raise NotYet("Not yet: that width has more parameters than the unstructured model keeps.")
    raise NotYet("Not yet: that width has fewer parameters than the unstructured model keeps; "
                 "remember the output layer's kernel, kept whole, the first layer's 1,000 inputs "
                 "and the biases.")
