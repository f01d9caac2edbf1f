"""Reading a study: its series and the pet's priors, slices, window/level, zoom and pan,
the pixel under the cursor, distances, ROIs, key images and a prior side by side.

Images come from the DICOM files on disk through the core's reader
(:func:`vetmri.viewing.slices.series_slices`), read in workers; measurements and the
choice of the matching prior are the core's (:mod:`vetmri.viewing`); key images are kept
by :mod:`vetmri.records.key_images`.
"""

from __future__ import annotations

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Footer, Label, Static

from vetmri.tui.screens.base import CoreScreen
from vetmri.tui.styles import stylesheet
from vetmri.tui.widgets.slice_image import Mark, SliceImage
from vetmri.tui.widgets.status_header import StatusHeader
from vetmri.tui.widgets.table_fill import fill_table
from vetmri.viewing.measure import distance_mm, roi_statistics
from vetmri.viewing.review import SeriesEntry, first_to_read, matching_prior, position_words
from vetmri.viewing.slices import ViewSeries
from vetmri.viewing.viewport import Viewport
from vetmri.viewing.window import WindowLevel, window_presets

__all__ = ["ReviewScreen"]

SERIES_COLUMNS = ("study", "series", "img")
#: Window change per key press: level by this fraction of the width, width by this factor.
LEVEL_STEP, WIDTH_FACTOR = 0.05, 1.1
#: Keyboard cursor step in image pixels: arrows, shift+arrows.
CURSOR_STEP_PX, CURSOR_BIG_STEP_PX = 1, 8


class ReviewScreen(CoreScreen):
    """The review of the study ``study_id``."""

    TITLE = "Review"
    CSS_PATH = stylesheet("screens/review.tcss")
    BINDINGS = [
        Binding("down,j", "slice(1)", "Next slice", key_display="↓"),
        Binding("up", "slice(-1)", "Prev slice", show=False),
        Binding("home", "slice_to(0)", "First slice", show=False),
        Binding("end", "slice_to(-1)", "Last slice", show=False),
        Binding("pagedown", "series(1)", "Next series", show=False),
        Binding("pageup", "series(-1)", "Previous series", show=False),
        Binding("w", "window_mode", "W/L"),
        Binding("l", "next_preset", "Preset"),
        Binding("plus,equals_sign", "zoom(1.25)", "Zoom", key_display="+"),
        Binding("minus", "zoom(0.8)", "Zoom out", show=False),
        Binding("shift+left", "pan(0,-4)", "Pan left", show=False),
        Binding("shift+right", "pan(0,4)", "Pan right", show=False),
        Binding("shift+up", "pan(-4,0)", "Pan up", show=False),
        Binding("shift+down", "pan(4,0)", "Pan down", show=False),
        Binding("0", "reset_view", "Reset view", show=False),
        Binding("m", "measure", "Measure"),
        Binding("r", "roi", "ROI"),
        Binding("c", "keyboard_cursor", "Cursor"),
        Binding("space", "set_point", "Set point", show=False),
        Binding("k", "key_image", "Key image"),
        Binding("p", "prior", "Prior"),
        Binding("R", "report", "Report", key_display="R"),
        Binding("escape", "back", "Back"),
        Binding("question_mark", "app.help", "Help", key_display="?"),
    ]
    HELP = """
## Review
The series of this study and of the pet's other studies (marked *prior*) on the left;
`enter` or a click shows one. `↑`/`↓` or the mouse wheel step through the slices,
`home`/`end` go to the first/last, `pageup`/`pagedown` to the previous/next series.

- **Window/level**: `l` steps through the presets of the series' contrast (T1, T2, FLAIR,
  ...); `w` then the arrows change it (`←`/`→` width, `↑`/`↓` level); dragging with the
  mouse does too (sideways width, up and down level).
- **Zoom and pan**: `+`/`-`, `shift`+arrows, `0` back to the whole image.
- **Cursor**: the pixel value and its position (L/R, D/V, Cr/Cd, millimetres) under the mouse.
- **Keyboard cursor** (`c`, no mouse needed): a crosshair the arrows move one pixel
  (`shift`+arrows 8 pixels) showing the same readout; `space` sets a point of the distance
  or ROI, as a click does. `c` again (or `escape`) gives the arrows back to the slices.
- **Measure** (`m`): click two points (or `space` twice with the cursor), the distance in
  millimetres. **ROI** (`r`): two corners, the mean and SD in the ellipse between them.
- **Key image** (`k`): marks (or unmarks) the slice shown; key images are kept with the
  study and go into the report.
- **Prior** (`p`): the matching series of the pet's newest other study beside this one, at
  the same slice position; scrolling moves both.
- **Report** (`R`): the report for the referring vet with the key images and a comment;
  a PDF in the study's folder unless another path is typed (`.png`: page 1 as an image).
"""

    class EntriesLoaded(Message):
        def __init__(self, entries: tuple[SeriesEntry, ...], keys: frozenset[str]) -> None:
            super().__init__()
            self.entries = entries
            self.keys = keys

    class SeriesLoaded(Message):
        def __init__(self, entry: SeriesEntry, series: ViewSeries, pane: str) -> None:
            super().__init__()
            self.entry = entry
            self.series = series
            self.pane = pane

    class KeyImagesChanged(Message):
        def __init__(self, keys: frozenset[str], text: str) -> None:
            super().__init__()
            self.keys = keys
            self.text = text

    def __init__(self, study_id: str) -> None:
        super().__init__()
        self.study_id = study_id
        self.entries: tuple[SeriesEntry, ...] = ()
        self.entry: SeriesEntry | None = None
        self.series: ViewSeries | None = None
        self.index = 0
        self.window: WindowLevel | None = None
        self.preset = 0
        self.viewport = Viewport()
        self.prior_entry: SeriesEntry | None = None
        self.prior: ViewSeries | None = None
        self.prior_index = 0
        self.prior_window: WindowLevel | None = None
        self.key_sops: frozenset[str] = frozenset()
        self.tool = ""  # "", "window", "measure", "roi"
        self.points: list[tuple[float, float]] = []
        self.result = ""
        self.cursor = ""
        #: The keyboard cursor's image point (row, col); None: off.
        self.kbd_cursor: tuple[int, int] | None = None
        self._drag: tuple[int, int, WindowLevel] | None = None
        self._dragged = False

    def compose(self) -> ComposeResult:
        settings = self.app.context.settings()  # type: ignore[attr-defined]
        yield StatusHeader()
        with Horizontal(id="review"):
            with Vertical(id="review-side"):
                table = DataTable(id="review-series", cursor_type="row")
                table.add_columns(*SERIES_COLUMNS)
                yield table
                yield Static("", id="review-info")
            with Horizontal(id="review-images"):
                with Vertical(id="main-pane", classes="pane"):
                    yield Label("reading the study…", id="main-title", classes="pane-title")
                    yield SliceImage.from_settings(settings, id="main-image", focusable=True)
                with Vertical(id="prior-pane", classes="pane"):
                    yield Label("", id="prior-title", classes="pane-title")
                    yield SliceImage.from_settings(settings, id="prior-image")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#prior-pane").display = False
        self.query_one("#main-image", SliceImage).focus()
        self.load_entries()

    # -- loading (workers) -------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="review-entries", exit_on_error=False, name="reading the study's series")
    def load_entries(self) -> None:
        from vetmri.records.key_images import key_images
        from vetmri.viewing.review import review_entries

        with self.app.context.store() as store:  # type: ignore[attr-defined]
            entries = review_entries(store, self.study_id)
            keys = frozenset(k.sop_instance_uid for e in {x.study_id for x in entries} for k in key_images(store, e))
        self.post_message(self.EntriesLoaded(entries, keys))

    @work(thread=True, exclusive=True, group="review-series", exit_on_error=False, name="reading the series' images")
    def load_series(self, entry: SeriesEntry, pane: str) -> None:
        from vetmri.viewing.slices import series_slices

        self.post_message(self.SeriesLoaded(entry, series_slices(entry.folder), pane))

    def on_review_screen_entries_loaded(self, message: EntriesLoaded) -> None:
        self.entries, self.key_sops = message.entries, message.keys
        rows = [(f"{e.study_id}|{e.series_id}",
                 (f"{'prior ' if e.prior else ''}{e.study_date:%d.%m.%y}", f"{e.number} {e.description}", str(e.image_count)))
                for e in self.entries]
        fill_table(self.query_one("#review-series", DataTable), SERIES_COLUMNS,
                   rows or [(None, ("-", "no images in this study yet", ""))])
        first = first_to_read(self.entries)
        if first is not None:
            self.open_entry(first)
        else:
            self.query_one("#main-title", Label).update(f"{self.study_id}: no series with images yet")

    def open_entry(self, entry: SeriesEntry) -> None:
        """Show the series ``entry`` (read in a worker)."""
        self.entry = entry
        self.query_one("#main-title", Label).update(f"{entry.study_id} · {entry.number} {entry.description} · reading…")
        self.load_series(entry, "main")

    def on_review_screen_series_loaded(self, message: SeriesLoaded) -> None:
        series = message.series
        presets = window_presets(series.contrast)
        if message.pane == "main":
            if message.entry != self.entry:
                return
            self.series, self.preset, self.viewport = series, 0, Viewport()
            self.window = presets[0].window(series.reference)
            self.index = min(len(series.slices) // 2, len(series.slices) - 1)
            self.points, self.result = [], ""
            if self.kbd_cursor is not None:
                self._move_cursor(0, 0)
            if self.query_one("#prior-pane").display:
                self._find_prior()
        else:
            if message.entry != self.prior_entry:
                return
            self.prior = series
            self.prior_window = presets[0].window(series.reference)
        self.redraw()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        key = event.row_key.value if event.row_key else None
        for entry in self.entries:
            if key == f"{entry.study_id}|{entry.series_id}" and entry != self.entry:
                self.open_entry(entry)
                self.query_one("#main-image", SliceImage).focus()

    # -- drawing -----------------------------------------------------------------------------

    def redraw(self) -> None:
        """Show the current slice (and the prior's at the same position) with the info."""
        if self.series is None or self.window is None or self.entry is None:
            return
        image = self.series.slices[self.index]
        marks = tuple(Mark(r, c, "+" if self.tool == "measure" else "○") for r, c in self.points)
        if self.kbd_cursor is not None:
            marks += (Mark(*self.kbd_cursor, "X", "bold reverse cyan"),)
        self.query_one("#main-image", SliceImage).show(image, self.window, self.viewport,
                                                         labels=image.labels(self.entry.region), marks=marks)
        star = " ★ key image" if image.sop_instance_uid in self.key_sops else ""
        self.query_one("#main-title", Label).update(  # what changes first: the panes are narrow side by side
            f"slice {self.index + 1}/{len(self.series.slices)}{star} · {self.entry.number} {self.series.description} · "
            f"{self.entry.study_id} {self.entry.study_date:%d.%m.%Y}")
        if self.prior is not None and self.prior_window is not None and self.prior_entry is not None:
            self.prior_index = self.prior.nearest_slice(image.centre_mm)
            other = self.prior.slices[self.prior_index]
            self.query_one("#prior-image", SliceImage).show(other, self.prior_window, self.viewport,
                                                              labels=other.labels(self.prior_entry.region))
            self.query_one("#prior-title", Label).update(
                f"slice {self.prior_index + 1}/{len(self.prior.slices)} · prior {self.prior_entry.study_id} "
                f"{self.prior_entry.study_date:%d.%m.%Y} · {self.prior_entry.number} {self.prior.description}")
        self.show_info()

    def show_info(self) -> None:
        if self.series is None or self.window is None:
            return
        image = self.series.slices[self.index]
        preset = window_presets(self.series.contrast)[self.preset].name if self.preset >= 0 else "custom"
        lines = [f"{self.series.contrast} · W {self.window.width:.0f} L {self.window.level:.0f} ({preset})",
                 f"loc {image.location_mm:.1f} mm · zoom {self.viewport.zoom:.2g}"]
        if self.tool:
            lines.append({"window": "W/L: ←→ width, ↑↓ level, esc done", "measure": "measure: click 2 points",
                          "roi": "ROI: click 2 corners"}[self.tool])
        if self.kbd_cursor is not None:
            lines.append("cursor: arrows move (shift: 8 px), space sets a point, c ends")
        lines += [line for line in (self.cursor, self.result) if line]
        self.query_one("#review-info", Static).update("\n".join(lines))

    # -- slices, series, window, view ----------------------------------------------------------

    def action_slice(self, step: int, wheel: bool = False) -> None:
        if self.tool == "window":
            self._change_window(level_steps=-step)
            return
        if self.kbd_cursor is not None and not wheel:
            self._move_cursor(step * CURSOR_STEP_PX, 0)
            return
        if self.series is not None:
            self._go_to(self.index + step)

    def action_slice_to(self, index: int) -> None:
        if self.series is not None:
            self._go_to(index % len(self.series.slices))

    def _go_to(self, index: int) -> None:
        assert self.series is not None
        index = max(0, min(index, len(self.series.slices) - 1))
        if index != self.index:
            self.index, self.points = index, []
            self.redraw()

    def action_series(self, step: int) -> None:
        own = [e for e in self.entries if e.study_id == (self.entry.study_id if self.entry else self.study_id)]
        if self.entry in own:
            position = own.index(self.entry) + step
            if 0 <= position < len(own):
                self.open_entry(own[position])

    def action_window_mode(self) -> None:
        self.tool = "" if self.tool == "window" else "window"
        self.show_info()

    def action_next_preset(self) -> None:
        if self.series is not None:
            presets = window_presets(self.series.contrast)
            self.preset = (self.preset + 1) % len(presets)
            self.window = presets[self.preset].window(self.series.reference)
            self.redraw()

    def _change_window(self, *, level_steps: float = 0.0, width_steps: float = 0.0) -> None:
        if self.window is None:
            return
        self.window = self.window.moved(level_step=level_steps * LEVEL_STEP * self.window.width,
                                        width_factor=WIDTH_FACTOR ** width_steps)
        self.preset = -1
        self.redraw()

    def key_left(self, event: events.Key) -> None:
        if self.tool == "window":
            event.stop()
            self._change_window(width_steps=-1)
        elif self.kbd_cursor is not None:
            event.stop()
            self._move_cursor(0, -CURSOR_STEP_PX)

    def key_right(self, event: events.Key) -> None:
        if self.tool == "window":
            event.stop()
            self._change_window(width_steps=1)
        elif self.kbd_cursor is not None:
            event.stop()
            self._move_cursor(0, CURSOR_STEP_PX)

    def action_zoom(self, factor: float) -> None:
        self.viewport = self.viewport.zoomed(float(factor))
        self.redraw()

    def action_pan(self, d_row: float, d_col: float) -> None:
        if self.kbd_cursor is not None:
            self._move_cursor(int(d_row > 0) - int(d_row < 0), int(d_col > 0) - int(d_col < 0), big=True)
            return
        if self.series is not None:
            scale = 1 / self.viewport.zoom
            self.viewport = self.viewport.panned(self.series.slices[self.index].shape, d_row * scale * 2, d_col * scale * 2)
            self.redraw()

    def action_reset_view(self) -> None:
        self.viewport = Viewport()
        self.redraw()

    # -- measuring ---------------------------------------------------------------------------

    def action_measure(self) -> None:
        self.tool, self.points, self.result = ("" if self.tool == "measure" else "measure"), [], ""
        self.redraw()

    def action_roi(self) -> None:
        self.tool, self.points, self.result = ("" if self.tool == "roi" else "roi"), [], ""
        self.redraw()

    def action_keyboard_cursor(self) -> None:
        if self.series is None:
            return
        if self.kbd_cursor is None:
            rows, cols = self.series.slices[self.index].shape
            self.kbd_cursor = (rows // 2, cols // 2)
            if self.tool == "window":
                self.tool = ""
            self._move_cursor(0, 0)
        else:
            self.kbd_cursor = None
            self.redraw()

    def _move_cursor(self, d_row: int, d_col: int, *, big: bool = False) -> None:
        """Move the keyboard cursor by whole pixels (kept on the image) and show its readout."""
        if self.kbd_cursor is None or self.series is None:
            return
        step = CURSOR_BIG_STEP_PX if big else 1
        rows, cols = self.series.slices[self.index].shape
        row = max(0, min(rows - 1, self.kbd_cursor[0] + d_row * step))
        col = max(0, min(cols - 1, self.kbd_cursor[1] + d_col * step))
        self.kbd_cursor = (row, col)
        self.redraw()
        self._show_cursor((float(row), float(col)))

    def action_set_point(self) -> None:
        if self.kbd_cursor is not None:
            self._add_point((float(self.kbd_cursor[0]), float(self.kbd_cursor[1])))

    def _image_point(self, event: events.MouseEvent) -> tuple[float, float] | None:
        widget = self.query_one("#main-image", SliceImage)
        region = widget.content_region
        return widget.image_point(event.screen_x - region.x, event.screen_y - region.y)

    def on_mouse_move(self, event: events.MouseEvent) -> None:
        if self._drag is not None and self.window is not None:
            x0, y0, start = self._drag
            dx, dy = event.screen_x - x0, event.screen_y - y0
            if dx or dy:
                self._dragged = True
                self.window = start.moved(level_step=-dy * LEVEL_STEP * start.width, width_factor=WIDTH_FACTOR ** dx)
                self.preset = -1
                self.redraw()
            return
        self._show_cursor(self._image_point(event))

    def _show_cursor(self, point: tuple[float, float] | None) -> None:
        if point is None or self.series is None:
            return
        image = self.series.slices[self.index]
        value = image.value_at(*point)
        if value is None:
            return
        self.cursor = f"({point[0]:.0f}, {point[1]:.0f}) = {value:.0f}\n{position_words(image.point_mm(*point))}"
        self.show_info()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        if self._image_point(event) is not None and self.window is not None and not self.tool:
            self._drag, self._dragged = (event.screen_x, event.screen_y, self.window), False

    def on_mouse_up(self, event: events.MouseUp) -> None:
        self._drag = None

    def on_click(self, event: events.Click) -> None:
        point = self._image_point(event)
        if point is not None:
            self._add_point(point)

    def _add_point(self, point: tuple[float, float]) -> None:
        """A point of the distance or the ROI (a click, or space at the keyboard cursor)."""
        if self.series is None or self.tool not in ("measure", "roi"):
            return
        self.points = (self.points + [point])[-2:] if len(self.points) < 2 else [point]
        image = self.series.slices[self.index]
        if len(self.points) == 2:
            if self.tool == "measure":
                self.result = f"distance {distance_mm(image, *self.points):.1f} mm"
            else:
                stats = roi_statistics(image, *self.points)
                self.result = f"ROI mean {stats.mean:.1f} SD {stats.sd:.1f}\n{stats.pixels} px, {stats.area_mm2:.0f} mm²"
        else:
            self.result = ""
        self.redraw()

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        self.action_slice(1, wheel=True)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self.action_slice(-1, wheel=True)

    # -- key images, priors ----------------------------------------------------------------------

    def action_key_image(self) -> None:
        if self.series is not None and self.entry is not None:
            self.toggle_key_image(self.entry, self.series, self.index, self.window)

    @work(thread=True, group="review-key", exit_on_error=False, name="marking the key image")
    def toggle_key_image(self, entry: SeriesEntry, series: ViewSeries, index: int,
                         window: WindowLevel | None = None) -> None:
        from vetmri.records.key_images import key_images, mark_key_image, unmark_key_image

        image = series.slices[index]
        with self.app.context.store() as store:  # type: ignore[attr-defined]
            if unmark_key_image(store, entry.study_id, image.sop_instance_uid):
                text = f"Slice {index + 1} of series {entry.number} is no longer a key image."
            else:
                path = image.source_path
                mark_key_image(store, entry.study_id, series_uid=series.uid, sop_instance_uid=image.sop_instance_uid,
                               series_number=entry.number, instance_number=image.instance_number,
                               series_description=series.description, dicom_file=_relative(path, store.data_dir),
                               window_center=None if window is None else window.level,
                               window_width=None if window is None else window.width)
                text = f"Slice {index + 1} of series {entry.number} is a key image of {entry.study_id}."
            keys = frozenset(k.sop_instance_uid for s in {e.study_id for e in self.entries} for k in key_images(store, s))
        self.post_message(self.KeyImagesChanged(keys, text))

    def on_review_screen_key_images_changed(self, message: KeyImagesChanged) -> None:
        self.key_sops = message.keys
        self.notify(message.text)
        self.redraw()

    def action_report(self) -> None:
        self.open_report_dialog()

    @work(thread=True, exclusive=True, group="review-report", exit_on_error=False, name="opening the report")
    def open_report_dialog(self) -> None:
        from vetmri.report.sources import default_report_path
        from vetmri.tui.screens.report_dialog import ReportDialog

        with self.app.context.store() as store:  # type: ignore[attr-defined]
            default = default_report_path(store, self.study_id)
        self.app.call_from_thread(self.app.push_screen, ReportDialog(self.study_id, default))

    def action_prior(self) -> None:
        pane = self.query_one("#prior-pane")
        pane.display = not pane.display
        if pane.display:
            self._find_prior()
        else:
            self.prior = self.prior_entry = None
            self.query_one("#prior-image", SliceImage).clear()
            self.redraw()

    def _find_prior(self) -> None:
        match = matching_prior(self.entries, self.entry) if self.entry else None
        if match is None:
            self.query_one("#prior-title", Label).update("no prior study of this pet has images")
            return
        self.prior_entry, self.prior = match, None
        self.query_one("#prior-title", Label).update(f"prior {match.study_id} · reading…")
        self.load_prior(match)

    @work(thread=True, exclusive=True, group="review-prior", exit_on_error=False, name="reading the prior's images")
    def load_prior(self, entry: SeriesEntry) -> None:
        from vetmri.viewing.slices import series_slices

        self.post_message(self.SeriesLoaded(entry, series_slices(entry.folder), "prior"))

    def on_screen_suspend(self) -> None:
        for image in self.query(SliceImage):
            image.hide_sharp()

    def on_screen_resume(self) -> None:
        self.redraw()

    def action_back(self) -> None:
        if self.tool:
            self.tool, self.points = "", []
            self.redraw()
            return
        if self.kbd_cursor is not None:
            self.kbd_cursor = None
            self.redraw()
            return
        self.app.pop_screen()


def _relative(path, data_dir) -> str:
    if path is None:
        return ""
    try:
        return path.relative_to(data_dir).as_posix()
    except ValueError:
        return str(path)
