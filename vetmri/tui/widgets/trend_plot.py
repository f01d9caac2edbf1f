"""A QA measure over time in the terminal: braille dots, the limits as dashed lines.

The widget is given a :class:`vetmri.qa.history.Trend` (attributes down) and draws it at
its own size: a title line, the y axis labelled with its range, the values joined by a
line (red where a run failed), the limits dashed (yellow), and the first and last dates
under the plot. No data: a sentence saying so.
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from vetmri.tui.widgets.braille import BrailleCanvas

__all__ = ["TrendPlot"]

_LIMIT, _LINE, _FAIL = 1, 2, 3
_STYLE = {_LIMIT: "yellow", _LINE: "green", _FAIL: "bold red"}
_LABEL_WIDTH = 8


def _label(value: float) -> str:
    text = f"{value:.4g}"
    return text[:_LABEL_WIDTH - 1].rjust(_LABEL_WIDTH - 1) + " "


class TrendPlot(Widget):
    """The trend of one QA measure (set :attr:`trend`, then it redraws)."""

    DEFAULT_CSS = """
    TrendPlot {
        height: 10;
        min-width: 24;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._trend = None

    @property
    def trend(self):
        return self._trend

    @trend.setter
    def trend(self, value) -> None:
        self._trend = value
        self.refresh()

    def render(self) -> Text:
        t = self._trend
        width, height = self.size.width, self.size.height
        if t is None or not t.values:
            return Text("No QA results to plot yet: press r to run QA.", style="dim")
        unit = f" ({t.unit})" if t.unit else ""
        title = f"{t.label}{unit}"
        out = Text(title, style="bold")
        if width >= len(title) + 23:  # the legend where it fits on the title line
            out.append("  ── values  ", style=_STYLE[_LINE])
            out.append("-- limits", style=_STYLE[_LIMIT])
        out.append("\n")
        cols, rows = max(width - _LABEL_WIDTH, 4), max(height - 2, 2)
        canvas = BrailleCanvas(cols, rows)
        bounds = [v for v in (*t.values, t.low, t.high) if v is not None]
        lo, hi = min(bounds), max(bounds)
        pad = 0.1 * (hi - lo) if hi > lo else max(abs(hi) * 0.05, 1e-9)
        lo, hi = lo - pad, hi + pad

        def y_of(value: float) -> int:
            return int(round((hi - value) / (hi - lo) * (canvas.height - 1)))

        start, end = t.times[0].timestamp(), t.times[-1].timestamp()
        span = end - start

        def x_of(index: int) -> int:
            if span <= 0:
                return int(round(index / max(len(t.values) - 1, 1) * (canvas.width - 1)))
            return int(round((t.times[index].timestamp() - start) / span * (canvas.width - 1)))

        for limit in (t.low, t.high):
            if limit is not None:
                canvas.dashed(y_of(limit), _LIMIT)
        points = [(x_of(i), y_of(v)) for i, v in enumerate(t.values)]
        for i, ((x0, y0), (x1, y1)) in enumerate(zip(points, points[1:])):
            canvas.line(x0, y0, x1, y1, _FAIL if not t.passed[i + 1] else _LINE)
        for (x, y), ok in zip(points, t.passed):
            layer = _LINE if ok else _FAIL
            for dx, dy in ((0, 0), (1, 0), (0, 1), (1, 1)):
                canvas.dot(x + dx - (1 if x >= canvas.width - 1 else 0), y + dy - (1 if y >= canvas.height - 1 else 0),
                           layer)
        labels = {0: _label(hi), rows - 1: _label(lo)}
        for r, cells in enumerate(canvas.cells()):
            out.append(labels.get(r, " " * _LABEL_WIDTH), style="dim")
            for char, layer in cells:
                out.append(char, style=_STYLE.get(layer, ""))
            out.append("\n")
        form = "%Y-%m-%d" if cols >= 21 else "%b %y"  # two dates and a space, or short ones
        first, last = t.times[0].strftime(form), t.times[-1].strftime(form)
        gap = max(cols - len(first) - len(last), 1)
        out.append(" " * _LABEL_WIDTH + first + " " * gap + (last if len(t.times) > 1 else ""), style="dim")
        return out
