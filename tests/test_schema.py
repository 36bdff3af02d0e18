"""The event record's JSON Schema: shipped in the package, current, and obeyed."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema

from ceasefire.models import SCHEMA_VERSION, event_json_schema


def shipped() -> dict:
    path = resources.files("ceasefire.schema").joinpath(f"event.v{SCHEMA_VERSION}.json")
    return json.loads(path.read_text(encoding="utf-8"))


def test_schema_shipped_file_matches_the_models():
    assert shipped() == event_json_schema(), f"run `ceasefire schema > src/ceasefire/schema/event.v{SCHEMA_VERSION}.json`"


def test_schema_every_extracted_event_validates(code, seed_text):
    validator = jsonschema.Draft202012Validator(shipped())
    events = code(seed_text) + code("On 3 June, Russian forces shelled Kharkiv, killing two civilians.", "2022-06-05")
    assert len(events) == 2
    for event in events:
        validator.validate(event.to_json_dict())


def test_schema_weapon_class_is_spelled_class(code, seed_text):
    record = code(seed_text)[0].to_json_dict()
    assert record["weapons"][0].keys() == {"name", "class"}
