"""One pet: its owner, weights over time, alerts and studies with their status."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Footer, Label, Static

from vetmri.tui.screens.base import CoreScreen
from vetmri.tui.styles import stylesheet
from vetmri.tui.widgets.status_header import StatusHeader
from vetmri.tui.widgets.table_fill import fill_table

__all__ = ["PetDetailScreen"]

STUDY_COLUMNS = ("study", "date", "region", "status", "weight", "accession")


class PetDetailScreen(CoreScreen):
    """The record of the pet ``pet_id``."""

    TITLE = "Pet"
    CSS_PATH = stylesheet("screens/pet_detail.tcss")
    BINDINGS = [
        Binding("e", "exam", "Exam"),
        Binding("d", "edit", "Edit details"),
        Binding("s", "send_study", "Send/export"),
        Binding("v", "review", "Review images"),
        Binding("escape", "back", "Back"),
        Binding("question_mark", "app.help", "Help", key_display="?"),
    ]
    HELP = """
## Pet
The owner, the weighings (newest last), the staff alerts and every study with its status
(planned, scanning, acquired, reconstructed, completed, cancelled). `v` or `enter` on a
study opens its review; `s` sends or exports it.
"""

    class Loaded(Message):
        """The pet's record, read by a worker."""

        def __init__(self, record: dict) -> None:
            super().__init__()
            self.record = record

    def __init__(self, pet_id: str) -> None:
        super().__init__()
        self.pet_id = pet_id

    def compose(self) -> ComposeResult:
        yield StatusHeader()
        with Vertical(id="pet"):
            yield Label("", id="pet-title")
            yield Static("", id="alerts")
            with Horizontal(id="pet-columns"):
                yield Static("", id="owner")
                yield Static("", id="weights")
            studies = DataTable(id="studies", cursor_type="row", zebra_stripes=True)
            studies.add_columns(*STUDY_COLUMNS)
            yield studies
        yield Footer()

    def on_mount(self) -> None:
        self.call_after_refresh(self.load)  # rows into a table laid out already (column widths)

    def on_screen_resume(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="pet", exit_on_error=False, name="reading the pet's record")
    def load(self) -> None:
        with self.app.context.store() as store:  # type: ignore[attr-defined]
            pet = store.pet(self.pet_id)
            owner = store.owner(pet.owner_id)
            studies = store.studies_of_pet(pet.id)
        self.post_message(self.Loaded({"pet": pet, "owner": owner, "studies": studies}))

    def on_pet_detail_screen_loaded(self, message: Loaded) -> None:
        pet, owner, studies = message.record["pet"], message.record["owner"], message.record["studies"]
        weight = f"{pet.weight_kg:g} kg" if pet.weight_kg is not None else "weight unknown"
        facts = [pet.species, pet.breed, pet.sex, weight,
                 f"born {pet.birth_date}" if pet.birth_date else "", f"chip {pet.microchip}" if pet.microchip else ""]
        self.query_one("#pet-title", Label).update(
            f"[b]{pet.name}[/b]  {pet.id} · {pet.patient_id} · " + " · ".join(f for f in facts if f))
        alerts = self.query_one("#alerts", Static)
        alerts.update("ALERT: " + "; ".join(pet.alerts) if pet.alerts else "No alerts.")
        alerts.set_class(bool(pet.alerts), "has-alerts")
        lines = [f"[b]Owner[/b] {owner.id}", owner.name, owner.phone]
        lines += [x for x in (owner.email, owner.address) if x]
        self.query_one("#owner", Static).update("\n".join(lines))
        weighings = [f"{w.date}  {w.weight_kg:g} kg" for w in pet.weights[-6:]] or ["never weighed"]
        self.query_one("#weights", Static).update("[b]Weights[/b]\n" + "\n".join(weighings))
        rows = [(s.id, (s.id, str(s.study_date), s.region, s.status,
                        f"{s.weight_kg:g} kg" if s.weight_kg is not None else "-", s.accession)) for s in studies]
        fill_table(self.query_one("#studies", DataTable), STUDY_COLUMNS,
                   rows or [(None, ("-", "-", "no studies yet", "", "", ""))])

    def action_exam(self) -> None:
        self.app.open_exam_setup(self.pet_id)  # type: ignore[attr-defined]

    def action_send_study(self) -> None:
        """Send or export the highlighted study."""
        table = self.query_one("#studies", DataTable)
        if table.row_count:
            key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
            if key:
                self.app.action_send_export(key)  # type: ignore[attr-defined]

    def action_edit(self) -> None:
        from vetmri.tui.screens.pet_form import PetFormScreen

        self.app.push_screen(PetFormScreen(self.pet_id))

    def highlighted_study(self) -> str | None:
        """The study id of the highlighted row (None when the pet has none)."""
        table = self.query_one("#studies", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return key if isinstance(key, str) and key.startswith("S-") else None

    def action_review(self) -> None:
        study_id = self.highlighted_study()
        if study_id:
            self.app.open_review(study_id)  # type: ignore[attr-defined]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_review()

    def action_back(self) -> None:
        self.app.pop_screen()
