"""The exam plan as a table: one row per series, the parameters an operator may change."""

from __future__ import annotations

from textual.message import Message
from textual.widgets import DataTable

from vetmri.protocols.plan import ExamPlan, SeriesPlan
from vetmri.tui.widgets.table_fill import fill_table

__all__ = ["COLUMNS", "PlanTable", "minutes"]

#: (column key, heading, the override key it edits or None).
COLUMNS = (
    ("name", "series", None),
    ("sequence", "seq", None),
    ("te", "TE ms", "te_ms"),
    ("tr", "TR ms", "tr_ms"),
    ("ti", "TI ms", "ti_ms"),
    ("fov", "FOV mm", "fov_mm"),
    ("matrix", "matrix", "matrix"),
    ("slices", "sl", "slices"),
    ("averages", "av", "averages"),
    ("accel", "R", "acceleration"),
    ("time", "time", None),
    ("snr", "SNR", None),
)


#: Longest text of the wide columns (the full name is in the edit bar and the help).
_WIDTHS = {"name": 17, "sequence": 6}


def minutes(seconds: float) -> str:
    """``m:ss``."""
    whole = int(round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value * 1e3:.4g}"


def cell_values(plan: SeriesPlan) -> dict[str, str]:
    """The text of each column for one series (and what an edit starts from)."""
    p = plan.parameters
    fov = (f"{p.fov_m[0] * 1e3:.0f}" if p.fov_m[0] == p.fov_m[1]
           else f"{p.fov_m[0] * 1e3:.0f},{p.fov_m[1] * 1e3:.0f}")
    return {
        "name": p.name, "sequence": p.sequence, "te": _ms(p.te_s), "tr": _ms(p.tr_s), "ti": _ms(p.ti_s),
        "fov": fov, "matrix": f"{p.matrix[0]},{p.matrix[1]}", "slices": str(p.slices),
        "averages": str(p.averages), "accel": f"{p.acceleration:g}", "time": minutes(plan.scan_time_s),
        "snr": f"{plan.predicted_snr:.1f}",
    }


class PlanTable(DataTable):
    """The series of an :class:`~vetmri.protocols.plan.ExamPlan`; ``enter`` on a cell asks to edit it."""

    DEFAULT_CSS = """
    PlanTable {
        height: 1fr;
    }
    """

    class EditRequested(Message):
        """The operator wants to change ``key`` (an override key) of series ``index``."""

        def __init__(self, index: int, key: str, heading: str, current: str) -> None:
            super().__init__()
            self.index = index
            self.key = key
            self.heading = heading
            self.current = current

    def __init__(self, **kwargs) -> None:
        # No cell padding but one leading space per cell: the whole table fits 80 columns.
        super().__init__(cursor_type="cell", zebra_stripes=True, cell_padding=0, **kwargs)
        self._plan: ExamPlan | None = None

    def on_mount(self) -> None:
        for key, heading, _ in COLUMNS:
            self.add_column(f" {heading}", key=key)

    def show_plan(self, plan: ExamPlan, *, edited: set[tuple[int, str]] = frozenset()) -> None:
        """Draw ``plan``; cells in ``edited`` ((index, override key)) are marked as set by hand."""
        row, column = self.cursor_coordinate
        self._plan = plan
        rows = []
        for index, series in enumerate(plan.series):
            values = cell_values(series)
            cells = []
            for key, _, override in COLUMNS:
                text = values[key][:_WIDTHS.get(key, 12)]
                cells.append(f" [b]{text}*[/b]" if (index, override) in edited else f" {text}")
            rows.append((str(index), cells))
        fill_table(self, [f" {heading}" for _, heading, _ in COLUMNS], rows, keys=[k for k, _, _ in COLUMNS])
        if plan.series:
            self.move_cursor(row=min(row, len(plan.series) - 1), column=column)

    @property
    def selected_index(self) -> int:
        return self.cursor_coordinate.row

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        if self._plan is None:
            return
        key, heading, override = COLUMNS[event.coordinate.column]
        index = event.coordinate.row
        if override is None:
            self.app.notify(f"The {heading} is computed by the planner; change TE, TR, FOV, matrix, slices, "
                            "averages or acceleration instead.", severity="warning")
            return
        self.post_message(self.EditRequested(index, override, heading,
                                             cell_values(self._plan.series[index])[key]))
