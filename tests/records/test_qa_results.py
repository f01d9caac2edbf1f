"""QA results in the record store: ids, order by date, another process's view, bad data."""

import pytest

from vetmri.errors import UserInputError
from vetmri.records.integrity import verify_store
from vetmri.records.qa_results import add_qa_result, qa_results
from vetmri.records.store import RecordStore


def result(date: str, snr: float = 150.0) -> dict:
    return {"date": date, "scanner": "simulated", "scan_time_s": 64.5, "run_time_s": 4.0, "conditions": {},
            "measures": [{"key": "snr", "value": snr, "low": 125.0, "high": None, "passed": snr >= 125,
                          "reason": "r", "detail": {}}]}


def test_results_get_ids_and_come_back_oldest_first_after_reopening(tmp_path):
    with RecordStore(tmp_path) as store:
        later = add_qa_result(store, result("2026-11-02T08:00:00+00:00", 140.0))
        earlier = add_qa_result(store, result("2026-10-01T08:00:00+00:00", 160.0))
    assert (later, earlier) == ("QA-000001", "QA-000002")
    with RecordStore(tmp_path) as store:
        docs = qa_results(store)
        assert [d["id"] for d in docs] == ["QA-000002", "QA-000001"]
        assert docs[1]["measures"][0]["value"] == 140.0
        assert [d["id"] for d in qa_results(store, limit=1)] == ["QA-000001"]
        assert verify_store(store).problems == ()  # the new table does not upset the integrity check


def test_a_result_written_by_another_store_is_seen_without_reopening(tmp_path):
    with RecordStore(tmp_path) as reader, RecordStore(tmp_path) as writer:
        assert qa_results(reader) == []
        add_qa_result(writer, result("2026-12-01T08:00:00+00:00"))
        assert [d["id"] for d in qa_results(reader)] == ["QA-000001"]


@pytest.mark.parametrize(("doc", "message"), [
    (result("yesterday"), "ISO 8601"),
    (result("2026-12-01T08:00:00"), "time zone"),
    (dict(result("2026-12-01T08:00:00+00:00"), measures=[]), "list of measures"),
])
def test_a_result_without_a_date_or_measures_is_refused(tmp_path, doc, message):
    with RecordStore(tmp_path) as store:
        with pytest.raises(UserInputError, match=message):
            add_qa_result(store, doc)
        assert qa_results(store) == []
