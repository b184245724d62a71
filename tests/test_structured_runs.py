import numpy as np
import pytest
import tensorflow_model_optimization as tfmot

from prunebook import structured, structured_runs
from prunebook.models import small_cnn, xnnpack_cnn
from prunebook.structured_runs import BLOCKS, DENSE_CONTROL, FORMS, M_BY_N, NEURONS, MLP_JOBS, mlp_run
from small_runs import small_data, small_model


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PRUNEBOOK_CACHE", str(tmp_path / "cache"))


def test_every_job_names_a_form_and_each_form_is_trained():
    assert {form for form, _ in MLP_JOBS} == set(FORMS)
    assert len(set(MLP_JOBS)) == len(MLP_JOBS)
    assert (M_BY_N, structured.M_BY_N_SPARSITY) in MLP_JOBS and (DENSE_CONTROL, 0.0) in MLP_JOBS


@pytest.mark.parametrize("form, sparsity, match", [
    ("blocks", 0.9, "form"), (DENSE_CONTROL, 0.5, "dense control"), (M_BY_N, 0.75, "2:4"),
    (BLOCKS, 0.0, "above 0"), (BLOCKS, 1.0, "sparsity")])
def test_bad_jobs_are_refused(form, sparsity, match):
    with pytest.raises(ValueError, match=match):
        mlp_run(form, sparsity, 0, small_data(), small_model())


def test_block_and_m_by_n_runs_have_their_pattern_and_leave_the_model_as_it_was():
    data = small_data(n_samples=10_240, n_features=32)  # 8 steps an epoch, as in the article
    model = small_model(input_dim=32, units=32)
    before = [w.copy() for w in model.get_weights()]
    blocks = mlp_run(BLOCKS, 0.75, 0, data, model).model
    for name in structured_runs.PRUNED_LAYERS:
        kernel = blocks.get_layer(name).kernel.numpy()
        groups = (kernel.T.reshape(kernel.shape[1], -1, 4) == 0)  # (outputs, inputs / 4, 4)
        assert np.all(groups.all(axis=2) | ~groups.any(axis=2))  # whole blocks only
        assert np.mean(kernel == 0) == pytest.approx(0.75, abs=0.01)
    assert np.all(blocks.get_layer("output").kernel.numpy() != 0)  # the output layer stays dense
    two_four = mlp_run(M_BY_N, 0.5, 0, data, model).model
    assert np.all(two_four.get_layer("output").kernel.numpy() != 0)
    for layer in structured_runs.PRUNED_LAYERS:
        kernel = two_four.get_layer(layer).kernel.numpy()
        assert np.all((kernel.T.reshape(kernel.shape[1], -1, 4) == 0).sum(axis=2) >= 2)
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


def test_neurons_removed_trains_a_narrower_dense_model(monkeypatch):
    monkeypatch.setattr(structured, "units_for_sparsity", lambda s: 8)
    data, model = small_data(), small_model()
    run = mlp_run(NEURONS, 0.9, 0, data, model)
    assert [w.shape for w in run.model.get_weights()][:2] == [(30, 8), (8,)]
    assert len(run.history.val_loss) == structured.FINE_TUNE_EPOCHS


def test_the_xnnpack_policy_accepts_xnnpack_cnn_and_wraps_the_named_layers_only():
    prune = tfmot.sparsity.keras
    wrapped = prune.prune_low_magnitude(xnnpack_cnn(), pruning_policy=prune.PruneForLatencyOnXNNPack())
    names = [layer.layer.name for layer in wrapped.layers if type(layer).__name__ == "PruneLowMagnitude"]
    assert tuple(names) == structured_runs.XNNPACK_PRUNED
    with pytest.raises(ValueError, match="Conv2D 3x3"):
        prune.prune_low_magnitude(small_cnn(), pruning_policy=prune.PruneForLatencyOnXNNPack())
