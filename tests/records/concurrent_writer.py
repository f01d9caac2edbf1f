"""Writer process for the concurrency test: waits for a start file, then adds owners and
pets and weighs one shared pet, printing every id it got back as JSON lines."""

import json
import sys
import time
from pathlib import Path

from vetmri.records.store import RecordStore

data, start, shared_pet, count, tag = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5]
store = RecordStore(data)
while not start.exists():
    time.sleep(0.001)
for i in range(count):
    owner = store.add_owner(f"{tag} owner {i}", f"555 {i:04d}")
    pet = store.add_pet(owner.id, f"{tag} pet {i}", "cat", 4.0)
    store.record_weight(shared_pet, 3.0 + (i % 100) / 100)
    print(json.dumps({"owner": owner.id, "pet": pet.id, "patient_id": pet.patient_id}), flush=True)
