"""The demonstration animal: an owner and a 35 kg dog made once in the records and reused,
so ``vetmri exam --demo`` (and the TUI's demo exam) shows the whole product on the
simulated scanner. Its record says plainly that it is no real patient."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vetmri.records.models import Pet
    from vetmri.records.store import RecordStore

__all__ = ["DEMO_MARKINGS", "DEMO_OWNER", "DEMO_REGION", "demo_pet"]

DEMO_OWNER = "Demonstration Owner"
DEMO_MARKINGS = "vetmri demonstration animal (simulated scanner)"
DEMO_REGION = "brain"


def demo_pet(store: RecordStore) -> Pet:
    """The demonstration dog, registered with its owner on first use."""
    for owner in store.list_owners():
        if owner.name == DEMO_OWNER:
            for pet in store.pets_of_owner(owner.id):
                if pet.markings == DEMO_MARKINGS:
                    return pet
            break
    else:
        owner = store.add_owner(DEMO_OWNER, "", phone_required=False)
    return store.add_pet(owner.id, "Rex", "dog", 35.0, breed="Labrador Retriever", sex="male", neutered=True,
                         markings=DEMO_MARKINGS, alerts=("demonstration animal: not a real patient",))
