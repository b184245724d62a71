import pytest

from prunebook.data import article_data
from prunebook.experiments import nonzero_params, small_dense_runs, sweep_runs
from prunebook.models import mlp_params


@pytest.fixture(scope="module")
def data():
    return article_data(n_samples=300, n_features=1000, n_informative=20)


# two epochs of one step never reach the schedule: the ScheduleWarning is expected here
@pytest.mark.filterwarnings("ignore::prunebook.schedules.ScheduleWarning")
def test_sweep_and_small_dense_runs(data, tmp_path_factory, monkeypatch):
    monkeypatch.setenv("PRUNEBOOK_CACHE", str(tmp_path_factory.mktemp("cache")))
    # 240 rows at batch 1024 is 1 step an epoch; the corrected ramp ends at step 1000, so use a
    # short stand-in: only check wiring, sizes and that the runs are cached
    sweep = sweep_runs(data, sparsities=(0.5,), epochs=2, progress=False)
    assert set(sweep) == {0.5} and sweep[0.5].history.epochs == 2
    dense = small_dense_runs(data, sweep, epochs=2, progress=False)
    width, run = dense[0.5]
    assert mlp_params(width) == run.model.count_params()
    assert abs(mlp_params(width) - nonzero_params(sweep[0.5].model)) < 2 * width + 1004
