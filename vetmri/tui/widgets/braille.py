"""A dot canvas drawn with Unicode braille characters: 2 x 4 dots per terminal cell.

Pure Python (no Textual): :class:`BrailleCanvas` sets dots by layer, draws lines between
points, and returns per cell the character and the highest layer that has a dot in it, so
a widget can colour data over limits.
"""

from __future__ import annotations

__all__ = ["BrailleCanvas"]

# dot bit of (column 0-1, row 0-3) inside a cell (Unicode braille patterns U+2800-U+28FF)
_BITS = ((0x01, 0x02, 0x04, 0x40), (0x08, 0x10, 0x20, 0x80))


class BrailleCanvas:
    """A ``cols`` x ``rows`` cell canvas of ``2 cols`` x ``4 rows`` dots.

    Dot coordinates: x from 0 (left) to ``2 cols - 1``, y from 0 (top) to ``4 rows - 1``.
    """

    def __init__(self, cols: int, rows: int) -> None:
        self.cols = max(1, cols)
        self.rows = max(1, rows)
        self._bits = [[0] * self.cols for _ in range(self.rows)]
        self._layer = [[0] * self.cols for _ in range(self.rows)]

    @property
    def width(self) -> int:
        """Dots across."""
        return 2 * self.cols

    @property
    def height(self) -> int:
        """Dots down."""
        return 4 * self.rows

    def dot(self, x: int, y: int, layer: int = 1) -> None:
        """Set one dot (outside the canvas: ignored); ``layer`` ranks it for colouring."""
        if not (0 <= x < self.width and 0 <= y < self.height):
            return
        row, col = y // 4, x // 2
        self._bits[row][col] |= _BITS[x % 2][y % 4]
        self._layer[row][col] = max(self._layer[row][col], layer)

    def line(self, x0: int, y0: int, x1: int, y1: int, layer: int = 1) -> None:
        """A straight line of dots (Bresenham)."""
        dx, dy = abs(x1 - x0), -abs(y1 - y0)
        sx, sy = (1 if x0 < x1 else -1), (1 if y0 < y1 else -1)
        err = dx + dy
        while True:
            self.dot(x0, y0, layer)
            if x0 == x1 and y0 == y1:
                return
            e2 = 2 * err
            if e2 >= dy:
                err += dy
                x0 += sx
            if e2 <= dx:
                err += dx
                y0 += sy

    def dashed(self, y: int, layer: int = 1, *, on: int = 2, off: int = 2) -> None:
        """A horizontal dashed line across the canvas at dot row ``y``."""
        for x in range(self.width):
            if x % (on + off) < on:
                self.dot(x, y, layer)

    def cells(self) -> list[list[tuple[str, int]]]:
        """Per cell row, per cell: (character, highest layer of its dots; 0 = empty)."""
        return [[(chr(0x2800 + bits) if bits else " ", layer) for bits, layer in zip(bit_row, layer_row)]
                for bit_row, layer_row in zip(self._bits, self._layer)]
