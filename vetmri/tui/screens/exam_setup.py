"""Exam set-up: the region, the protocol adapted to this animal, edited with live checks.

The screen edits an :class:`~vetmri.protocols.draft.ExamDraft` and shows the planner's
plan of it: every rule (minimum TE and TR, gradient and bore limits, budgets) and every
explanation of an adjustment comes from :mod:`vetmri.protocols`.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Footer, Input, Label, Select

from vetmri.errors import VetmriError
from vetmri.tui.screens.base import CoreScreen
from vetmri.tui.styles import stylesheet
from vetmri.tui.widgets.contrast_preview import ContrastPreview
from vetmri.tui.widgets.plan_table import PlanTable, cell_values, minutes
from vetmri.tui.widgets.progress_line import ProgressLine
from vetmri.tui.widgets.status_header import StatusHeader

__all__ = ["ExamSetupScreen", "RECUMBENCIES"]

#: Size of the contrast preview (pixels; two rows per terminal line) and the screen width
#: from which it is shown beside the table.
PREVIEW_ROWS, PREVIEW_COLUMNS = 30, 34
PREVIEW_MIN_WIDTH = 118

RECUMBENCIES = ("sternal", "dorsal", "left lateral", "right lateral")
VARIANTS = (("standard protocol", "standard"), ("quick: half the time, denoised", "quick"))
FIRST = ("head first", "tail first")


class ExamSetupScreen(CoreScreen):
    """The exam of the pet ``pet_id``."""

    TITLE = "Exam set-up"
    CSS_PATH = stylesheet("screens/exam_setup.tcss")
    BINDINGS = [
        Binding("enter", "edit", "Edit", show=False),
        Binding("a", "add", "Add series"),
        Binding("x", "remove", "Remove"),
        Binding("left_square_bracket", "move(-1)", "Up", key_display="["),
        Binding("right_square_bracket", "move(1)", "Down", key_display="]"),
        Binding("s", "start", "Start"),
        Binding("escape", "back", "Back"),
        Binding("question_mark", "app.help", "Help", key_display="?"),
    ]
    HELP = """
## Exam set-up
The protocol of the chosen region, adapted by the planner to this animal's species, weight
and breed. Move to a cell and press `enter` to change it: TE, TR, TI (inversion recovery
only), FOV (mm; `rows,cols` or one number), matrix (`rows,cols`), slices, averages and R,
the acceleration (undersampling of the phase encoding). The value is checked as you type
and the planner says why a value cannot be honoured (the minimum TE of the sequence, the
gradients, the bore); `enter` keeps it (marked `*`), `escape` drops it, an empty value
gives it back to the planner. `a` adds a series, `x` removes one, `[` and `]` move it.
The total is the scan time of all series against the protocol's anaesthesia budget.
*quick* plans fewer averages or undersampling with the reconstruction that recovers the
image (denoising, compressed sensing); the line under the table compares both variants'
time and predicted quality (SSIM against a noise-free image, CNR of a 2 mm lesion).
Recumbency and head or tail first are recorded with the study, and so are the referring
vet and clinic (filled in from the pet's record; the report names them). `s` starts the exam on the
configured scanner; it keeps running when you leave this screen (the header shows it), and
`ctrl+q` asks before aborting it.
"""

    class PlanReady(Message):
        """A plan of the draft (or the planner's reason why there is none)."""

        def __init__(self, draft, plan, problem: str, purpose: str, other=None) -> None:
            super().__init__()
            self.draft = draft
            self.plan = plan
            self.problem = problem
            self.purpose = purpose
            self.other = other  # the same draft in the other variant (None: not planned)

    class PetLoaded(Message):
        def __init__(self, pet, regions: list[tuple[str, str]], templates: list[tuple[str, str, str]]) -> None:
            super().__init__()
            self.pet = pet
            self.regions = regions
            self.templates = templates

    def __init__(self, pet_id: str, *, start: bool = False, training: bool = False) -> None:
        super().__init__()
        self.pet_id = pet_id
        self._start_when_planned = start
        self.training = training
        self.pet = None
        self.draft = None
        self.plan = None
        self.templates: list[tuple[str, str, str]] = []
        self._editing: tuple[int, str, str] | None = None
        self._previewed: tuple[object, int] = (None, -1)
        self._candidate = None
        self._other_plan = None

    def compose(self) -> ComposeResult:
        yield StatusHeader()
        with Vertical(id="exam"):
            yield Label("Reading the pet's record ...", id="animal")
            with Horizontal(id="choices"):
                yield Select([], prompt="region", id="region", allow_blank=True)
                yield Select([(r, r) for r in RECUMBENCIES], value="sternal", allow_blank=False, id="recumbency")
                yield Select([(f, f) for f in FIRST], value="head first", allow_blank=False, id="first")
                yield Select(list(VARIANTS), value="standard", allow_blank=False, id="variant")
            with Horizontal(id="referral"):
                yield Label("referred by", classes="referral-label")
                yield Input(id="referring-vet", placeholder="referring vet")
                yield Input(id="referring-clinic", placeholder="referring clinic")
            with Horizontal(id="plan-and-preview"):
                yield PlanTable(id="plan")
                yield ContrastPreview(id="preview")
            with Horizontal(id="edit-bar"):
                yield Label("", id="edit-label")
                yield Input(id="edit-value")
            yield Label("", id="explain")
            yield Label("", id="total")
            yield ProgressLine("", id="progress")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#edit-bar").display = False
        # Decided before the table is first drawn: a table laid out beside a preview that
        # then goes away keeps its squeezed columns.
        self.query_one(ContrastPreview).display = self.app.size.width >= PREVIEW_MIN_WIDTH
        self.call_after_refresh(self.load_pet)  # rows into a table laid out already (column widths)

    def on_resize(self) -> None:
        # Beside the table only where both fit (the table needs about 80 columns).
        self.query_one(ContrastPreview).display = self.size.width >= PREVIEW_MIN_WIDTH

    # -- contrast preview -------------------------------------------------------------------

    @on(PlanTable.CellHighlighted)
    def _cell_highlighted(self, event: PlanTable.CellHighlighted) -> None:
        if self.plan is not None and event.coordinate.row != self._previewed[1]:
            self.draw_preview(self.plan, event.coordinate.row)

    @work(thread=True, exclusive=True, group="preview", exit_on_error=False, name="the contrast preview")
    def draw_preview(self, plan, index: int) -> None:
        from vetmri.acquisition.contrast_preview import contrast_preview

        if not 0 <= index < len(plan.series):
            return
        series = plan.series[index].parameters
        preview = self.query_one(ContrastPreview)
        try:
            picture = contrast_preview(plan, index, rows=PREVIEW_ROWS, columns=PREVIEW_COLUMNS)
        except VetmriError as exc:  # no phantom of this species and region: say so, quietly
            self.app.call_from_thread(preview.update, f"No contrast preview: {exc}")
            return
        ti = f" TI {series.ti_s * 1e3:.0f}" if series.ti_s else ""
        caption = f"{series.name[:16]}: TE {series.te_s * 1e3:.0f} TR {series.tr_s * 1e3:.0f}{ti}"
        self._previewed = (plan, index)
        self.app.call_from_thread(preview.show, picture, caption)

    @work(thread=True, exclusive=True, group="exam-pet", exit_on_error=False, name="reading the pet's record")
    def load_pet(self) -> None:
        from vetmri.protocols.library import load_library

        with self.app.context.store() as store:  # type: ignore[attr-defined]
            pet = store.pet(self.pet_id)
        library = load_library()
        protocol = library.protocol(pet.species)
        regions = [(r.label, r.name) for r in protocol.regions.values()]
        templates = [(t.key, t.name, t.sequence) for t in library.templates.values()]
        self.post_message(self.PetLoaded(pet, regions, templates))

    def on_exam_setup_screen_pet_loaded(self, message: PetLoaded) -> None:
        self.pet, self.templates = message.pet, message.templates
        pet = message.pet
        if pet.weight_kg is None:
            self.query_one("#animal", Label).update(f"{pet.name} has no weight; weigh the pet and record it first (d on its record).")
            return
        self.query_one("#animal", Label).update(
            f"[b]{pet.name}[/b] · {pet.species} {pet.weight_kg:g} kg" + (f" · {pet.breed}" if pet.breed else ""))
        self.query_one("#referring-vet", Input).value = pet.referring_vet
        self.query_one("#referring-clinic", Input).value = pet.referring_clinic
        region = self.query_one("#region", Select)
        region.set_options(message.regions)
        region.value = message.regions[0][1]
        self.query_one(PlanTable).focus()

    @on(Select.Changed, "#region")
    def _region_changed(self, event: Select.Changed) -> None:
        if self.pet is None or event.value is Select.BLANK:
            return
        from vetmri.protocols.draft import ExamDraft

        try:
            draft = ExamDraft.for_region(self.pet.species, self.pet.weight_kg, str(event.value),
                                         breed=self.pet.breed or None)
        except VetmriError as exc:
            self.notify(str(exc), severity="error")
            return
        variant = self.query_one("#variant", Select).value
        self.replan(draft.with_variant(str(variant)) if variant is not Select.BLANK else draft, "show")

    @on(Select.Changed, "#variant")
    def _variant_changed(self, event: Select.Changed) -> None:
        if self.draft is None or event.value is Select.BLANK or event.value == self.draft.variant:
            return
        try:
            self.replan(self.draft.with_variant(str(event.value)), "show")
        except VetmriError as exc:
            self.notify(str(exc), severity="error")

    # -- planning ---------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="plan", exit_on_error=False, name="planning the exam")
    def replan(self, draft, purpose: str) -> None:
        """Plan ``draft``: ``purpose`` "show" draws it, "check" only previews an edit."""
        try:
            plan = draft.plan()
        except VetmriError as exc:
            self.post_message(self.PlanReady(draft, None, str(exc), purpose))
            return
        other = None
        if purpose == "show":  # the other variant, so the operator compares like with like
            try:
                other = draft.with_variant("quick" if draft.variant == "standard" else "standard").plan()
            except VetmriError:
                other = None
        self.post_message(self.PlanReady(draft, plan, "", purpose, other))

    def on_exam_setup_screen_plan_ready(self, message: PlanReady) -> None:
        if message.purpose == "check":
            self._show_check(message)
            return
        if message.plan is None:
            self.notify(message.problem, severity="error")
            return
        self.draft, self.plan = message.draft, message.plan
        self._other_plan = message.other
        edited = {(i, k) for i, s in enumerate(self.draft.series) for k, _ in s.settings}
        self.query_one(PlanTable).show_plan(self.plan, edited=edited)
        self._show_total()
        self.draw_preview(self.plan, self.query_one(PlanTable).selected_index)
        if self._start_when_planned:
            self._start_when_planned = False
            self.action_start()

    def _show_total(self) -> None:
        plan = self.plan
        state = "within" if plan.total_time_s <= plan.max_exam_s else "OVER"
        self.query_one("#total", Label).update(
            f"[b]Exam {minutes(plan.total_time_s)}[/b] ({len(plan.series)} series, coil {plan.coil}) "
            f"{state} the {minutes(plan.max_exam_s)} anaesthesia budget" + self._variants_line())
        self.query_one("#explain", Label).update(
            ("Planner: " + plan.warnings[0] + (f" (+{len(plan.warnings) - 1} more)" if len(plan.warnings) > 1 else ""))
            if plan.warnings else "")

    def _variants_line(self) -> str:
        """Both variants side by side: time and predicted quality (from the core's model)."""
        from vetmri.protocols.quality import exam_quality

        def part(plan) -> str:
            quality = exam_quality(plan)
            told = f" SSIM {quality.ssim:.2f}, 2 mm lesion CNR {quality.lesion_cnr:.0f}" if quality else ""
            return f"{plan.variant} {minutes(plan.total_time_s)}{told}"

        if self._other_plan is None or self._other_plan.variant == self.plan.variant:
            return ""
        plans = sorted((self.plan, self._other_plan), key=lambda p: p.variant != "standard")
        return "\n" + " · ".join(part(p) for p in plans)

    # -- editing a parameter ------------------------------------------------------------------

    def action_edit(self) -> None:
        table = self.query_one(PlanTable)
        if table.has_focus:
            table.action_select_cursor()

    @on(PlanTable.EditRequested)
    def _edit_requested(self, event: PlanTable.EditRequested) -> None:
        if self.draft is None:
            return
        try:
            settable = self.draft.settable(event.index, event.key)
        except VetmriError as exc:
            self.notify(str(exc), severity="error")
            return
        name = self.plan.series[event.index].parameters.name
        if not settable:
            self.notify(f"{name} has no {event.heading} (TI belongs to inversion recovery series).", severity="warning")
            return
        self._editing = (event.index, event.key, event.heading)
        self._candidate = None
        self.query_one("#edit-label", Label).update(f"{event.heading} of {name}: ")
        bar_input = self.query_one("#edit-value", Input)
        bar_input.value = self.draft.series[event.index].setting(event.key) or event.current
        self.query_one("#edit-bar").display = True
        bar_input.focus()
        bar_input.cursor_position = len(bar_input.value)
        self.call_after_refresh(bar_input.select_all)  # typing replaces the value

    @on(Input.Changed, "#edit-value")
    def _edit_changed(self, event: Input.Changed) -> None:
        if self._editing is None:
            return
        index, key, _ = self._editing
        try:
            draft = self.draft.with_setting(index, key, event.value)
        except VetmriError as exc:
            self._candidate = None
            self._explain(str(exc), bad=True)
            return
        self.replan(draft, "check")

    def _show_check(self, message: PlanReady) -> None:
        if self._editing is None:
            return
        index = self._editing[0]
        if message.plan is None:
            self._candidate = None
            self._explain(message.problem, bad=True)
            return
        self._candidate = (message.draft, message.plan)
        self.draw_preview(message.plan, index)  # what the new value would look like
        series = message.plan.series[index]
        values = cell_values(series)
        text = (f"{series.parameters.name}: {values['time']}, SNR {values['snr']}; exam "
                f"{minutes(message.plan.total_time_s)} (now {minutes(self.plan.total_time_s)}). ")
        text += " ".join(f"The planner set {a.parameter} {a.from_value} -> {a.to_value}: {a.reason}."
                         for a in series.adjustments[:2])
        self._explain(text + " enter keeps it.", bad=False)

    def _explain(self, text: str, *, bad: bool) -> None:
        label = self.query_one("#explain", Label)
        label.update(text)
        label.set_class(bad, "invalid-note")
        self.query_one("#edit-value", Input).set_class(bad, "-invalid")

    @on(Input.Submitted, "#edit-value")
    def _edit_submitted(self) -> None:
        if self._candidate is None:
            self.notify(self.query_one("#explain", Label).render().plain or "The value cannot be used.",  # type: ignore[union-attr]
                        severity="error")
            return
        self.draft, self.plan = self._candidate
        self._close_edit()
        self.on_exam_setup_screen_plan_ready(self.PlanReady(self.draft, self.plan, "", "show"))

    def _close_edit(self) -> None:
        self._editing = None
        self._candidate = None
        self.query_one("#edit-bar").display = False
        self.query_one("#explain", Label).set_class(False, "invalid-note")
        self.query_one(PlanTable).focus()

    # -- series ---------------------------------------------------------------------------

    def action_add(self) -> None:
        if self.draft is None:
            return
        from vetmri.tui.screens.series_picker import SeriesPicker

        def added(key: str | None) -> None:
            if key:
                self.replan(self.draft.with_series(key), "show")

        self.app.push_screen(SeriesPicker(self.templates), added)

    def action_remove(self) -> None:
        if self.draft is None:
            return
        try:
            self.replan(self.draft.without(self.query_one(PlanTable).selected_index), "show")
        except VetmriError as exc:
            self.notify(str(exc), severity="warning")

    def action_move(self, offset: int) -> None:
        if self.draft is None:
            return
        table = self.query_one(PlanTable)
        index = table.selected_index
        self.replan(self.draft.moved(index, offset), "show")
        table.move_cursor(row=max(0, min(len(self.draft.series) - 1, index + offset)))

    def action_start(self) -> None:
        """Start the exam as planned here, through the exam use case."""
        if self.draft is None or self.pet is None:
            self.notify("The plan is not ready yet.", severity="warning")
            return
        try:
            request = self.exam_request()
        except VetmriError as exc:
            self.notify(str(exc), severity="error")
            return
        if self.app.start_exam(request):  # type: ignore[attr-defined]
            self.query_one(ProgressLine).update(f"Starting the exam of {self.pet.name} ...")
            self.app.action_acquisition()  # type: ignore[attr-defined]

    def exam_request(self):
        """The :class:`~vetmri.exam.ExamRequest` of the exam as set up here (plan, position,
        variant, referring vet and clinic).

        Raises
        ------
        UserInputError
            The plan has a series outside its region, or no plan is ready.
        """
        from vetmri.errors import UserInputError
        from vetmri.exam import ExamRequest

        if self.draft is None or self.pet is None:
            raise UserInputError("The plan is not ready yet.")
        indices, overrides = self.draft.region_selection()
        return ExamRequest(pet_id=self.pet.id, region=self.draft.region, series=indices,
                           overrides=overrides, position=" ".join(self.position), training=self.training,
                           variant=self.draft.variant,
                           referring_vet=self.query_one("#referring-vet", Input).value.strip(),
                           referring_clinic=self.query_one("#referring-clinic", Input).value.strip())

    @property
    def position(self) -> tuple[str, str]:
        """(recumbency, head or tail first) as chosen."""
        return str(self.query_one("#recumbency", Select).value), str(self.query_one("#first", Select).value)

    def action_back(self) -> None:
        if self._editing is not None:
            self._close_edit()
            self._show_total()
            return
        self.app.pop_screen()
