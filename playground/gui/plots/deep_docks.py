"""The window's docks for convolutional, autoencoder and recurrent networks.

Each dock appears only when it applies to the open project (feature maps for a network with
Conv2d or pooling layers on images, the latent space for autoencoders, …) and is drawn from
the frames only while it is on screen.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QObject, Qt, QTimer, Slot
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

from playground.core.datasets import TASK_REGRESSION, Dataset
from playground.core.frames import IMAGE, LATENT, SEQUENCE, Frame
from playground.core.spec import NetworkSpec
from playground.gui.lazy_view import LazyView
from playground.gui.plots.confusion import ConfusionView
from playground.gui.plots.drawing_pad import DrawingPanel
from playground.gui.plots.feature_maps import FeatureMapView
from playground.gui.plots.frame_gate import FrameGate
from playground.gui.plots.latent import LatentView
from playground.gui.plots.sequence_view import SequenceView
from playground.gui.worker import TrainingController

MakeDock = Callable[[str, QWidget, Qt.DockWidgetArea, bool], QDockWidget]
MAP_KINDS = {"Conv2d", "MaxPool2d", "AvgPool2d"}
RECURRENT_KINDS = {"RNN", "LSTM", "GRU"}


def applicable(spec: NetworkSpec, dataset: Dataset) -> dict[str, bool]:
    """Which views apply to a network on a data set, by dock title."""
    kinds = {layer.kind for layer in spec.layers}
    images = dataset.info.kind == "image"
    autoencoder = bool(getattr(dataset, "autoencoder", False))
    classifies = dataset.task != TASK_REGRESSION and not autoencoder
    return {
        "Feature maps": images and bool(kinds & MAP_KINDS),
        "Mistakes": images and classifies,
        "Drawing pad": images and classifies,
        "Latent space": autoencoder,
        "Sequence": bool(kinds & RECURRENT_KINDS),
        "Output": dataset.info.kind not in ("image", "sequence"),
    }


class DeepDocks(QObject):
    """Makes the docks, shows or hides them as the project changes, and feeds them frames."""

    def __init__(self, window: QMainWindow, controller: TrainingController, output: QDockWidget,
                 make_dock: MakeDock):
        super().__init__(window)
        self.controller = controller
        self.feature_maps = FeatureMapView()
        self.confusion = ConfusionView()
        self.pad = DrawingPanel()
        # Made when first shown (or asked for): most projects never show them.
        self.latent_slot = LazyView(self._make_latent)
        self.sequence_slot = LazyView(self._make_sequence)
        right = Qt.DockWidgetArea.RightDockWidgetArea
        views = {"Feature maps": self.feature_maps, "Mistakes": self.confusion,
                 "Drawing pad": self.pad, "Latent space": self.latent_slot,
                 "Sequence": self.sequence_slot}
        self.docks = {"Output": output}
        for title, view in views.items():
            dock = make_dock(title, view, right, True)
            window.tabifyDockWidget(output, dock)
            self.docks[title] = dock
        draws: dict[str, tuple[Callable[[Frame], None], str]] = {
            "Feature maps": (lambda f: self.feature_maps.show_probe(f.image), IMAGE),
            "Mistakes": (lambda f: self.confusion.show_probe(f.image), IMAGE),
            "Drawing pad": (lambda f: self.pad.show_probe(f.image), IMAGE),
            "Latent space": (lambda f: self.latent.show_probe(f.latent), LATENT),
            "Sequence": (lambda f: self.sequence.show_probe(f.sequence), SEQUENCE)}
        self.gates = [FrameGate(self.docks[title], draw, probe)
                      for title, (draw, probe) in draws.items()]
        self._applies: dict[str, bool] = {}
        self._frame: Frame | None = None
        self._count = 0
        self.feature_maps.sampleChosen.connect(self._choose_sample)
        self.pad.drawingChanged.connect(self._drawing_changed)
        self.confusion.gallery.clicked.connect(self._inspect_mistake)
        self.pad.set_reader(controller.read_image)
        controller.imageRead.connect(self.pad.show_answer)
        controller.answerFailed.connect(self._read_failed)

    def _make_latent(self) -> LatentView:
        view = LatentView()
        view.set_decoder(self.controller.decode)
        self.controller.codeDecoded.connect(view.show_decoded)
        return view

    def _make_sequence(self) -> SequenceView:
        view = SequenceView()
        view.sampleChosen.connect(self._choose_sample)
        return view

    @property
    def latent(self) -> LatentView:
        return self.latent_slot.view

    @property
    def sequence(self) -> SequenceView:
        return self.sequence_slot.view

    # ---- following the project -----------------------------------------------------------
    def follow(self, spec: NetworkSpec, dataset: Dataset) -> None:
        """Show the docks that apply (raising newly applicable ones), hide the others.

        A dock is shown or hidden only when that changes (or the first time, after the
        window restored its last layout), so a dock the user closed stays closed."""
        applies = applicable(spec, dataset)
        raised = False
        for title, now in applies.items():
            if now != self._applies.get(title):
                self.docks[title].setVisible(now)
                if now and title != "Output" and not raised:
                    # The first view that now applies, once the window is on screen (a tab
                    # raised before that does not stay raised).
                    QTimer.singleShot(0, self.docks[title], self.docks[title].raise_)
                    raised = True
        self._applies = applies
        count = len(dataset.x_test) or len(dataset.x_train)
        if count != self._count:
            self._count = count
            self.feature_maps.set_count(count)
            self.sequence_slot.call("set_count", count)
        shape = tuple(spec.of_kind("Input")[0].params["shape"]) if spec.of_kind("Input") else ()
        self.pad.set_input_shape(shape)

    # ---- frames --------------------------------------------------------------------------
    @Slot(object)
    def show_frame(self, frame: Frame) -> None:
        self._frame = frame
        if not self.controller.loaded:  # a new preview: new weights or a new network
            self.pad.invalidate()
        for gate in self.gates:
            gate.show_frame(frame)

    # ---- choosing what the probes look at ------------------------------------------------
    @Slot(str, str)
    def _read_failed(self, kind: str, why: str) -> None:
        if kind == "decode":
            self.latent.show_problem(why)
        elif kind == "read_image":
            self.pad.show_problem(why)

    @Slot(int)
    def _choose_sample(self, index: int) -> None:
        self.controller.set_probe_sample(index)

    @Slot(int)
    def _inspect_mistake(self, tile: int) -> None:
        """A click on a misclassified image shows that sample's feature maps."""
        probe = self._frame.image if self._frame is not None else None
        if probe is None or probe.mistakes is None or tile >= len(probe.mistakes):
            return
        self.feature_maps.chooser.spin.setValue(int(probe.mistakes[tile]))
        if not self.docks["Feature maps"].isHidden():
            self.docks["Feature maps"].raise_()

    @Slot(object)
    def _drawing_changed(self, drawing: np.ndarray | None) -> None:
        """A drawing becomes the sample the training process probes; a cleared pad gives
        the chosen test sample back."""
        if drawing is None:
            self.controller.set_probe_sample(self.feature_maps.chooser.spin.value(),
                                             redraw=False)
        else:
            self.controller.set_probe_sample(drawing, redraw=False)
