import pytest

from prunebook import realdata
from prunebook.schedules import PolynomialSchedule


def test_the_figures_follow_from_the_settings():
    assert realdata.N_TRAIN == 54_000
    assert realdata.STEPS_PER_EPOCH == -(-54_000 // realdata.BATCH_SIZE)
    assert realdata.RAMP_END % realdata.FREQUENCY == 0
    assert realdata.RAMP_END <= realdata.RAMP_EPOCHS * realdata.STEPS_PER_EPOCH < realdata.RAMP_END + realdata.FREQUENCY
    assert realdata.RAMP_EPOCHS < realdata.PRUNE_EPOCHS  # an epoch, at least, with the final mask


def test_the_gradual_schedule_reaches_its_target_inside_the_second_phase():
    last_step = realdata.PRUNE_EPOCHS * realdata.STEPS_PER_EPOCH
    for s in realdata.SPARSITIES:
        schedule = realdata.gradual_schedule(s)
        assert isinstance(schedule, PolynomialSchedule)
        assert schedule.mask_sparsity(realdata.RAMP_END) == pytest.approx(s)
        assert schedule.mask_sparsity(last_step) == pytest.approx(s)
        assert schedule.mask_sparsity(realdata.FREQUENCY - 1) == 0  # tfmot's first update is step FREQUENCY
    with pytest.raises(ValueError, match="sparsity"):
        realdata.gradual_schedule(1.0)


def test_han_et_als_allocation_and_the_overall_sparsity_it_gives():
    schedules = realdata.han_schedules()
    assert {name: s.final_sparsity for name, s in schedules.items()} == pytest.approx(
        {"fc1": 0.92, "fc2": 0.91, "fc3": 0.74})
    sizes = {"fc1": 784 * 300, "fc2": 300 * 100, "fc3": 100 * 10}
    layer_sparsities = {name: s.final_sparsity for name, s in schedules.items()}
    kept = round(784 * 300 * 0.08) + round(300 * 100 * 0.09) + round(100 * 10 * 0.26)
    assert realdata.overall_sparsity(layer_sparsities, sizes) == pytest.approx(1 - kept / sum(sizes.values()))
    assert 1 / (1 - realdata.overall_sparsity(layer_sparsities, sizes)) == pytest.approx(12.2, abs=0.1)
    with pytest.raises(ValueError, match="same layers"):
        realdata.overall_sparsity({"fc1": 0.5}, sizes)


def test_models_by_name():
    model = realdata.build("LeNet-300-100", seed=0)
    assert model.count_params() == 266_610
    assert realdata.build("CNN", seed=0).count_params() == 12_810
    with pytest.raises(ValueError, match="model_name"):
        realdata.build("ResNet", seed=0)


@pytest.mark.skipif(not __import__("os").path.isdir("/usr/share/datasets/fashion-mnist")
                    and not __import__("os").environ.get("PRUNEBOOK_FASHION_MNIST"),
                    reason="Fashion-MNIST's files are not on this machine (make test installs them)")
def test_the_split_is_stratified_scaled_and_leaves_the_test_set_alone():
    import numpy as np

    (x_train, x_val, y_train, y_val), (x_test, y_test) = realdata.fashion_data()
    assert x_train.shape == (54_000, 28, 28) and x_val.shape == (6_000, 28, 28)
    assert x_test.shape == (10_000, 28, 28) and x_train.dtype == np.float32
    assert 0 <= x_train.min() and x_train.max() <= 1
    assert np.bincount(y_val).tolist() == [600] * 10 and np.bincount(y_test).tolist() == [1000] * 10
