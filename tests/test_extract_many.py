"""Batch coding: streaming, input order, bad items, and several processes giving the same records."""

from __future__ import annotations

import ceasefire
from ceasefire.models import Report

NOTES = [
    "On 9 May 2020, Azerbaijani forces fired 82mm mortars at Armenian positions near Berd (Tavush). No casualties.",
    "On 3 June 2022, Russian forces shelled Kharkiv, killing two civilians, according to local officials.",
    "On 12 May 2023, gunmen abducted 20 villagers in Zamfara state.",
]


def _batch(n: int) -> list[dict]:
    return [{"id": f"r{i}", "text": NOTES[i % len(NOTES)], "published": "2023-06-06"} for i in range(n)]


def test_extract_many_keeps_order_and_reports_bad_items():
    items = _batch(3) + [{"id": "bad", "text": "", "published": "2023-06-06"}, {"id": "nodate", "text": NOTES[0]}]
    results = list(ceasefire.extract_many(items))
    assert [r.item for r in results] == ["r0", "r1", "r2", "bad", "nodate"]
    assert [r.ok for r in results] == [True, True, True, False, False]
    assert "empty" in str(results[3].error) and "published is missing" in str(results[4].error)
    assert results[1].events[0].fatalities.best == 2


def test_extract_many_two_processes_give_identical_records():
    items = _batch(24)
    single = [[e.to_json_dict() for e in r.events] for r in ceasefire.extract_many(items)]
    double = [[e.to_json_dict() for e in r.events] for r in ceasefire.extract_many(items, n_process=2, chunksize=4)]
    assert single == double
    assert sum(len(x) for x in single) == 24


def test_extract_many_accepts_report_objects():
    report = Report(id="x", text=NOTES[1], published="2022-06-04")
    (result,) = ceasefire.extract_many([report])
    assert result.report.id == "x" and result.events[0].sub_event_type == "Shelling/artillery/missile attack"


def test_extract_is_deterministic_for_the_same_report(seed_text):
    a = ceasefire.extract(seed_text, published="2022-03-25")
    b = ceasefire.extract(seed_text, published="2022-03-25")
    assert [e.to_json_dict() for e in a] == [e.to_json_dict() for e in b]
    assert a[0].report_id.startswith("r-") and len(a[0].event_id) == 16


def test_extract_rejects_hostile_inputs_with_typed_errors():
    import pytest

    from ceasefire.errors import BinaryInputError, EmptyReportError, InvalidDateError, ReportTooLargeError

    with pytest.raises(EmptyReportError):
        ceasefire.extract(" \n ", published="2022-01-01")
    with pytest.raises(BinaryInputError):
        ceasefire.extract("\x00\x01\x02garbage" * 100, published="2022-01-01")
    with pytest.raises(InvalidDateError):
        ceasefire.extract("Two soldiers were killed.", published="yesterday")
    with pytest.raises(ReportTooLargeError):
        ceasefire.extract("shelling " * 300_000, published="2022-01-01")


def test_extract_survives_pathological_text_quickly():
    import time

    text = ("killed " * 2000) + ("at least " * 2000) + ("(" * 5000) + ("Azerbaijani " * 3000)
    start = time.perf_counter()
    ceasefire.extract(text, published="2022-01-01")
    assert time.perf_counter() - start < 20


def test_ner_option_names_the_model_and_keeps_rule_results(seed_text):
    plain = ceasefire.extract(seed_text, published="2022-03-25")[0]
    with_ner = ceasefire.extract(seed_text, published="2022-03-25", use_ner=True)[0]
    assert plain.extractor == "ceasefire.rules.v0.1.0"
    assert with_ner.extractor.startswith("ceasefire.rules.v0.1.0+") and "3.8" in with_ner.extractor
    assert with_ner.model_dump(exclude={"extractor"}) == plain.model_dump(exclude={"extractor"})


def test_ner_finds_a_place_the_rules_cannot():
    from ceasefire.extract.lexicon import default_lexicon
    from ceasefire.extract.ner import find_entity_places
    from ceasefire.extract.pipeline import Options, analyse

    report = Report(id="n", text="Yesterday Gaza City and its suburbs were hit again, killing two civilians.",
                    published="2024-01-02")
    doc = analyse(report, default_lexicon(), Options(use_ner=False))
    assert not [p for p in doc.places if p.name == "Gaza City"]
    find_entity_places(doc, default_lexicon(), {0})
    assert [(p.name, p.how) for p in doc.places if p.name == "Gaza City"] == [("Gaza City", "ner")]
