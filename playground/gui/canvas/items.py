"""Graphics items of the canvas: layer nodes with ports, and the edges between them.

Items only draw what the scene tells them; they never hold the architecture themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
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
    QPixmap,
)
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsItem,
    QGraphicsObject,
    QGraphicsPathItem,
    QGraphicsPixmapItem,
    QGraphicsSceneHoverEvent,
    QGraphicsSceneMouseEvent,
    QStyleOptionGraphicsItem,
    QToolTip,
    QWidget,
)

from playground.core.layers import KINDS
from playground.gui.plots.colormaps import diverging_lut, own_levels, to_qimage
from playground.gui.theme import ERROR, GROUP_COLORS, NEGATIVE, POSITIVE, is_dark

NODE_WIDTH = 176.0
NODE_HEIGHT = 84.0
PORT_RADIUS = 6.0
THUMB = 28.0  # a unit's picture inside its node
THUMB_GAP = 4.0
THUMBS_PER_ROW = 5
MAX_THUMBS = 10
PREVIEW = 150.0  # the enlarged picture shown on hover
WEIGHT_LINES_MAX = 64  # draw each weight of an edge up to this many, else a summary
WRAP_MIN_DROP = 80.0  # an edge going back left and down this far wraps between rows
WRAP_RADIUS = 24.0
WRAP_LANES = 24.0  # how wide the bundle of weight lines of a wrapping edge runs
WEIGHT_PEN = (0.6, 4.0)  # a weight line's width: the thinnest, plus this much for the largest
SUMMARY_PEN = (1.5, 3.0)  # the summary line's width: the same, by the weights' RMS
WIDEST_PEN = max(sum(WEIGHT_PEN), sum(SUMMARY_PEN), 3.0)  # 3: a selected or hovered edge


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


class _Highlight:
    """Items drawn bolder while the mouse is over them."""

    _hover = False

    def hoverEnterEvent(self, event) -> None:  # noqa: N802
        self._hover = True
        self.update()

    def hoverLeaveEvent(self, event) -> None:  # noqa: N802
        self._hover = False
        self.update()


class PortItem(_Highlight, QGraphicsItem):
    """An input (left) or output (right) connector of a node."""

    def __init__(self, node: NodeItem, output: bool):
        super().__init__(node)
        self.node = node
        self.output = output
        self.place()
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setToolTip("Drag to an input to connect" if output
                        else "Drag onto here from an output; drag away to reroute")

    def place(self) -> None:
        """Sit on the middle of the node's left or right side."""
        self.setPos(NODE_WIDTH if self.output else 0.0, self.node.height / 2)

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
        self.height = NODE_HEIGHT
        self._thumbs: list[QPixmap] = []
        self._more = 0
        self._maps: np.ndarray | None = None
        self._levels: list[tuple[float, float]] = []  # each picture's colour levels
        self._preview = QGraphicsPixmapItem(self)
        self._preview.setZValue(10)
        self._preview.hide()
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
        self._tip = tip
        if not self._preview.isVisible():
            self.setToolTip(tip)
        self.update()

    def boundingRect(self) -> QRectF:  # noqa: N802
        return QRectF(-3, -3, NODE_WIDTH + 6, self.height + 6)

    # ---- unit pictures -------------------------------------------------------------------
    def set_pictures(self, maps: np.ndarray | None, levels: tuple[float, float],
                     own_scale: bool = False) -> None:
        """Each unit's output over the input plane (units, h, w), or curves (units, n),
        coloured over `levels`, or with `own_scale` over each unit's own range."""
        shown = [] if maps is None else maps[:MAX_THUMBS]
        self._levels = [own_levels(m, levels) if own_scale else levels for m in shown]
        self._thumbs = [_picture(m, lv, int(THUMB)) for m, lv in zip(shown, self._levels,
                                                                       strict=True)]
        self._more = 0 if maps is None else max(0, len(maps) - MAX_THUMBS)
        self._maps = maps
        rows = -(-len(self._thumbs) // THUMBS_PER_ROW)
        height = NODE_HEIGHT + (rows * (THUMB + THUMB_GAP) + 2 if rows else 0)
        if height != self.height:
            self.prepareGeometryChange()
            self.height = height
            for port in (self.input_port, self.output_port):
                if port is not None:
                    port.place()
            scene = self.scene()
            if scene is not None:
                scene.node_moved(self)
        self.update()

    def _thumb_rect(self, index: int) -> QRectF:
        row, column = divmod(index, THUMBS_PER_ROW)
        top = NODE_HEIGHT - 2 + row * (THUMB + THUMB_GAP)
        return QRectF(10 + column * (THUMB + THUMB_GAP), top, THUMB, THUMB)

    def hoverMoveEvent(self, event: QGraphicsSceneHoverEvent) -> None:  # noqa: N802
        index = next((i for i in range(len(self._thumbs))
                      if self._thumb_rect(i).contains(event.pos())), None)
        if index is None or self._maps is None:
            self._hide_preview()
            return
        self._preview.setPixmap(_preview_picture(self._maps[index], self._levels[index],
                                                 f"unit {index + 1}"))
        self._preview.setPos(NODE_WIDTH + 12, self._thumb_rect(index).center().y() - PREVIEW / 2)
        self._preview.show()
        # The node's tooltip would cover the enlarged picture: none while it shows.
        self.setToolTip("")
        QToolTip.hideText()
        self.setZValue(5)

    def hoverLeaveEvent(self, event: QGraphicsSceneHoverEvent) -> None:  # noqa: N802
        self._hide_preview()

    def _hide_preview(self) -> None:
        if self._preview.isVisible():
            self._preview.hide()
            self.setToolTip(self._tip)
            self.setZValue(1)

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        self.scene().nodeActivated.emit(self.layer_id)

    def unit_anchor(self, index: int, count: int, output: bool) -> QPointF:
        """Where the weight lines of unit `index` of `count` meet this node's side."""
        y = self.height * (index + 1) / (count + 1)
        return self.scenePos() + QPointF(NODE_WIDTH if output else 0.0, y)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        palette = QApplication.palette()
        color = GROUP_COLORS[KINDS[self.view.kind].group]
        rect = QRectF(0, 0, NODE_WIDTH, self.height)
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
        for i, thumb in enumerate(self._thumbs):
            target = self._thumb_rect(i)
            painter.drawPixmap(target.toRect(), thumb)
            painter.setPen(QPen(palette.mid().color(), 0.8))
            painter.setBrush(QBrush())
            painter.drawRect(target)
        if self._more:  # the units without a picture, beside the parameter count
            self._text(painter, QRectF(10, 62, NODE_WIDTH - 20, 16), f"+{self._more} more",
                       palette.placeholderText().color(), align=Qt.AlignmentFlag.AlignRight)

    @staticmethod
    def _text(painter: QPainter, rect: QRectF, text: str, color: QColor,
              bold: bool = False, align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft) -> None:
        font = QFont(QApplication.font())
        font.setBold(bold)
        painter.setFont(font)
        painter.setPen(color)
        elided = QFontMetricsF(font).elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(rect, align | Qt.AlignmentFlag.AlignVCenter, elided)

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: object) -> object:  # noqa: N802
        if change == QGraphicsItem.GraphicsItemChange.ItemScenePositionHasChanged:
            scene = self.scene()
            if scene is not None:
                scene.node_moved(self)
        return super().itemChange(change, value)


def edge_path(start: QPointF, end: QPointF, middle: float | None = None) -> QPainterPath:
    """A smooth S-curve from an output port to an input port, or a wrap to a lower row.

    A wrap runs back between the rows at height `middle` (default: halfway).
    """
    if wraps(start, end):
        return _wrap_path(start, end, (start.y() + end.y()) / 2 if middle is None else middle)
    path = QPainterPath(start)
    bend = max(40.0, abs(end.x() - start.x()) / 2)
    path.cubicTo(start + QPointF(bend, 0), end - QPointF(bend, 0), end)
    return path


def wraps(start: QPointF, end: QPointF) -> bool:
    """Whether a connection goes back to a row below (or above): it then wraps between rows."""
    return end.x() < start.x() and abs(end.y() - start.y()) >= WRAP_MIN_DROP


def _wrap_path(start: QPointF, end: QPointF, middle: float) -> QPainterPath:
    """Out of the right side, back along `middle` between the rows, in from the left."""
    down = 1.0 if end.y() > start.y() else -1.0
    r = max(0.0, min(WRAP_RADIUS, abs(middle - start.y()) / 2, abs(end.y() - middle) / 2))
    right, left = start.x() + WRAP_RADIUS, end.x() - WRAP_RADIUS
    path = QPainterPath(start)
    for corner, turn_in, turn_out in (
            (QPointF(right, start.y()), QPointF(-r, 0), QPointF(0, down * r)),
            (QPointF(right, middle), QPointF(0, -down * r), QPointF(-r, 0)),
            (QPointF(left, middle), QPointF(r, 0), QPointF(0, down * r)),
            (QPointF(left, end.y()), QPointF(0, -down * r), QPointF(r, 0))):
        path.lineTo(corner + turn_in)
        path.quadTo(corner, corner + turn_out)
    path.lineTo(end)
    return path


class EdgeItem(_Highlight, QGraphicsPathItem):
    """A connection between two nodes; selectable and deletable.

    With weights it draws a fan of lines, one per weight, from unit to unit (or one summary
    line); its bounding rectangle holds the whole fan and the widest pen, so that Qt
    repaints all of it and leaves nothing behind when it changes or goes.
    """

    def __init__(self, source: NodeItem, target: NodeItem):
        super().__init__()
        self.source, self.target = source, target
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setAcceptHoverEvents(True)
        self.setZValue(0)
        self.weights: np.ndarray | None = None
        self._fan: list[QPainterPath] = []  # one path per weight, row-major
        self._bounds = QRectF()
        self.refresh()

    def set_weights(self, weights: np.ndarray | None) -> None:
        """The target's weight matrix (out × in) for the lines drawn on this edge."""
        reshaped = (None if weights is None else weights.shape) != \
            (None if self.weights is None else self.weights.shape)
        self.weights = weights
        if reshaped:
            self._layout_fan()
        self._set_tip()
        self.update()

    def _set_tip(self) -> None:
        tip = f"{self.source.view.title} → {self.target.view.title}"
        w = self.weights
        if w is None:
            tip += "  (select and press Delete to remove; drag its input end to reroute)"
        else:
            share = float((w > 0).mean()) if w.size else 0.0
            tip += (f"\nweights {w.shape[0]}×{w.shape[1]}: mean |w| "
                    f"{float(np.abs(w).mean()):.3f}, {share:.0%} positive "
                    "(blue +, orange −; thicker = larger)")
        self.setToolTip(tip)

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        self.scene().nodeActivated.emit(self.target.layer_id)

    @property
    def key(self) -> tuple[str, str]:
        return self.source.layer_id, self.target.layer_id

    def refresh(self) -> None:
        """Follow the ports after a node moved, grew or was renamed."""
        assert self.source.output_port is not None and self.target.input_port is not None
        start, end = self.source.output_port.anchor(), self.target.input_port.anchor()
        self.middle = self._free_middle(start, end) if wraps(start, end) else \
            (start.y() + end.y()) / 2
        self.setPath(edge_path(start, end, self.middle))
        self._layout_fan()
        self._set_tip()

    def _layout_fan(self) -> None:
        """The lines of each weight, unit to unit, and the rectangle that holds them all."""
        w = self.weights
        self._fan = []
        if w is not None and 0 < w.size <= WEIGHT_LINES_MAX:
            out_count, in_count = w.shape
            for i in range(out_count):
                end = self.target.unit_anchor(i, out_count, output=False)
                for j in range(in_count):
                    start = self.source.unit_anchor(j, in_count, output=True)
                    lane = WRAP_LANES * ((i * in_count + j) / max(1, w.size - 1) - 0.5)
                    self._fan.append(edge_path(start, end, self.middle + lane))
        rect = self.path().boundingRect()
        for path in self._fan:
            rect |= path.boundingRect()
        pad = WIDEST_PEN / 2 + 1.0
        rect.adjust(-pad, -pad, pad, pad)
        if rect != self._bounds:
            self.prepareGeometryChange()
            self._bounds = rect

    def boundingRect(self) -> QRectF:  # noqa: N802 (Qt's name)
        return self._bounds

    def _free_middle(self, start: QPointF, end: QPointF) -> float:
        """Where a wrap runs back: the middle of the widest gap between the nodes it passes."""
        low, high = sorted((start.y(), end.y()))
        left, right = end.x() - WRAP_RADIUS, start.x() + WRAP_RADIUS
        scene = self.source.scene()
        rects = [item.sceneBoundingRect() for item in (scene.items() if scene else [])
                 if isinstance(item, NodeItem)]
        spans = sorted((r.top(), r.bottom()) for r in rects
                       if r.left() < right and r.right() > left)
        best, widest, reached = (low + high) / 2, 0.0, low
        for top, bottom in [*spans, (high, high)]:
            gap_end = min(top, high)
            if gap_end - reached > widest:
                best, widest = (reached + gap_end) / 2, gap_end - reached
            reached = max(reached, bottom)
        return best

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
        painter.setBrush(QBrush())
        w = self.weights
        if w is None or self.isSelected():
            painter.setPen(QPen(color, 3.0 if self._hover or self.isSelected() else 2.0))
            painter.drawPath(self.path())
        elif self._fan:
            self._paint_each_weight(painter, w)
        else:
            self._paint_summary(painter, w)

    def _paint_each_weight(self, painter: QPainter, w: np.ndarray) -> None:
        """One line per weight, unit to unit: colour by sign, thickness by size."""
        biggest = float(np.abs(w).max()) or 1.0
        for path, value in zip(self._fan, w.ravel(), strict=True):
            painter.setPen(_weight_pen(float(value), biggest))
            painter.drawPath(path)

    def _paint_summary(self, painter: QPainter, w: np.ndarray) -> None:
        """Too many weights to draw: one line, coloured by the balance of signs."""
        positive = float((w > 0).mean())
        pen = _weight_pen(positive - 0.5, 0.5)
        rms = float(np.sqrt((w ** 2).mean()))
        pen.setWidthF(SUMMARY_PEN[0] + SUMMARY_PEN[1] * min(1.0, rms))
        painter.setPen(pen)
        painter.drawPath(self.path())



def _weight_pen(value: float, biggest: float) -> QPen:
    color = QColor(POSITIVE if value > 0 else NEGATIVE)
    strength = min(1.0, abs(value) / biggest)
    color.setAlphaF(0.35 + 0.65 * strength)
    return QPen(color, WEIGHT_PEN[0] + WEIGHT_PEN[1] * strength)


def _preview_picture(values: np.ndarray, levels: tuple[float, float], caption: str
                     ) -> QPixmap:
    """The enlarged picture of a unit, captioned with its name and the range of its output y."""
    pixmap = _picture(values, levels, int(PREVIEW))
    painter = QPainter(pixmap)
    font = QFont(QApplication.font())
    painter.setFont(font)
    finite = values[np.isfinite(values)]
    text = caption if not finite.size else \
        f"{caption}: y {float(finite.min()):.3g} … {float(finite.max()):.3g}"
    box = QFontMetricsF(font).boundingRect(text).adjusted(-3, -1, 3, 1)
    box.moveTopLeft(QPointF(2, 2))
    painter.fillRect(box, QColor(255, 255, 255, 210))
    painter.setPen(QColor("#202124"))
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    return pixmap


def _picture(values: np.ndarray, levels: tuple[float, float], size: int) -> QPixmap:
    """A unit's picture: a heat map (2-D input) or a curve (1-D input), `size` pixels."""
    if values.ndim == 2:
        image = to_qimage(values, levels, diverging_lut())
        return QPixmap.fromImage(image).scaled(size, size)
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor("#f3f4f6"))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    lo, hi = levels
    xs = np.linspace(1, size - 1, len(values))
    ys = size - 1 - (np.clip(values, lo, hi) - lo) / ((hi - lo) or 1.0) * (size - 2)
    path = QPainterPath(QPointF(xs[0], ys[0]))
    for x, y in zip(xs[1:], ys[1:], strict=True):
        path.lineTo(QPointF(x, y))
    painter.setPen(QPen(POSITIVE, max(1.0, size / 40)))
    painter.drawPath(path)
    painter.end()
    return pixmap
