"""Register a pet with its owner, or edit one: every field checked as it is typed.

The checks are the records' own (:mod:`vetmri.records.validation`: species from the
protocol catalogue, a weight plausible for the species, a 15-digit microchip, dates not in
the future); the owner is found by name or phone as it is typed, or created with the pet;
a pet of the same name and owner, or with the same microchip, is announced as a possible
duplicate; a breed is matched to the DICOM breed table with candidates offered.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.widgets import Button, Footer, Input, Label, OptionList
from textual.widgets.option_list import Option

from vetmri.errors import UserInputError, VetmriError
from vetmri.tui.screens.base import CoreScreen
from vetmri.tui.styles import stylesheet
from vetmri.tui.widgets.status_header import StatusHeader

__all__ = ["PetFormScreen"]

_SEXES = ["female", "male", "unknown"]
_NEUTERED = ["yes", "no", "unknown"]
#: Pet fields: (id, label, placeholder).
_PET_FIELDS = (
    ("name", "Pet's name", "Luna"),
    ("species", "Species", "dog, cat, rabbit, ..."),
    ("weight", "Weight (kg)", "4.2"),
    ("breed", "Breed", "Labrador, DSH, ..."),
    ("sex", "Sex", "female, male, unknown"),
    ("neutered", "Neutered", "yes, no, unknown"),
    ("dob", "Date of birth", "YYYY-MM-DD"),
    ("microchip", "Microchip", "15 digits"),
    ("markings", "Colour, markings", ""),
    ("alerts", "Alerts", "aggressive, allergic to ... (comma-separated)"),
    ("referring_vet", "Referring vet", "who sent the pet (default of its studies)"),
    ("referring_clinic", "Referring clinic", ""),
)


def check_field(field: str, value: str, species: str) -> str:
    """The records' objection to ``value`` in ``field`` ("" when it is fine)."""
    from vetmri.protocols.species import parse_weight_kg
    from vetmri.records import validation as v

    try:
        if field in ("name", "owner-name"):
            v.clean_name(value, "pet's name" if field == "name" else "owner's name")
        elif field == "species":
            v.clean_species(value)
        elif field == "weight":
            if value.strip():
                kg = parse_weight_kg(value)
                if species.strip():
                    try:
                        found = v.clean_species(species)
                    except UserInputError:
                        return ""  # the species field says what is wrong
                    v.check_weight(found, kg)
        elif field == "sex":
            v.clean_sex(value)
        elif field == "dob":
            v.parse_day(value, "date of birth")
        elif field == "microchip":
            v.clean_microchip(value)
        elif field == "owner-phone":
            v.clean_phone(value)
        elif field == "owner-email":
            v.clean_email(value)
        elif field in ("markings",):
            v.clean_text(value, "colour and markings")
        elif field == "alerts":
            v.clean_alerts(_alerts(value))
        elif field in ("referring_vet", "referring_clinic"):
            v.clean_text(value, field.replace("_", " "), max_length=64)
    except UserInputError as exc:
        return str(exc)
    return ""


def _alerts(text: str) -> list[str]:
    return [a.strip() for a in text.split(",") if a.strip()]


class PetFormScreen(CoreScreen):
    """The pet ``pet_id`` to edit, or a new pet (and owner) when None."""

    TITLE = "Register pet"
    CSS_PATH = stylesheet("screens/pet_form.tcss")
    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "cancel", "Cancel"),
        Binding("question_mark", "app.help", "Help", key_display="?", show=False),
        Binding("f1", "app.help", "Help", key_display="F1"),
        Binding("down", "owner_choices", "Owners found", show=False, priority=True),
    ]
    HELP = """
## Register / edit
Type the owner's name or phone: owners already registered appear below; choose one with the
arrow keys and `enter`, or go on typing to register a new owner with the pet. Each field is
checked as you type, by the same rules as `vetmri records add-pet`. A breed is matched to
the DICOM breed table (Labrador, GSD, DSH are understood); a breed it does not know stays
free text and the images get no breed code. `ctrl+s` saves.
"""

    class OwnersFound(Message):
        def __init__(self, text: str, owners: list) -> None:
            super().__init__()
            self.text = text
            self.owners = owners

    class BreedChecked(Message):
        def __init__(self, typed: str, note: str, candidates: tuple[str, ...], matched: bool) -> None:
            super().__init__()
            self.typed = typed
            self.note = note
            self.candidates = candidates
            self.matched = matched

    class DuplicatesFound(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Loaded(Message):
        def __init__(self, pet, owner) -> None:
            super().__init__()
            self.pet = pet
            self.owner = owner

    class Saved(Message):
        def __init__(self, pet_id: str | None, text: str) -> None:
            super().__init__()
            self.pet_id = pet_id
            self.text = text

    def __init__(self, pet_id: str | None = None) -> None:
        super().__init__()
        self.pet_id = pet_id
        self.owner_id: str | None = None
        self._owner_filled = ""
        if pet_id:
            self.TITLE = "Edit pet"

    def compose(self) -> ComposeResult:
        from vetmri.protocols.species import load_species_catalog

        species = list(load_species_catalog().names)
        suggestions = {"species": species, "sex": _SEXES, "neutered": _NEUTERED}
        yield StatusHeader()
        with VerticalScroll(id="form"):
            yield Label(self.TITLE, classes="section")
            yield Label("", id="duplicates", classes="warning-note")
            yield Label("Owner", classes="section")
            yield self._row("owner-name", "Owner's name", "type to find, or a new owner's name")
            yield OptionList(id="owner-choices")
            yield Label("", id="owner-chosen", classes="ok-note")
            yield self._row("owner-phone", "Phone", "+34 600 123 456")
            yield self._row("owner-email", "E-mail", "optional")
            yield Label("Pet", classes="section")
            for field, label, placeholder in _PET_FIELDS:
                words = suggestions.get(field)
                yield self._row(field, label, placeholder,
                                SuggestFromList(words, case_sensitive=False) if words else None)
            yield Label("", id="form-error", classes="invalid-note")
            with Horizontal(id="buttons"):
                yield Button("Save (ctrl+s)", id="save", variant="primary")
                yield Button("Cancel (esc)", id="cancel")
        yield Footer()

    @staticmethod
    def _row(field: str, label: str, placeholder: str, suggester=None) -> Horizontal:
        return Horizontal(
            Label(label, classes="field-label"),
            Input(placeholder=placeholder, id=field, suggester=suggester, classes="field"),
            Label("", id=f"{field}-note", classes="field-note"),
            classes="field-row",
        )

    def on_mount(self) -> None:
        self.query_one("#owner-choices", OptionList).display = False
        if self.pet_id:
            self.load()
        else:
            self.query_one("#owner-name", Input).focus()

    # -- editing an existing pet -----------------------------------------------------------

    @work(thread=True, exclusive=True, group="form-load", exit_on_error=False, name="reading the pet's record")
    def load(self) -> None:
        with self.app.context.store() as store:  # type: ignore[attr-defined]
            pet = store.pet(self.pet_id)
            owner = store.owner(pet.owner_id)
        self.post_message(self.Loaded(pet, owner))

    def on_pet_form_screen_loaded(self, message: Loaded) -> None:
        pet = message.pet
        self._choose_owner(message.owner)
        values = {"name": pet.name, "species": pet.species, "weight": f"{pet.weight_kg:g}" if pet.weight_kg else "",
                  "breed": pet.breed, "sex": pet.sex,
                  "neutered": {True: "yes", False: "no", None: "unknown"}[pet.neutered],
                  "dob": pet.birth_date.isoformat() if pet.birth_date else "", "microchip": pet.microchip,
                  "markings": pet.markings, "alerts": ", ".join(pet.alerts),
                  "referring_vet": pet.referring_vet, "referring_clinic": pet.referring_clinic}
        for field, value in values.items():
            self.query_one(f"#{field}", Input).value = value
        self.query_one("#name", Input).focus()

    # -- live checks ------------------------------------------------------------------------

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        field = event.input.id or ""
        species = self.query_one("#species", Input).value
        self._show_note(field, check_field(field, event.value, species))
        if field == "species":
            weight = self.query_one("#weight", Input).value
            self._show_note("weight", check_field("weight", weight, event.value))
        if field == "owner-name":
            if self.owner_id and event.value != self._owner_filled:
                self._forget_owner()
            if not self.owner_id:
                self.find_owners(event.value)
        if field in ("breed", "species") and self.query_one("#breed", Input).value.strip():
            self.check_breed(self.query_one("#breed", Input).value, species)
        if field in ("name", "microchip", "owner-name"):
            self.check_duplicates(self.query_one("#name", Input).value, self.owner_id,
                                  self.query_one("#microchip", Input).value)

    def _show_note(self, field: str, text: str) -> None:
        try:
            note = self.query_one(f"#{field}-note", Label)
        except Exception:
            return
        note.update(text)
        self.query_one(f"#{field}", Input).set_class(bool(text), "-invalid")

    @work(thread=True, exclusive=True, group="owners", exit_on_error=False, name="finding the owner")
    def find_owners(self, text: str) -> None:
        owners = []
        if len(text.strip()) >= 2:
            with self.app.context.store() as store:  # type: ignore[attr-defined]
                owners = store.search_owners(text, limit=5)
        self.post_message(self.OwnersFound(text, owners))

    def on_pet_form_screen_owners_found(self, message: OwnersFound) -> None:
        choices = self.query_one("#owner-choices", OptionList)
        if self.owner_id or message.text != self.query_one("#owner-name", Input).value:
            return
        choices.clear_options()
        self._owners = {o.id: o for o in message.owners}
        for owner in message.owners:
            choices.add_option(Option(f"{owner.name}  {owner.phone}  ({owner.id})", id=owner.id))
        choices.display = bool(message.owners)
        self.query_one("#owner-chosen", Label).update(
            "" if message.owners or not message.text.strip() else "A new owner: give the phone number below.")

    @on(OptionList.OptionSelected, "#owner-choices")
    def _owner_picked(self, event: OptionList.OptionSelected) -> None:
        owner = self._owners.get(event.option.id or "")
        if owner is not None:
            self._choose_owner(owner)
            self.query_one("#name", Input).focus()

    def action_owner_choices(self) -> None:
        """``down`` in the owner's name goes to the owners found (elsewhere, the next field)."""
        choices = self.query_one("#owner-choices", OptionList)
        if choices.has_focus:
            choices.action_cursor_down()
        elif self.query_one("#owner-name", Input).has_focus and choices.display:
            choices.focus()
            choices.highlighted = 0
        else:
            self.focus_next()

    def _choose_owner(self, owner) -> None:
        self.owner_id = owner.id
        self._owner_filled = owner.name
        self.query_one("#owner-name", Input).value = owner.name
        phone = self.query_one("#owner-phone", Input)
        phone.value, phone.disabled = owner.phone, True
        email = self.query_one("#owner-email", Input)
        email.value, email.disabled = owner.email, True
        self.query_one("#owner-choices", OptionList).display = False
        self.query_one("#owner-chosen", Label).update(f"Registered owner {owner.id}; change the name to choose another.")

    def _forget_owner(self) -> None:
        self.owner_id = None
        for field in ("owner-phone", "owner-email"):
            widget = self.query_one(f"#{field}", Input)
            widget.disabled, widget.value = False, ""

    @work(thread=True, exclusive=True, group="breed", exit_on_error=False, name="matching the breed")
    def check_breed(self, typed: str, species: str) -> None:
        from vetmri.dicom.breeds import match_breed
        from vetmri.records.validation import clean_species

        try:
            name = clean_species(species).name
        except UserInputError:
            return
        match = match_breed(name, typed)
        self.post_message(self.BreedChecked(typed, match.note, match.candidates, match.matched))

    def on_pet_form_screen_breed_checked(self, message: BreedChecked) -> None:
        if message.typed != self.query_one("#breed", Input).value:
            return
        note = self.query_one("#breed-note", Label)
        note.update(message.note)
        note.set_class(not message.matched, "warning-note")

    @work(thread=True, exclusive=True, group="duplicates", exit_on_error=False, name="looking for duplicates")
    def check_duplicates(self, name: str, owner_id: str | None, microchip: str) -> None:
        with self.app.context.store() as store:  # type: ignore[attr-defined]
            found = store.possible_duplicates(name, owner_id, microchip, ignore_pet_id=self.pet_id)
        text = ""
        if found:
            shown = ", ".join(f"{p.name} {p.id} ({p.species})" for p in found[:3])
            text = f"Possible duplicate: {shown} is already registered with this owner or microchip; open it instead of registering again."
        self.post_message(self.DuplicatesFound(text))

    def on_pet_form_screen_duplicates_found(self, message: DuplicatesFound) -> None:
        self.query_one("#duplicates", Label).update(message.text)

    # -- saving -----------------------------------------------------------------------------

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        values = {field: self.query_one(f"#{field}", Input).value for field, _, _ in _PET_FIELDS}
        owner = {k: self.query_one(f"#owner-{k}", Input).value for k in ("name", "phone", "email")}
        self.query_one("#form-error", Label).update("Saving ...")
        self.save(values, owner, self.owner_id)

    @work(thread=True, exclusive=True, group="save", exit_on_error=False, name="saving the pet")
    def save(self, values: dict[str, str], owner: dict[str, str], owner_id: str | None) -> None:
        from vetmri.dicom.breeds import match_breed
        from vetmri.protocols.species import parse_weight_kg
        from vetmri.records.validation import clean_species

        try:
            weight = parse_weight_kg(values["weight"]) if values["weight"].strip() else None
            species = clean_species(values["species"]).name
            breed = match_breed(species, values["breed"]).name if values["breed"].strip() else ""
            fields = dict(breed=breed, sex=values["sex"] or "unknown", neutered=values["neutered"] or None,
                          birth_date=values["dob"] or None, microchip=values["microchip"],
                          markings=values["markings"], alerts=_alerts(values["alerts"]),
                          referring_vet=values["referring_vet"], referring_clinic=values["referring_clinic"])
            with self.app.context.store() as store:  # type: ignore[attr-defined]
                if self.pet_id is None:
                    if weight is None:
                        raise UserInputError("The weight is missing; weigh the pet and type it in kilograms.")
                    with store.bulk():
                        if owner_id is None:
                            owner_id = store.add_owner(owner["name"], owner["phone"], email=owner["email"]).id
                        pet = store.add_pet(owner_id, values["name"], species, weight, **fields)
                    text = f"Registered {pet.name} ({pet.id}, Patient ID {pet.patient_id})."
                else:
                    with store.bulk():
                        if owner_id is None:
                            owner_id = store.add_owner(owner["name"], owner["phone"], email=owner["email"]).id
                        pet = store.edit_pet(self.pet_id, owner_id=owner_id, name=values["name"],
                                             species=species, **fields)
                        if weight is not None and weight != pet.weight_kg:
                            pet = store.record_weight(pet.id, weight)
                    text = f"Saved {pet.name} ({pet.id})."
        except VetmriError as exc:
            self.post_message(self.Saved(None, str(exc)))
            return
        self.post_message(self.Saved(pet.id, text))

    def on_pet_form_screen_saved(self, message: Saved) -> None:
        if message.pet_id is None:
            self.query_one("#form-error", Label).update(message.text)
            self.notify(message.text, severity="error")
            return
        self.notify(message.text)
        self.app.pop_screen()
        if self.pet_id is None:
            from vetmri.tui.screens.pet_detail import PetDetailScreen

            self.app.push_screen(PetDetailScreen(message.pet_id))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.app.pop_screen()
