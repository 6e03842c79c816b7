"""Graphics items of the canvas: layer nodes with ports, and the edges between them.

Items only draw what the scene tells them; they never hold the architecture themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
)
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsItem,
    QGraphicsObject,
    QGraphicsPathItem,
    QGraphicsSceneMouseEvent,
    QStyleOptionGraphicsItem,
    QWidget,
)

from playground.core.layers import KINDS
from playground.gui.theme import ERROR, GROUP_COLORS, is_dark

NODE_WIDTH = 176.0
NODE_HEIGHT = 84.0
PORT_RADIUS = 6.0


@dataclass(frozen=True)
class NodeView:
    """What a node shows: computed by the scene from the spec and its analysis."""

    layer_id: str
    kind: str
    title: str
    settings: str
    shape: str
    params: int | None
    errors: tuple[str, ...]


class PortItem(QGraphicsItem):
    """An input (left) or output (right) connector of a node."""

    def __init__(self, node: NodeItem, output: bool):
        super().__init__(node)
        self.node = node
        self.output = output
        self.setPos(NODE_WIDTH if output else 0.0, NODE_HEIGHT / 2)
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setToolTip("Drag to an input to connect" if output
                        else "Drag onto here from an output; drag away to reroute")
        self._hover = False

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        r = PORT_RADIUS + 4
        return QRectF(-r, -r, 2 * r, 2 * r)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        color = GROUP_COLORS[KINDS[self.node.view.kind].group]
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(color.darker(130), 1.5))
        painter.setBrush(color.lighter(140) if self._hover else QApplication.palette().base())
        radius = PORT_RADIUS + (2 if self._hover else 0)
        painter.drawEllipse(QPointF(0, 0), radius, radius)

    def hoverEnterEvent(self, event) -> None:  # noqa: N802
        self._hover = True
        self.update()

    def hoverLeaveEvent(self, event) -> None:  # noqa: N802
        self._hover = False
        self.update()

    def anchor(self) -> QPointF:
        return self.scenePos()

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self.scene().begin_link(self)
            event.accept()

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        self.scene().drag_link(event.scenePos())

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        self.scene().end_link(event.scenePos())


class NodeItem(QGraphicsObject):
    """A layer on the canvas: kind, settings, output shape, parameter count, problems."""

    def __init__(self, view: NodeView):
        super().__init__()
        self.view = view
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsMovable
                      | QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
                      | QGraphicsItem.GraphicsItemFlag.ItemSendsScenePositionChanges)
        self.setAcceptHoverEvents(True)
        self.setZValue(1)
        kind = KINDS[view.kind]
        self.input_port = PortItem(self, output=False) if kind.max_inputs != 0 else None
        self.output_port = PortItem(self, output=True) if kind.has_output else None
        self.set_view(view)

    @property
    def layer_id(self) -> str:
        return self.view.layer_id

    def set_view(self, view: NodeView) -> None:
        self.view = view
        tip = f"<b>{view.title}</b><br>{KINDS[view.kind].summary}<br>{view.settings}"
        tip += f"<br>output: {view.shape}"
        if view.errors:
            tip += "".join(f"<br><span style='color:{ERROR.name()}'>⚠ {e}</span>"
                           for e in view.errors)
        self.setToolTip(tip)
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802
        return QRectF(-3, -3, NODE_WIDTH + 6, NODE_HEIGHT + 6)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        palette = QApplication.palette()
        color = GROUP_COLORS[KINDS[self.view.kind].group]
        rect = QRectF(0, 0, NODE_WIDTH, NODE_HEIGHT)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        border = ERROR if self.view.errors else color.darker(115)
        width = 2.5 if self.isSelected() or self.view.errors else 1.2
        if self.isSelected():
            border = palette.highlight().color()
        painter.setPen(QPen(border, width))
        painter.setBrush(palette.base())
        painter.drawRoundedRect(rect, 8, 8)
        header = QPainterPath()
        header.setFillRule(Qt.FillRule.WindingFill)
        header.addRoundedRect(QRectF(0, 0, NODE_WIDTH, 24), 8, 8)
        header.addRect(QRectF(0, 12, NODE_WIDTH, 12))
        painter.fillPath(header.simplified(), color if not is_dark() else color.darker(120))
        self._text(painter, QRectF(10, 2, NODE_WIDTH - 20, 20), self.view.title,
                   QColor("white"), bold=True)
        text = palette.text().color()
        self._text(painter, QRectF(10, 28, NODE_WIDTH - 20, 18), self.view.settings, text)
        if self.view.errors:
            self._text(painter, QRectF(10, 60, NODE_WIDTH - 20, 18), "⚠ " + self.view.errors[0],
                       ERROR, bold=True)
            self._text(painter, QRectF(10, 45, NODE_WIDTH - 20, 16), self.view.shape,
                       palette.placeholderText().color())
        else:
            params = "" if self.view.params is None else f"{self.view.params:,} params"
            self._text(painter, QRectF(10, 46, NODE_WIDTH - 20, 16), f"→ {self.view.shape}",
                       text)
            self._text(painter, QRectF(10, 62, NODE_WIDTH - 20, 16), params,
                       palette.placeholderText().color())

    @staticmethod
    def _text(painter: QPainter, rect: QRectF, text: str, color: QColor,
              bold: bool = False) -> None:
        font = QFont(QApplication.font())
        font.setBold(bold)
        painter.setFont(font)
        painter.setPen(color)
        elided = QFontMetricsF(font).elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, elided)

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: object) -> object:  # noqa: N802
        if change == QGraphicsItem.GraphicsItemChange.ItemScenePositionHasChanged:
            scene = self.scene()
            if scene is not None:
                scene.node_moved(self)
        return super().itemChange(change, value)


def edge_path(start: QPointF, end: QPointF) -> QPainterPath:
    """A smooth S-curve from an output port to an input port."""
    path = QPainterPath(start)
    bend = max(40.0, abs(end.x() - start.x()) / 2)
    path.cubicTo(start + QPointF(bend, 0), end - QPointF(bend, 0), end)
    return path


class EdgeItem(QGraphicsPathItem):
    """A connection between two nodes; selectable and deletable."""

    def __init__(self, source: NodeItem, target: NodeItem):
        super().__init__()
        self.source, self.target = source, target
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setAcceptHoverEvents(True)
        self.setZValue(0)
        self.setToolTip(f"{source.view.title} → {target.view.title}  (select and press Delete "
                        "to remove; drag its input end to reroute)")
        self._hover = False
        self.refresh()

    @property
    def key(self) -> tuple[str, str]:
        return self.source.layer_id, self.target.layer_id

    def refresh(self) -> None:
        """Follow the ports after a node moved."""
        assert self.source.output_port is not None and self.target.input_port is not None
        self.prepareGeometryChange()
        self.setPath(edge_path(self.source.output_port.anchor(),
                               self.target.input_port.anchor()))

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(14)
        return stroker.createStroke(self.path())

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        palette = QApplication.palette()
        color = palette.highlight().color() if self.isSelected() else \
            palette.placeholderText().color()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(color, 3.0 if self._hover or self.isSelected() else 2.0))
        painter.setBrush(QBrush())
        painter.drawPath(self.path())

    def hoverEnterEvent(self, event) -> None:  # noqa: N802
        self._hover = True
        self.update()

    def hoverLeaveEvent(self, event) -> None:  # noqa: N802
        self._hover = False
        self.update()
