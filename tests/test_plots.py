import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from prunebook.history import History  # noqa: E402
from prunebook.plots import plot_curves, plot_schedule, plot_weight_histograms  # noqa: E402
from prunebook.schedules import PolynomialSchedule  # noqa: E402


def history(scale):
    return History(loss=[scale * 1.0, scale * 0.1], val_loss=[scale * 2.0, scale * 0.5],
                   sparsity=[0, 0], seconds=[1, 1])


def test_curves_draw_loss_and_val_loss_of_each_run_on_a_log_axis():
    ax = plot_curves({"baseline": history(1), "pruned": history(2)})
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "epoch"
    assert len(ax.get_lines()) == 4
    np.testing.assert_array_equal(ax.get_lines()[3].get_ydata(), [4.0, 1.0])
    assert "pruned: val_loss" in ax.get_legend().get_texts()[3].get_text()


def test_curves_need_a_run():
    with pytest.raises(ValueError, match="histories"):
        plot_curves({})


def test_schedule_plot_shows_formula_and_staircase():
    s = PolynomialSchedule(0.0, 0.75, 1000, 5000)
    ax = plot_schedule(s, last_step=1600)
    formula, stair = ax.get_lines()[:2]
    assert formula.get_ydata()[1599] == pytest.approx(s.target(1600))
    assert stair.get_ydata()[1550] == pytest.approx(s.target(1500))


def test_schedule_plot_of_a_schedule_without_end():
    from prunebook.schedules import ConstantSchedule

    ax = plot_schedule(ConstantSchedule(0.6, begin_step=100, end_step=None), last_step=400)
    formula, stair = ax.get_lines()[:2]
    assert len(formula.get_xdata()) == 400
    assert stair.get_ydata()[98] == 0 and stair.get_ydata()[99] == pytest.approx(0.6)
    with pytest.raises(ValueError, match="last_step"):
        plot_schedule(PolynomialSchedule(0.0, 0.5, 0, 10), last_step=0)


def test_weight_histograms_one_panel_per_kernel():
    import tf_keras as keras

    model = keras.Sequential([keras.layers.Dense(4, input_dim=3, name="a"), keras.layers.ReLU(),
                              keras.layers.Dense(1, name="b")])
    axes = plot_weight_histograms(model, bins=5)
    assert [ax.get_title() for ax in axes] == ["a: 12 weights", "b: 4 weights"]
    assert sum(p.get_height() for p in axes[0].patches) == 12
    with pytest.raises(ValueError, match="one axis per kernel"):
        plot_weight_histograms(model, axes=[axes[0]])


def test_weight_histograms_read_through_pruning_wrappers():
    import tensorflow_model_optimization as tfmot
    import tf_keras as keras

    model = keras.Sequential([keras.layers.Dense(4, input_dim=3, name="a"), keras.layers.Dense(1, name="b")])
    axes = plot_weight_histograms(tfmot.sparsity.keras.prune_low_magnitude(model), bins=5)
    assert [ax.get_title() for ax in axes] == ["a: 12 weights", "b: 4 weights"]
