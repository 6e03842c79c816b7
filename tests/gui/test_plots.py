"""The live plots draw what the frames and histories hold: boundary image, points, curves."""

from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from playground.core.datasets import DataConfig, make_dataset
from playground.core.presets import load_preset
from playground.core.probes import Frame, make_frame
from playground.core.scaling import Scaling
from playground.core.spec import sequential
from playground.core.training.config import TrainConfig
from playground.core.training.factory import make_trainer
from playground.core.training.history import History
from playground.core.training.snapshots import EpochRecord
from playground.gui import theme
from playground.gui.plots.boundary import BoundaryView
from playground.gui.plots.colormaps import class_lut, diverging_lut, to_qimage
from playground.gui.plots.curves import MAX_POINTS, CurvesView, log_ticks, nice_ceiling, thin

STEPS = 50


def trained(trainer):
    for _ in range(STEPS):
        trainer.train_step()
    return trainer, make_frame(trainer)


def preset_run(name):
    preset = load_preset(name)
    return trained(make_trainer(preset.network, make_dataset(preset.data), preset.training))


@pytest.fixture(scope="module")
def circle():
    return preset_run("circle")


@pytest.fixture(scope="module")
def sine():
    return preset_run("sine-fit")


@pytest.fixture(scope="module")
def reg_plane():
    return preset_run("reg-plane")


@pytest.fixture(scope="module")
def three_blobs():
    spec = sequential(("Input", {"shape": [2]}), ("Dense", {"units": 6, "activation": "tanh"}),
                      ("Output", {"units": 3, "task": "multiclass", "loss": "cross_entropy",
                                  "activation": "softmax"}))
    data = make_dataset(DataConfig(name="multiclass-gauss", n_samples=300))
    return trained(make_trainer(spec, data, TrainConfig()))


@pytest.fixture
def boundary(qtbot):
    view = BoundaryView()
    qtbot.addWidget(view)
    view.resize(400, 380)
    view.show()
    qtbot.waitExposed(view)
    return view


def drawn(view, run) -> tuple[BoundaryView, Frame]:
    trainer, frame = run
    view.set_dataset(trainer.dataset)
    view.show_frame(frame)
    return view, frame


def xs(curve):
    """A curve's x values; pyqtgraph gives None for an empty curve."""
    x = curve.getData()[0]
    return np.array([]) if x is None else x


def scatter_points(scatter):
    x, y = scatter.getData()
    return np.column_stack([x, y])


# ---- colour maps ---------------------------------------------------------------------------
def test_diverging_lut_runs_from_orange_through_white_to_blue():
    lut = diverging_lut(255)
    assert lut.shape == (255, 4) and lut.dtype == np.uint8
    assert tuple(lut[0]) == theme.NEGATIVE.getRgb()
    assert tuple(lut[127]) == (0xE8, 0xEA, 0xED, 255)
    assert tuple(lut[-1]) == theme.POSITIVE.getRgb()


def test_class_lut_has_the_theme_colour_of_each_class():
    lut = class_lut(3)
    assert [tuple(row) for row in lut] == [theme.class_color(i).getRgb() for i in range(3)]


def test_to_qimage_maps_levels_flips_rows_and_clears_nan():
    lut = class_lut(3)
    values = np.array([[0.0, 1.0, 2.0], [np.nan, 5.0, -4.0]], dtype=np.float32)
    image = to_qimage(values, (0.0, 2.0), lut)
    assert (image.width(), image.height()) == (3, 2)
    # Row 0 of the values is the bottom row of the picture.
    bottom = [image.pixelColor(x, 1).getRgb() for x in range(3)]
    assert bottom == [tuple(lut[i]) for i in range(3)]
    top = [image.pixelColor(x, 0) for x in range(3)]
    assert top[0].alpha() == 0
    assert top[1].getRgb() == tuple(lut[2]) and top[2].getRgb() == tuple(lut[0])  # clipped


# ---- decision boundary ---------------------------------------------------------------------
def test_the_image_is_the_output_over_the_extent_with_the_frames_levels(boundary, circle):
    view, frame = drawn(boundary, circle)
    assert view.image.isVisible()
    np.testing.assert_array_equal(view.displayed(), frame.output)
    assert tuple(view.image.getLevels()) == frame.output_range
    np.testing.assert_array_equal(view.image.lut, diverging_lut(256))
    xmin, xmax, ymin, ymax = frame.extent
    rect = view.image.mapRectToParent(view.image.boundingRect())
    assert (rect.left(), rect.right(), rect.top(), rect.bottom()) == pytest.approx(
        (xmin, xmax, ymin, ymax))
    assert view.color_bar.levels() == frame.output_range


def test_discretise_shows_only_the_ends_of_the_range(boundary, circle):
    view, frame = drawn(boundary, circle)
    lo, hi = frame.output_range
    view.discretise_box.click()
    shown = view.displayed()
    assert set(np.unique(shown)) == {lo, hi}
    np.testing.assert_array_equal(shown == hi, frame.output >= (lo + hi) / 2)
    view.discretise_box.click()
    np.testing.assert_array_equal(view.displayed(), frame.output)


def test_the_test_box_hides_the_test_points(boundary, circle):
    view, _ = drawn(boundary, circle)
    assert view.test_scatter.isVisible()
    view.test_box.click()
    assert not view.test_scatter.isVisible()
    assert view.train_scatter.isVisible()
    view.test_box.click()
    assert view.test_scatter.isVisible()


def test_the_scatters_hold_every_point_coloured_by_class(boundary, circle):
    view, _ = drawn(boundary, circle)
    data = circle[0].dataset
    np.testing.assert_allclose(scatter_points(view.train_scatter), data.points_train, rtol=1e-6)
    np.testing.assert_allclose(scatter_points(view.test_scatter), data.points_test, rtol=1e-6)
    brushes = [spot.brush().color().rgb() for spot in view.train_scatter.points()]
    assert brushes == [theme.class_color(int(y)).rgb() for y in data.y_train]
    pens = [spot.pen().color().rgb() for spot in view.test_scatter.points()]
    assert pens == [theme.class_color(int(y)).rgb() for y in data.y_test]


def test_one_dimensional_data_draws_the_prediction_as_a_curve(boundary, sine):
    view, frame = drawn(boundary, sine)
    x, y = view.curve.getData()
    np.testing.assert_array_equal(y, frame.output)
    np.testing.assert_allclose(x, np.linspace(frame.extent[0], frame.extent[1], len(y)))
    assert view.curve.isVisible() and not view.image.isVisible()
    assert not view.discretise_box.isEnabled()  # a regression output has no classes
    data = sine[0].dataset
    expected = np.column_stack([data.points_train[:, 0], data.y_train.ravel()])
    np.testing.assert_allclose(scatter_points(view.train_scatter), expected, rtol=1e-6)


def test_standardised_regression_targets_are_labelled_so(boundary, sine, reg_plane):
    """Imported regression targets are standardised: the plot's value axis says so."""
    def standardised(run):
        data = run[0].dataset
        return replace(data, scaling=Scaling.fit(data.x_train, data.y_train))

    boundary.set_dataset(standardised(sine))
    boundary.show_frame(sine[1])
    left = boundary.plot.getAxis("left")
    assert left.label.isVisible() and left.labelText == "standardised target"
    boundary.set_dataset(standardised(reg_plane))
    boundary.show_frame(reg_plane[1])
    assert boundary.color_bar.axis.labelText == "output (standardised targets)"
    assert not boundary.plot.getAxis("left").label.isVisible()
    boundary.set_dataset(reg_plane[0].dataset)  # raw targets: plain names
    boundary.show_frame(reg_plane[1])
    assert boundary.color_bar.axis.labelText == "output"


def test_regression_is_never_discretised(boundary, reg_plane):
    view, frame = drawn(boundary, reg_plane)
    assert not view.discretise_box.isEnabled()
    view.discretise_box.setChecked(True)
    np.testing.assert_array_equal(view.displayed(), frame.output)
    assert tuple(view.image.getLevels()) == frame.output_range


def test_multiclass_uses_one_colour_per_class(boundary, three_blobs):
    view, frame = drawn(boundary, three_blobs)
    assert set(np.unique(view.displayed())) <= {0.0, 1.0, 2.0}
    np.testing.assert_array_equal(view.displayed(), frame.output)
    np.testing.assert_array_equal(view.image.lut, class_lut(3))
    assert tuple(view.image.getLevels()) == (0.0, 2.0)
    assert not view.discretise_box.isEnabled()


def test_the_lookup_table_follows_the_task(boundary, three_blobs, circle):
    drawn(boundary, three_blobs)
    view, _ = drawn(boundary, circle)
    np.testing.assert_array_equal(view.image.lut, diverging_lut(256))


def test_no_output_hides_the_image_and_says_why(boundary, circle):
    view, frame = drawn(boundary, circle)
    view.show_frame(replace(frame, output=None))
    assert not view.image.isVisible()
    assert view.displayed() is None
    assert view.note.isVisible() and "No picture" in view.note.text()
    view.show_frame(frame)
    assert view.image.isVisible() and not view.note.isVisible()


# ---- loss and accuracy curves --------------------------------------------------------------
def record(epoch, train_loss, test_loss=None, test_accuracy=None, train_accuracy=None,
           batch_loss=None, subsample=None):
    return EpochRecord(epoch=epoch, step=epoch * 10, train_loss=train_loss, test_loss=test_loss,
                       train_accuracy=train_accuracy, test_accuracy=test_accuracy, seconds=0.0,
                       batch_loss=batch_loss, subsample=subsample)


@pytest.fixture
def curves(qtbot):
    view = CurvesView()
    qtbot.addWidget(view)
    view.resize(480, 360)
    view.show()
    qtbot.waitExposed(view)
    return view


HISTORY = (record(1, 0.9, 0.95, 0.5), record(2, 0.5, None, None), record(3, 0.2, 0.3, 0.9))


def test_curves_hold_the_recorded_losses_and_skip_missing_test_values(curves):
    curves.show_history(HISTORY)
    x, y = curves.train_loss_curve.getData()
    np.testing.assert_array_equal(x, [1, 2, 3])
    np.testing.assert_array_equal(y, [0.9, 0.5, 0.2])
    x, y = curves.test_loss_curve.getData()
    np.testing.assert_array_equal(x, [1, 3])
    np.testing.assert_array_equal(y, [0.95, 0.3])
    x, y = curves.test_accuracy_curve.getData()
    np.testing.assert_array_equal(x, [1, 3])
    np.testing.assert_array_equal(y, [0.5, 0.9])


class PaintCounter(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        self.count += event.type() == QEvent.Type.Paint
        return False


def test_nice_ceilings_are_round_numbers_at_or_above_the_value():
    assert [nice_ceiling(v) for v in (0.8, 0.81, 1, 7, 9, 10, 11, 1001, 2.5e5)] == \
        [0.8, 1, 1, 8, 10, 10, 15, 1500, 3e5]


def test_live_axes_change_only_at_round_numbers_and_show_every_point(curves):
    """A live run adds epochs at every frame; the axes (whose tick layout costs more than
    the curves) move a few times a decade, and every point drawn stays in view."""
    history, ranges = [], set()
    for epoch in range(1, 401):
        history.append(record(epoch, 2.0 / epoch ** 0.5, 2.2 / epoch ** 0.5, 0.5, 0.6))
        curves.show_history(history)
        (x_low, x_high), (y_low, y_high) = curves.loss_plot.viewRange()
        ranges.add((round(x_high, 6), round(y_high, 6)))
        assert x_low <= 1 and x_high >= epoch
        assert y_low <= 0 and y_high >= 2.2
    assert len(ranges) <= 20  # 400 frames: 1, 1.5, 2, 3, … per decade of epochs
    curves.log_box.click()
    low, high = curves.loss_plot.viewRange()[1]
    assert low <= np.log10(2.0 / 400 ** 0.5) and high >= np.log10(2.2)


def test_each_new_epoch_costs_one_paint_of_the_loss_plot_not_two(curves):
    counter = PaintCounter()
    curves.loss_plot.viewport().installEventFilter(counter)
    history = []
    for epoch in range(1, 9):  # every epoch widens the axes, as in a live run
        history.append(record(epoch, 1.0 / epoch, 1.2 / epoch, 0.5))
        curves.show_history(history)
        for _ in range(3):  # the paint, and any paint that it asks for
            QApplication.processEvents()
    assert counter.count == 8


def test_a_real_run_is_plotted_record_by_record(curves, circle):
    _, frame = circle
    curves.show_history(frame.history, frame.snapshot.record)
    measured = [r for r in frame.history if r.train_loss is not None]
    x, y = curves.train_loss_curve.getData()
    np.testing.assert_array_equal(x, [r.epoch for r in measured])
    np.testing.assert_allclose(y, [r.train_loss for r in measured])
    np.testing.assert_allclose(curves.train_accuracy_curve.getData(),
                               [[r.epoch for r in measured], [r.train_accuracy for r in measured]])


def test_train_and_test_accuracy_are_both_curves_and_the_batch_mean_is_optional(curves):
    history = (record(1, 0.9, 0.95, 0.5, 0.55, batch_loss=1.2),
               record(2, None, None, None, None, batch_loss=0.8),
               record(3, 0.2, 0.3, 0.9, 0.95, batch_loss=0.4))
    curves.show_history(history)
    for curve, values in ((curves.train_accuracy_curve, [0.55, 0.95]),
                          (curves.test_accuracy_curve, [0.5, 0.9]),
                          (curves.train_loss_curve, [0.9, 0.2])):
        assert list(curve.getData()[0]) == [1, 3] and list(curve.getData()[1]) == values
    assert "at each epoch's end, both at the same weights" in curves.caption.toolTip()
    assert not curves.batch_loss_curve.isVisible() and "batch" not in curves.caption.text()
    curves.batch_box.click()
    assert curves.batch_loss_curve.isVisible()
    assert list(curves.batch_loss_curve.getData()[1]) == [1.2, 0.8, 0.4]
    assert "batch mean" in curves.caption.text()
    curves.hover_at(2)
    assert curves.hover_text.toPlainText() == (
        "epoch 2\ntrain loss 0.9 (epoch 1)\ntest loss 0.95 (epoch 1)\n"
        "train acc 0.55 (epoch 1)\ntest acc 0.5 (epoch 1)\nbatch mean 0.8")


def test_a_subsampled_evaluation_says_so_in_the_legend(curves):
    curves.show_history((record(1, 0.5, 0.6, subsample=2000),))
    assert "(2,000 samples each)" in curves.caption.text()
    assert "on 2,000 random samples of each split" in curves.caption.toolTip()
    curves.clear()
    assert "samples each" not in curves.caption.text()


def test_now_sets_the_summary(curves):
    now = record(3, 0.25, 0.31, 0.88, train_accuracy=0.93)
    curves.show_history(HISTORY, now)
    text = curves.summary.text().replace("\N{NO-BREAK SPACE}", " ")
    assert text == "epoch 3 · train loss 0.25 · test loss 0.31 · train acc 0.93 · test acc 0.88"


def test_a_growing_history_appends_and_a_new_run_starts_over(curves):
    curves.show_history(HISTORY[:2])
    curves.show_history(HISTORY)
    np.testing.assert_array_equal(curves.train_loss_curve.getData()[1], [0.9, 0.5, 0.2])
    other = (record(1, 0.7), record(2, 0.6), record(3, 0.4))
    curves.show_history(other)
    np.testing.assert_array_equal(curves.train_loss_curve.getData()[1], [0.7, 0.6, 0.4])
    assert len(xs(curves.test_loss_curve)) == 0


def test_log_scale_box_switches_the_loss_axis(curves):
    curves.show_history(HISTORY)
    curves.log_box.click()
    assert curves.loss_plot.getAxis("left").logMode
    assert curves.train_loss_curve.opts["logMode"] == [False, True]
    np.testing.assert_allclose(curves.train_loss_curve.getData()[1], np.log10([0.9, 0.5, 0.2]))
    QApplication.processEvents()  # the view takes its log range when it next lays out
    ticks = curves.loss_plot.getAxis("left")._tickLevels[0]
    assert ticks == log_ticks(*curves.loss_plot.viewRange()[1])
    assert {"0.2", "0.5", "0.9"} <= {label for _, label in ticks}
    curves.log_box.click()
    assert not curves.loss_plot.getAxis("left").logMode
    assert curves.loss_plot.getAxis("left")._tickLevels is None


def test_long_histories_are_thinned_but_keep_the_last_epoch(curves):
    n = 5003
    history = tuple(record(e, 1.0 / e, 2.0 / e if e % 7 == 0 else None) for e in range(1, n + 1))
    curves.show_history(history)
    x, y = curves.train_loss_curve.getData()
    assert len(x) <= MAX_POINTS
    assert x[0] == 1 and x[-1] == n and y[-1] == pytest.approx(1.0 / n)
    assert np.all(np.diff(x) > 0)
    np.testing.assert_allclose(y, 1.0 / x)
    x, _ = curves.test_loss_curve.getData()
    assert len(x) == n // 7  # few enough to keep them all
    assert x[-1] == 7 * (n // 7)


def test_a_spike_in_a_long_curve_is_drawn(curves):
    losses = [1.0 / e for e in range(1, 50_001)]
    losses[12_344] = 40.0  # epoch 12,345 diverges for a moment
    curves.show_history(tuple(record(e, loss) for e, loss in enumerate(losses, 1)))
    x, y = curves.train_loss_curve.getData()
    assert len(x) <= MAX_POINTS and y.max() == 40.0 and x[y.argmax()] == 12_345


def test_the_curves_follow_a_history_that_thins_its_older_epochs(curves):
    history = History(recent=50, stretches=10)
    for epoch in range(1, 1001):
        history.append(record(epoch, 9.0 if epoch == 20 else 1.0 / epoch))
        curves.show_history(tuple(history))
    x, y = curves.train_loss_curve.getData()
    assert list(x) == [r.epoch for r in history] and y.max() == 9.0
    assert x[-1] == 1000 and len(x) < 1000


@pytest.mark.parametrize(("low", "high", "labels"), [
    (0.35, 0.75, ["0.4", "0.5", "0.6", "0.7"]),
    (0.02, 0.8, ["0.02", "0.05", "0.1", "0.2", "0.5"]),
    (1e-5, 2.0, ["1e-05", "0.0001", "0.001", "0.01", "0.1", "1"]),
    (1e-13, 1.0, ["1e-12", "1e-09", "1e-06", "0.001", "1"]),
])
def test_log_ticks_stay_readable(low, high, labels):
    ticks = log_ticks(np.log10(low), np.log10(high))
    assert [label for _, label in ticks] == labels
    for position, label in ticks:
        assert 10 ** position == pytest.approx(float(label))


@pytest.mark.parametrize("n", [1, MAX_POINTS, MAX_POINTS + 1, 3 * MAX_POINTS, 10_001])
def test_thin_keeps_at_most_the_limit(n):
    epochs = list(range(n))
    x, y = thin(epochs, [float(e) for e in epochs])
    assert len(x) == n if n <= MAX_POINTS else len(x) <= MAX_POINTS
    assert x[-1] == n - 1 and x[0] == 0
    np.testing.assert_array_equal(x, y)


def test_regression_hides_the_accuracy_plot(curves):
    assert curves.accuracy_plot.isVisible()
    curves.set_task("regression")
    assert not curves.accuracy_plot.isVisible()
    curves.set_task("binary")
    assert curves.accuracy_plot.isVisible()


def test_the_legend_says_when_the_loss_is_of_standardised_targets(curves):
    curves.set_task("regression", standardised_targets=True)
    assert "standardised targets" in curves.caption.text()
    curves.set_task("regression")
    assert "standardised" not in curves.caption.text()


def test_hovering_shows_the_nearest_epochs_values(curves, qtbot):
    curves.show_history(HISTORY)
    QApplication.processEvents()  # let the view take its new range before mapping to it
    view = curves.loss_plot.getPlotItem().getViewBox()
    scene = view.mapViewToScene(QPointF(2.8, 0.5))
    point = curves.loss_plot.mapFromScene(scene)
    QTest.mouseMove(curves.loss_plot.viewport(), QPoint(point.x(), point.y()))
    qtbot.waitUntil(curves.hover_text.isVisible, timeout=1000)
    assert curves.loss_line.value() == 3 and curves.accuracy_line.value() == 3
    assert curves.hover_text.toPlainText() == "epoch 3\ntrain loss 0.2\ntest loss 0.3\ntest acc 0.9"
    curves.hover_at(2.1)  # epoch 2 has no test values: the nearest measured ones, marked
    assert curves.hover_text.toPlainText() == ("epoch 2\ntrain loss 0.5\n"
                                               "test loss 0.95 (epoch 1)\n"
                                               "test acc 0.5 (epoch 1)")


def test_clear_empties_everything(curves):
    curves.show_history(HISTORY, record(3, 0.2, train_accuracy=0.9))
    curves.hover_at(1)
    curves.clear()
    for item in curves.curves.values():
        assert len(xs(item)) == 0
    assert curves.summary.text() == "" and not curves.hover_text.isVisible()
    curves.show_history(HISTORY[:1])
    np.testing.assert_array_equal(curves.train_loss_curve.getData()[1], [0.9])


def test_the_handset_xor_networks_hidden_lines_are_drawn(qtbot):
    project = load_preset("xor-handset")
    dataset = make_dataset(project.data)
    run = make_trainer(project.network, dataset, project.training, project.weights)
    frame = make_frame(run)
    view = BoundaryView()
    qtbot.addWidget(view)
    view.set_dataset(dataset)
    view.show_frame(frame)
    assert frame.first_layer == "dense_1"
    visible = [line for line in view.lines if line.isVisible()]
    assert len(visible) == 2
    for line, offset in zip(visible, (1.5, 0.5), strict=True):
        xs, ys = line.getData()
        np.testing.assert_allclose(xs + ys, offset)  # x₁ + x₂ − b = 0 with b = −1.5, −0.5
    view.lines_box.setChecked(False)
    assert not any(line.isVisible() for line in view.lines)


def test_the_four_xor_points_show_the_networks_outputs(qtbot):
    project = load_preset("xor-handset")
    dataset = make_dataset(project.data)
    run = make_trainer(project.network, dataset, project.training, project.weights)
    view = BoundaryView()
    qtbot.addWidget(view)
    view.set_dataset(dataset)
    view.show_frame(make_frame(run))
    labels = [(label.pos().x(), label.pos().y(), label.textItem.toPlainText())
              for label in view.point_labels if label.isVisible()]
    assert labels == [(0, 0, "0"), (0, 1, "1"), (1, 0, "1"), (1, 1, "0")]
