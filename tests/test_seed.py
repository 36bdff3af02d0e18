"""The report this project starts from: every value the brief asks for, with its evidence."""

from __future__ import annotations

import datetime as dt


def test_seed_yields_one_incident_with_every_required_value(code, seed_text):
    events = code(seed_text, "2022-03-25", source="seed")
    assert len(events) == 1
    e = events[0]
    assert (e.event_type, e.sub_event_type) == ("Battles", "Government regains territory")
    assert e.date == dt.date(2022, 3, 24) and e.date_precision == "day"
    assert e.fatalities.best == 2
    assert e.wounded.low == 14 and e.wounded.best is None  # "being verified"
    assert e.actor1.side == "Azerbaijan" and e.actor1.kind == "state forces"
    assert e.actor2.side == "Artsakh"
    assert {w.name for w in e.weapons} == {"Bayraktar TB2", "firearms"}
    assert {w.weapon_class for w in e.weapons} == {"drone", "small arms"}
    assert e.ceasefire_violation is True
    assert e.territory_change.place == "Parukh"
    assert e.territory_change.gained_by == "Azerbaijan" and e.territory_change.lost_by == "Artsakh"
    assert "Defense Army" in e.claimed_by
    assert e.location.name == "Parukh" and e.location.country == "AZ"


def test_seed_evidence_spans_point_at_the_supporting_text(code, seed_text):
    e = code(seed_text, "2022-03-25")[0]
    fields = {ev.field for ev in e.evidence}
    assert {"date", "fatalities", "wounded", "weapons", "ceasefire_violation", "territory_change",
            "actor1", "actor2", "claimed_by", "location", "event_type"} <= fields
    for ev in e.evidence:
        assert seed_text[ev.start:ev.end] == ev.text
    killed = next(ev for ev in e.evidence if ev.field == "fatalities")
    assert killed.text.startswith("Two contract soldiers")
    assert any(ev.text == "Bayraktar TB-2s" for ev in e.evidence if ev.field == "weapons")
    assert any("Parukh" in ev.text for ev in e.evidence if ev.field == "territory_change")
