"""Every data file loads, is versioned and is consistent with the taxonomy."""

from __future__ import annotations

from importlib import resources

import pytest
import yaml

from ceasefire.errors import DataFileError
from ceasefire.extract.lexicon import DATA_FILES, load_lexicon


@pytest.mark.parametrize("name", DATA_FILES)
def test_data_file_is_versioned_yaml(name):
    data = yaml.safe_load(resources.files("ceasefire.data").joinpath(f"{name}.yaml").read_text(encoding="utf-8"))
    assert isinstance(data["version"], int)


def test_data_taxonomy_has_acleds_6_types_and_25_sub_types(lexicon):
    assert len(set(lexicon.sub_event_types.values())) == 6
    assert len(lexicon.sub_event_types) == 25
    assert lexicon.sub_event_types["Shelling/artillery/missile attack"] == "Explosions/Remote violence"


def test_data_every_rule_names_known_cues(lexicon):
    cue_names = {c.name for c in lexicon.cues} | {"casualty"}
    for rule in lexicon.rules:
        for key in ("any", "all", "none"):
            assert set(rule.get(key, [])) <= cue_names, rule


def test_data_weapons_have_known_classes_and_core_entries(lexicon):
    names = {m.entry.name for m in lexicon.weapons.finditer("Bayraktar TB-2 BM-21 Grad firearms Shahed-136 HIMARS Iskander")}
    assert {"Bayraktar TB2", "BM-21 Grad", "firearms", "Shahed-136", "HIMARS", "Iskander"} <= names
    assert [(m.entry.name, m.entry.weapon_class) for m in lexicon.weapons.finditer("TB2 and Grad rockets")] == [
        ("Bayraktar TB2", "drone"), ("BM-21 Grad", "rocket artillery")]


def test_data_actor_aliases_resolve_to_sides(lexicon):
    found = {m.entry.name: m.entry.side for m in lexicon.named_actors.finditer("the NKR Defense Army and the RSF and Hamas")}
    assert "Artsakh" in found.values() and "RSF" in found.values() and "Hamas" in found.values()
    assert lexicon.sides["Azerbaijan"].country == "AZ"


def test_data_override_folder_replaces_a_file_by_name(tmp_path):
    (tmp_path / "weapons.yaml").write_text(
        "version: 2\nclasses: [drone]\nweapons:\n  - {name: Test Drone, class: drone, aliases: [Zzyzx-9]}\n",
        encoding="utf-8",
    )
    lex = load_lexicon(tmp_path)
    assert lex.versions["weapons"] == 2
    assert [m.entry.name for m in lex.weapons.finditer("a Zzyzx-9 hit")] == ["Test Drone"]


def test_data_malformed_file_is_a_clear_error(tmp_path):
    (tmp_path / "rules.yaml").write_text("version: 1\nrules:\n  - {sub_event_type: Dancing}\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="unknown sub-event type 'Dancing'"):
        load_lexicon(tmp_path)
    (tmp_path / "rules.yaml").write_text("just text", encoding="utf-8")
    with pytest.raises(DataFileError, match="mapping with a 'version'"):
        load_lexicon(tmp_path)


def test_data_weapon_patterns_compile_and_fill_names(lexicon):
    text = "fired 82mm mortars and 120-mm mortars"
    names = []
    for regex, entry in lexicon.weapon_patterns:
        for m in regex.finditer(text):
            names.append(entry.name.format(**{k: v for k, v in m.groupdict().items() if v}))
    assert "82mm mortar" in names and "120mm mortar" in names


def test_data_places_file_loads_with_coordinates_in_range():
    from ceasefire.geo.gazetteer import load_place_file, place_files

    entries = load_place_file(place_files()[0])
    assert any(e["name"] == "Parukh" for e in entries)
    for e in entries:
        assert len(e["country"]) == 2
        if e.get("lat") is not None:
            assert -90 <= e["lat"] <= 90 and -180 <= e["lon"] <= 180
