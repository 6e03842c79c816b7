"""The canvas view: zoom, pan, rubber-band selection, and drops from the palette."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, QTimer, Signal, Slot
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QMouseEvent,
    QPainter,
    QPen,
    QWheelEvent,
)
from PySide6.QtWidgets import QApplication, QGraphicsView

from playground.core.layout import FIT_MARGIN
from playground.gui.canvas.palette import kind_from_mime
from playground.gui.canvas.scene import NetworkScene

GRID = 24.0
ZOOM_RANGE = (0.2, 4.0)
MAX_FIT_ZOOM = 2.0  # a small network is shown this large at most when fitted


class NetworkView(QGraphicsView):
    """Shows the scene; the wheel zooms, the middle button pans, palette drops add layers.

    The view keeps the network fitted (on every resize) until the user zooms or pans; Fit
    Network (Ctrl+0) fits again and keeps it fitted from then on.
    """

    zoomChanged = Signal(float)

    def __init__(self, scene: NetworkScene):
        super().__init__(scene)
        self.setRenderHints(QPainter.RenderHint.Antialiasing
                            | QPainter.RenderHint.TextAntialiasing)
        self.setAcceptDrops(True)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        # The dotted grid is drawn once per zoom, scroll or resize, not under every repaint
        # of a live frame's pictures and weight lines.
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)
        self.setToolTip("")
        self._pan_from: QPointF | None = None
        self._refit = QTimer(self, singleShot=True, interval=0)
        self._refit.timeout.connect(self._follow)
        scene.sceneRectChanged.connect(self._refit.start)  # the network grew: fit it again
        self.auto_fit = False
        self._set_auto_fit(True)

    def network_scene(self) -> NetworkScene:
        scene = self.scene()
        assert isinstance(scene, NetworkScene)
        return scene

    # ---- zoom and pan --------------------------------------------------------------------
    def zoom(self) -> float:
        return self.transform().m11()

    def _set_auto_fit(self, on: bool) -> None:
        """Fitted views need no scroll bars; zoomed or panned ones show where they are."""
        if on == self.auto_fit:
            return
        self.auto_fit = on
        if not on:
            self.setSceneRect(QRectF())  # room to pan over the whole scene again
        policy = Qt.ScrollBarPolicy.ScrollBarAlwaysOff if on else \
            Qt.ScrollBarPolicy.ScrollBarAsNeeded
        self.setHorizontalScrollBarPolicy(policy)
        self.setVerticalScrollBarPolicy(policy)

    def zoom_by(self, factor: float) -> None:
        """The user's zoom: the view stops following resizes until the next fit."""
        self._set_auto_fit(False)
        self._scale_to(self.zoom() * factor)

    def _scale_to(self, zoom: float) -> None:
        new = min(max(zoom, ZOOM_RANGE[0]), ZOOM_RANGE[1])
        self.scale(new / self.zoom(), new / self.zoom())
        self.zoomChanged.emit(self.zoom())

    def fit(self) -> None:
        """Show the whole network (Ctrl+0), and keep it fitted as the view is resized."""
        self._set_auto_fit(True)
        nodes = self.network_scene().nodes.values()
        if not nodes:
            return
        rect = QRectF()
        for node in nodes:
            rect |= node.sceneBoundingRect()
        margin = FIT_MARGIN
        rect = rect.adjusted(-margin, -margin, margin, margin)
        self.setSceneRect(rect)  # centred in the canvas, whatever else the scene once held
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        if self.zoom() > MAX_FIT_ZOOM:
            self._scale_to(MAX_FIT_ZOOM)
        self.centerOn(rect.center())
        self.zoomChanged.emit(self.zoom())

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._follow()

    @Slot()
    def _follow(self) -> None:
        if self.auto_fit:
            self.fit()

    def arrange_to_fit(self) -> None:
        """Wrap a long network into rows that suit this view, then show it all."""
        size = self.viewport().size()
        self.network_scene().arrange_to_fit((size.width(), size.height()))
        self.fit()

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        steps = event.angleDelta().y() / 120
        if steps:
            self.zoom_by(1.15 ** steps)
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.MiddleButton:
            self._pan_from = event.position()
            self._set_auto_fit(False)
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._pan_from is not None:
            delta = event.position() - self._pan_from
            self._pan_from = event.position()
            self.horizontalScrollBar().setValue(int(self.horizontalScrollBar().value()
                                                    - delta.x()))
            self.verticalScrollBar().setValue(int(self.verticalScrollBar().value() - delta.y()))
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._pan_from is not None and event.button() == Qt.MouseButton.MiddleButton:
            self._pan_from = None
            self.unsetCursor()
            return
        super().mouseReleaseEvent(event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self.resetCachedContent()  # the grid is drawn in the palette's colours
        super().changeEvent(event)

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:  # noqa: N802
        palette = QApplication.palette()
        painter.fillRect(rect, palette.window())
        if self.zoom() < 0.5:
            return
        color = palette.mid().color()
        color.setAlpha(60)
        painter.setPen(QPen(color, 0))
        left = int(rect.left() // GRID) * GRID
        top = int(rect.top() // GRID) * GRID
        x = left
        while x < rect.right():
            y = top
            while y < rect.bottom():
                painter.drawPoint(QPointF(x, y))
                y += GRID
            x += GRID

    # ---- drops from the palette ----------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if kind_from_mime(event.mimeData()):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802
        if kind_from_mime(event.mimeData()):
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        kind = kind_from_mime(event.mimeData())
        if kind is None:
            super().dropEvent(event)
            return
        self.network_scene().add_layer(kind, self.mapToScene(event.position().toPoint()))
        event.acceptProposedAction()
        self.setFocus()
