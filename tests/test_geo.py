"""The offline gazetteer, GeoNames import and toponym resolution, on real index files."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from ceasefire.errors import GazetteerError
from ceasefire.geo.gazetteer import Gazetteer, default_gazetteer, normalize_name
from ceasefire.geo.geonames import import_files
from ceasefire.geo.resolve import resolve_place


@pytest.fixture(scope="session")
def gaz() -> Gazetteer:
    return default_gazetteer()


@pytest.mark.parametrize(
    "raw, key",
    [("Sot\u2019k\u2019", "sotk"), ("Xank\u0259ndi", "xankandi"), ("Nagorno-Karabakh", "nagorno karabakh"),
     ("  Khān  Yūnis ", "khan yunis"), ("Fərrux", "farrux")],
)
def test_geo_names_are_normalised_for_lookup(raw, key):
    assert normalize_name(raw) == key


@pytest.mark.parametrize(
    "name, expected, country",
    [("Stepanakert", "Khankendi", "AZ"), ("Xankəndi", "Khankendi", "AZ"), ("Askeran", "Askyaran", "AZ"),
     ("Parukh", "Parukh", "AZ"), ("Farrukh", "Parukh", "AZ"), ("Fərrux", "Parukh", "AZ"), ("Shushi", "Shusha", "AZ")],
)
def test_geo_index_knows_every_spelling(gaz, name, expected, country):
    assert (expected, country) in [(e.name, e.country) for e in gaz.lookup(name)]


def test_geo_parukh_has_coordinates_and_admin_names(gaz):
    (entry,) = [e for e in gaz.lookup("Parukh")]
    assert (round(entry.lat, 2), round(entry.lon, 2)) == (40.02, 46.8)
    assert entry.admin2 == "Askeran" and entry.country == "AZ"


@pytest.mark.parametrize(
    "name, context, country",
    [("Tripoli", ["LB"], "LB"), ("Tripoli", ["LY"], "LY"), ("Berd", ["AM", "AZ"], "AM"), ("Kherson", ["RU", "UA"], "UA")],
)
def test_geo_context_picks_the_right_namesake(gaz, name, context, country):
    assert resolve_place(gaz, name, context=context).entry.country == country


def test_geo_unknown_or_far_away_places_stay_unknown(gaz):
    assert resolve_place(gaz, "Xyzzyqville", context=["AM"]) is None
    assert resolve_place(gaz, "Baird", context=["AM", "AZ"]) is None  # a small US town is no guess for Armenia


def test_geo_fuzzy_match_catches_transliterations(gaz):
    res = resolve_place(gaz, "Avdiivkka", context=["UA"])
    assert res is not None and res.entry.country == "UA" and res.fuzzy


def test_geo_extraction_fills_coordinates_and_country(one):
    e = one("On 12 May, Russian forces took control of the village of Krasnohorivka after heavy fighting.", "2023-05-13")
    assert e.location.country == "UA" and e.location.lat is not None
    assert e.sub_event_type == "Non-state actor overtakes territory"  # a foreign state's forces, in Ukraine
    e = one("On 12 May, Ukrainian forces recaptured the village of Krasnohorivka after heavy fighting.", "2023-05-13")
    assert e.sub_event_type == "Government regains territory"


def test_geo_dateline_sets_the_country_context(one):
    e = one("TRIPOLI, Libya \u2014 Clashes between rival militias in Tripoli killed four fighters on Monday.", "2023-08-16")
    assert e.location.country == "LY"


# ------------------------------------------------------------------ GeoNames import

ROWS = [
    # geonameid name ascii alternates lat lon class code cc cc2 admin1 admin2 admin3 admin4 pop elev dem tz date
    ["90000001", "Testavan", "Testavan", "Testavan,Tesdavan", "40.9", "45.4", "P", "PPL", "AM", "", "09", "", "", "", "740", "", "1200", "Asia/Yerevan", "2024-01-01"],
    ["90000002", "Zartonk Height", "Zartonk Height", "", "40.8", "45.5", "T", "HLL", "AM", "", "09", "", "", "", "0", "", "1500", "Asia/Yerevan", "2024-01-01"],
    ["90000003", "Some Stream", "Some Stream", "", "40.7", "45.6", "H", "STM", "AM", "", "09", "", "", "", "0", "", "900", "Asia/Yerevan", "2024-01-01"],
]


def _write_geonames(folder: Path) -> list[Path]:
    country = folder / "AM.txt"
    country.write_text("".join("\t".join(r) + "\n" for r in ROWS), encoding="utf-8")
    admin1 = folder / "admin1CodesASCII.txt"
    admin1.write_text("AM.09\tTavush Marz (imported)\tTavush\t828262\n", encoding="utf-8")
    alternates = folder / "alternateNamesV2.txt"
    alternates.write_text("1\t90000001\thy\tTestavani Gyugh\t\t\t\t\t\t\n2\t90000001\tlink\thttps://example.org\t\t\t\t\t\t\n", encoding="utf-8")
    archive = folder / "AM.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(country, "AM.txt")
    return [archive, admin1, alternates]


def test_geo_import_adds_villages_names_and_admin_names(tmp_path, gaz):
    index = tmp_path / "index.sqlite"
    counts = import_files(_write_geonames(tmp_path), index, base=gaz.path)
    assert counts["geonames"] == 2 and counts["admin1"] == 1 and counts["alternates"] == 1
    assert counts["skipped"] == 1  # the stream (class H)
    g = Gazetteer(index)
    (village,) = g.lookup("Testavan")
    assert (village.country, village.admin1, village.population) == ("AM", "Tavush Marz (imported)", 740)
    assert g.lookup("Tesdavan")[0].name == "Testavan"
    assert g.lookup("Testavani Gyugh")[0].name == "Testavan"  # from alternateNamesV2
    assert [e.admin1 for e in g.lookup("Berd") if e.country == "AM"] == ["Tavush Marz (imported)"]  # old rows renamed
    assert g.lookup("Zartonk Height")[0].feature == "height"
    again = import_files(_write_geonames(tmp_path), index, base=index)
    assert again["geonames"] == 0 and len(Gazetteer(index).lookup("Testavan")) == 1  # idempotent


def test_geo_corrupt_file_names_the_line_and_keeps_the_index(tmp_path, gaz):
    index = tmp_path / "index.sqlite"
    import_files(_write_geonames(tmp_path), index, base=gaz.path)
    before = hashlib.sha1(index.read_bytes()).hexdigest()
    bad = tmp_path / "allCountries.txt"
    bad.write_text("\t".join(ROWS[0]).replace("90000001", "90000009") + "\n" + "90000010\tBroken\tonly five\tcols\n",
                   encoding="utf-8")
    with pytest.raises(GazetteerError, match=r"allCountries.txt:2: expected 19 tab-separated columns, found 4"):
        import_files([bad], index, base=index)
    assert hashlib.sha1(index.read_bytes()).hexdigest() == before
    assert not list(tmp_path.glob("*.tmp-*"))


def test_geo_cli_import_and_lookup(tmp_path, gaz):
    files = _write_geonames(tmp_path)
    index = tmp_path / "user.sqlite"
    env = {**os.environ, "CEASEFIRE_GAZETTEER": str(index)}
    proc = subprocess.run([sys.executable, "-m", "ceasefire", "gazetteer", "import", *map(str, files), "--index", str(index)],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "2 places, 1 alternate names, 1 admin1" in proc.stdout
    proc = subprocess.run([sys.executable, "-m", "ceasefire", "gazetteer", "lookup", "Testavan"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.stdout.startswith("Testavan\tAM\tTavush Marz (imported)")
    proc = subprocess.run([sys.executable, "-m", "ceasefire", "gazetteer", "import", str(tmp_path / "nope.txt"), "--index", str(index)],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 2 and "nope.txt: no such file" in proc.stderr


def test_geo_user_places_file_is_used(tmp_path, monkeypatch):
    from ceasefire.geo import gazetteer as gz

    places = tmp_path / "mine.yaml"
    places.write_text("version: 1\nplaces:\n  - {name: Hill 412, aliases: [Height 412], country: AM, feature: height, lat: 40.1, lon: 45.9}\n",
                      encoding="utf-8")
    monkeypatch.setenv("CEASEFIRE_PLACES", str(places))
    monkeypatch.setenv("CEASEFIRE_HOME", str(tmp_path))
    path = gz.build_default_index()
    assert path.parent == tmp_path
    (entry,) = Gazetteer(path).lookup("Height 412")
    assert (entry.name, entry.country, entry.precision) == ("Hill 412", "AM", "exact")
    from ceasefire.extract.pipeline import Options, extract_report, make_report

    report = make_report("On 3 May 2023, Azerbaijani forces shelled Armenian positions on Height 412, wounding a soldier.",
                         "2023-05-04")
    (event,) = extract_report(report, options=Options(gazetteer_path=str(path)))
    assert (event.location.name, event.location.lat, event.location.precision) == ("Height 412", 40.1, "exact")


def test_geo_a_village_the_gazetteer_lacks_is_placed_at_the_district_named_with_it(one):
    e = one("Today a military jet bombed the market of Kin Taung village in Buthidaung township, killing 11 civilians.",
            "2025-03-01")
    loc = e.location
    assert (loc.name, loc.country, loc.admin1, loc.precision) == ("Kin Taung", "MM", "Rakhine", "district")
    assert loc.lat == pytest.approx(20.87, abs=0.1) and loc.lon == pytest.approx(92.53, abs=0.1)  # Buthidaung
    assert {"Kin Taung", "Buthidaung"} <= {ev.text for ev in e.evidence if ev.field == "location"}


def test_geo_a_namesake_in_another_country_yields_to_the_district_named_beside_it(one):
    e = one("Militants stormed a police post in Jani Khel in the northwestern district of Bannu late on Tuesday, "
            "killing three officers. Tehreek-e-Taliban Pakistan claimed responsibility.", "2025-02-12")
    assert (e.location.name, e.location.country, e.location.precision) == ("Jani Khel", "PK", "district")


def test_geo_a_namesake_in_the_province_the_report_names_is_preferred(one):
    e = one("Eight policemen were killed when Maoists blew up their vehicle with an IED near Bijapur in "
            "Chhattisgarh this afternoon.", "2025-01-06")
    assert (e.location.name, e.location.admin1) == ("Bijapur", "Chhattisgarh")


def test_geo_phrases_that_name_the_town_of_an_event(one):
    assert one("Today the Russians shelled the central market of Pokrovsk, killing 4 people.", "2024-06-22").location.name \
        == "Pokrovsk"
    assert one("A suicide blast on the platform of Quetta railway station killed 24 people this morning.",
               "2024-11-09").location.country == "PK"
    assert one("Militants attacked the military airport in the capital Bamako at dawn today, killing 70.",
               "2024-09-17").location.country == "ML"


def test_geo_a_village_the_gazetteer_lacks_takes_no_country_from_the_attackers(one):
    # "Ukrainian" names the side that fired, not the country the unknown hamlet lies in
    e = one("Artillery fire from the Ukrainian side hit the hamlet of Zarechye-Malaya this morning; one resident "
            "was killed.", "2024-03-02")
    assert e.location.name == "Zarechye-Malaya"
    assert e.location.lat is None and e.location.precision is None  # placed nowhere: a guessed country places nothing


def test_geo_a_country_named_with_a_compass_word_places_an_unknown_village(one):
    e = one("An Israeli drone struck a motorcycle near Khirbet Selm-Tahta in southern Lebanon this afternoon, "
            "killing its rider.", "2024-05-14")
    assert (e.location.country, e.location.precision) == ("LB", "country")


def test_geo_the_other_places_told_with_the_event_are_kept_with_their_evidence(one):
    e = one("On 22 July, Azerbaijani units fired small arms at farmers working near Khnatsakh village; one man was "
            "wounded and taken to the medical centre in Goris.", "2023-07-22")
    assert e.location.name == "Khnatsakh"
    assert e.places_named == ["Goris"]
    assert [ev.text for ev in e.evidence if ev.field == "places_named"] == ["Goris"]


def test_geo_a_lead_with_no_place_is_placed_by_the_sentence_that_follows(one):
    e = one("A drone strike killed six fighters and wounded several on Tuesday, local sources said. "
            "The strike hit a pick-up truck outside Anderamboukane.", "2024-10-09")
    assert e.location.name == "Anderamboukane" and e.location.country == "ML"


def test_geo_a_part_of_a_town_told_with_a_compass_word_is_the_town(one):
    e = one("A bomb tore through a minibus in a mostly Hazara neighbourhood of western Kabul on Sunday, killing four.",
            "2024-10-28")
    assert (e.location.name, e.location.country) == ("Kabul", "AF")
    e = one("An Israeli drone killed a man on a motorcycle in the Wadi Jilo area of southern Lebanon this afternoon.",
            "2024-05-14")
    assert e.location.country == "LB" and e.location.name != "Lebanon"


def test_geo_the_line_of_control_is_no_town(one):
    e = one("Pakistani troops fired mortars across the Line of Control at Indian posts in the Poonch sector overnight, "
            "wounding a soldier.", "2026-01-19")
    assert e.location.name == "Poonch" and e.location.country == "IN"


def test_geo_a_street_or_a_square_places_the_event_in_its_town(one):
    # the street is no namesake village: the town the report names beside it is the place
    e = one("Riot police fired tear gas at protesters on Rustaveli Avenue in Tbilisi last night; 11 officers were "
            "injured in front of the Parliament building.", "2024-12-03")
    assert (e.location.name, e.location.country, e.location.precision) == ("Tbilisi", "GE", "town")
    assert "Rustaveli Avenue" in e.places_named
    # a town's centre written as one name: the town; the speaker is not a place
    e = one("KNCHR has monitored today's protests in Nairobi CBD and documented 2 deaths from gunshot wounds. "
            "We condemn the use of lethal force by police against protesters on Moi Avenue.", "2025-07-01")
    assert (e.location.name, e.location.country) == ("Nairobi", "KE")
    # a street with no town named stays unplaced, not at a village called Moi
    e = one("Police shot dead two protesters on Moi Avenue this afternoon.", "2025-07-01")
    assert e.location.name == "Moi Avenue" and e.location.lat is None


def test_geo_a_report_that_names_no_side_is_placed_by_the_provinces_it_names(one):
    # no side or dateline names a country: the district and province do, and the Turkish Chai is not it
    e = one("On 9 July 2024, insurgents raided Chai village (Macomia district, Cabo Delgado), beheading 3 civilians "
            "and burning several houses.", "2024-07-13")
    assert (e.location.name, e.location.country) == ("Chai", "MZ")


def test_geo_the_district_and_province_written_in_brackets_place_a_village(one):
    # a side whose theatres do not include Mozambique: the brackets still say where Chai is
    e = one("On 9 July 2024, ISWAP fighters raided Chai village (Macomia district, Cabo Delgado), beheading 3 "
            "civilians.", "2024-07-13")
    assert (e.location.name, e.location.country, e.location.admin2) == ("Chai", "MZ", "Macomia")
    assert e.location.precision == "district"  # placed at its district, claiming no more
    # an oblast that has a namesake town in Russia is still the oblast of the Ukrainian town
    e = one("Russian aircraft dropped glide bombs on Pokrovsk (Donetsk) on 3 September 2024, killing two civilians.",
            "2024-09-04")
    assert (e.location.country, e.location.admin1) == ("UA", "Donetsk")
    # a district name the gazetteer holds only as a foreign town by another name is no district ("Bui" is not Bowie)
    e = one("On 3 May 2025, unidentified gunmen killed two farmers in Tobin (Bui, North-West).", "2025-05-04")
    assert e.location.country != "US"


@pytest.mark.parametrize("text, place, country", [
    # an analyst's heading: the country, the province and the place, then the story
    ("15 Jul 2024 - Yemen, Aden, Al Mansurah: demonstrators blocked roads and burned tyres. Security Belt forces "
     "intervened with live fire; 1 fatality.", "Al Mansurah", "YE"),
    ("Sagaing | Kanbalu Tsp | 25 Aug: airstrike on monastery, toll now 13 (incl. 7 children), 20+ injured.",
     "Kanbalu", "MM"),
    ("4 June 2025 - Buenos Aires (CABA), Argentina: retirees and supporters protested outside the National Congress "
     "demanding pension increases. Security forces dispersed them with water cannon and rubber bullets; about 30 "
     "arrested.", "Buenos Aires", "AR"),
    # a post that opens with its town and a colon
    ("Djibo: the army camp came under a massive terrorist assault on Saturday morning. Dozens of soldiers were killed.",
     "Djibo", "BF"),
    # "Residents of", "the district headquarters of", "tried to enter", "in west Kabul"
    ("Residents of Beledweyne buried more victims of Monday's suicide car bomb; 15 were now confirmed dead.",
     "Beledweyne", "SO"),
    ("Terrorists attacked the district headquarters of Macomia this morning. 2 soldiers died in combat.",
     "Macomia", "MZ"),
    ("Security forces today repulsed extremist groups who tried to enter Bahir Dar, killing dozens of them.",
     "Bahir Dar", "ET"),
    ("A bomb exploded on a minibus in west Kabul on Sunday, killing four passengers.", "Kabul", "AF"),
    # residents who speak of their town, a detachment named by its town
    ("Residents of Mota said Fano fighters entered the town on Saturday; at least eight civilians were killed.",
     "Mota", "ET"),
    ("The position of the Diapaga detachment was the target of a terrorist attack on Thursday; three soldiers died.",
     "Diapaga", "BF"),
    # a feature word written as part of the name: the name as written, placed at the town
    ("At least 12 persons were killed late on Sunday when gunmen invaded a farming community in Bokkos Local "
     "Government Area of Plateau State.", "Bokkos Local Government", "NG"),
    # witnesses who speak in a town do not hide the town
    ("Witnesses in Aguelhok said at least eight people were killed when a drone struck the cattle market on Thursday.",
     "Aguelhok", "ML"),
])
def test_geo_places_written_the_way_posts_notes_and_locals_write_them(code, text, place, country):
    events = code(text, "2025-01-10")
    assert events and {(e.location.name, e.location.country) for e in events} == {(place, country)}


def test_geo_a_report_that_names_no_side_takes_the_country_of_its_biggest_place_only(one):
    # Omdurman is Sudan's; the Al-Thawra neighbourhoods share a Syrian city's name, and Karari an Indian town's
    e = one("The rebel militia today committed a new crime against civilians in Omdurman, launching suicide drones at "
            "the Al-Thawra neighbourhoods in Karari locality. The attack killed six citizens.", "2025-06-14")
    assert (e.location.name, e.location.country, e.location.admin2) == ("Karari", "SD", "Omdurman")


def test_geo_a_province_written_with_its_country_is_the_province_and_congo_is_the_drc_beside_its_sides(one):
    e = one("Militiamen of CODECO killed nine people in Congo's Ituri province on Saturday, the army said.", "2025-03-24")
    assert (e.location.name, e.location.country, e.location.precision) == ("Ituri", "CD", "region")
    e = one("M23 rebels shelled positions of the Congolese army in Congo on Saturday, killing four soldiers.",
            "2025-03-24")
    assert e.location.country == "CD"


def test_geo_a_village_placed_at_its_province_keeps_the_province_as_admin1(one):
    e = one("Eleven civilians were killed when a military jet bombed Kyauk Seik village in Rakhine State on Monday night, "
            "residents said.", "2025-08-12")
    assert (e.location.name, e.location.admin1, e.location.country, e.location.precision) == \
        ("Kyauk Seik", "Rakhine", "MM", "region")


def test_geo_a_report_that_opens_with_its_town_is_placed_there_when_the_town_is_in_its_country(one):
    e = one("Kulgam encounter: two terrorists were neutralised by the Indian Army and J&K Police in a joint operation "
            "today.", "2024-05-08")
    assert (e.location.name, e.location.country) == ("Kulgam", "IN")
    e = one("Bosso lived through a night of terror: Boko Haram fighters attacked the Nigerien army camp and killed seven "
            "soldiers.", "2025-05-11")
    assert (e.location.name, e.location.country) == ("Bosso", "NE")
    # in a report that names no country, a city of 100,000 or more
    e = one("Gaza City and its suburbs were hit again, killing two civilians.", "2024-01-02")
    assert (e.location.name, e.location.country) == ("Gaza City", "PS")
    # a name that opens a report is no place unless the gazetteer has it in the report's country
    assert one("Mahmoud said gunmen killed three Nigerien soldiers near the border today.", "2025-05-11").location is None
