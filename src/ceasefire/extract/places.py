"""Place mentions: datelines, "the village of X", "X district", "near X", "Berd (Tavush)".

This stage finds *mentions*; choosing the event's location and coding it (admin names,
country, coordinates) happens in :mod:`ceasefire.extract.assemble`, which may consult a
gazetteer.
"""

from __future__ import annotations

import functools
import re

from .document import Analysis, PlaceHit
from .lexicon import Lexicon

REQUIRES = ("sentences", "actors", "claims")
ASSIGNS = ("places",)

_CAP = r"[A-Z\u00c0-\u017f][\w'\u2019\u00c0-\u017f\-]*"
_LINK = r"(?:al|el|as|ash|ad|ar|an|az|ath|de|du|da|do|dos|das|del|la|le|les|van|von|bin|ibn|abu|umm|bani|beni)"
_NAME = rf"(?:(?:al-|el-|as-|ad-|ash-|ar-)?{_CAP}(?:[ \t]+(?:{_LINK}[ \t-]+)?{_CAP}|[ \t]+\d{{2,4}}\b){{0,2}})"
_FEATURES_BEFORE = (
    r"village|villages|town|city|settlement|community|district|region|province|oblast|raion|governorate|"
    r"state|county|municipality|area|outskirts|suburb|camp|neighbou?rhood|locality|hamlet|commune|"
    r"department|prefecture|township|direction|border village|frontline village|port city|port|island|"
    r"upazila|tehsil|woreda|kebele|cercle|sindicatura|municipio|barangay|sub-county|local government area"
)
_FEATURES_AFTER = (
    r"village|town|city|district|region|province|oblast|raion|governorate|state|county|community|"
    r"municipality|area|direction|sector|axis|front|refugee camp|camp|neighbou?rhood|township|"
    r"settlement|locality|prefecture|department|commune|border crossing|checkpoint|airport|airbase|air base|"
    r"railway station|bus station|bazaa?r|market|detachment|garrison|barracks|military base|army base|police station|"
    r"upazila|tehsil|woreda|kebele|cercle|barangay|sub-county|LGA|local government area"
)
_OF = re.compile(rf"(?<![\w\-])(?:the\s+)?(?P<feat>{_FEATURES_BEFORE})\s+of\s+(?P<name>{_NAME})")
_AFTER = re.compile(rf"(?P<name>{_NAME})\s+(?P<feat>{_FEATURES_AFTER})(?![\w\-])")
_PREP = re.compile(
    rf"(?<![\w\-])(?i:in|near|at|on|around|outside|inside|across|through|towards?|into|from|over|between|"
    rf"on the outskirts of|close to|(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)(?:ern)? of|"
    rf"general area|overlooking)"
    rf"\s+(?:the\s+)?(?:nearby\s+|neighbou?ring\s+)?(?:(?:capital|provincial capital|regional capital|border town|port city)\s+)?"
    rf"(?:(?:rural|central|downtown|greater|(?:north|south)(?:-?(?:east|west))?|east|west)\s+)?"  # "west Kabul", not "eastern Gezira"
    rf"(?P<name>{_NAME})"
)
# the place a strike or a capture lands on: "shelled Kherson", "struck Khan Younis", "took Parukh"
_OBJECT = re.compile(
    rf"(?<![\w\-])(?:shelled|struck|hit|attacked|bombed|pounded|targeted|raided|stormed|captured|seized|shook|rocked|"
    rf"took|entered|enter|entering|liberated|recaptured|retook|overran|bombarded|shelling|shelling of|attack on|strike on|strikes on|attacks on)"
    rf"\s+(?:the\s+)?(?:(?:city|town|village|district|region|outskirts|centre|center)\s+of\s+)?(?P<name>{_NAME})"
)
# a place as the subject of a passive strike: "Tartar came under fire", "Kherson was shelled"
_SUBJECT = re.compile(
    rf"(?:^|(?<=[.;:] ))(?P<name>{_NAME})\s+(?:came under|was|were|has been|had been)\s+(?:again\s+|heavily\s+|repeatedly\s+)?"
    rf"(?:shelled|hit|struck|attacked|targeted|bombed|captured|retaken|recaptured|liberated|seized|fired (?:on|at)|under|handed over)",
    re.M,
)
# "Gwoza (Borno)": a name with its province in brackets is a place, whatever precedes it
# "Chai (Macomia district, Cabo Delgado)", "Bucha (Kyiv oblast)": the district, then the province, as analysts write them
_ADMIN_NAME = rf"[A-Z][a-z][\w'\u2019\-]*(?:[ \t-]+(?:{_LINK}[ \t-]+)?[A-Z][\w'\u2019\-]*){{0,3}}"
_ADMIN_WORD = (r"(?:[ \t]+(?:district|province|region|oblast|raion|county|state|governorate|department|prefecture|"
               r"municipality|township|upazila|tehsil|woreda|LGA|cercle|commune|territory))?")
_BRACKETS = rf"\((?P<admin>{_ADMIN_NAME}){_ADMIN_WORD}(?:,[ \t]*(?P<admin1>{_ADMIN_NAME}){_ADMIN_WORD})?\)"
_WITH_ADMIN = re.compile(rf"(?<![\w\-])(?P<name>{_NAME})(?:[ \t]+(?:village|town|city))?[ \t]*{_BRACKETS}")
# "the Kirovsky district of Donetsk", "the Shaboura area of Rafah", "a neighbourhood of western Kabul": a part
# of a town stands for the town
# (not "the Yabaal district of Middle Shabelle region", a district of a region)
_PART_OF_TOWN = re.compile(
    rf"(?<![\w\-])(?P<part>{_NAME})\s+(?:micro-?district|district|neighbou?rhood|quarter|area|ward|sector)\s+of\s+"
    rf"(?:the\s+)?(?:(?:north|south|east|west|central|north-?east|north-?west|south-?east|south-?west)(?:ern)?\s+)?"
    rf"(?:(?:city|town)\s+of\s+)?(?P<name>{_NAME})"
)
_REGION_AFTER = re.compile(r"[\w'\u2019\-]*(?:\s+[A-Z][\w'\u2019\-]*)*\s+(?:region|province|oblast|governorate|state|county)\b")
# "MNDAA-held Lashio", "Russian-occupied Donetsk"
# a compound adjective that ends a name tells what a place or group is, not where: "Muslim-majority"
_DESCRIBES = re.compile(r"-(?:majority|dominated|speaking|populated|inhabited|led|backed|based|linked|aligned|"
                        r"allied|affiliated|run|style|born|owned)$")
_HELD = re.compile(rf"-(?:held|controlled|occupied|besieged)\s+(?P<name>{_NAME})")
# "the mayor of Melitopol", "the streets of Khartoum"
_PART_OF = re.compile(
    rf"(?<![\w\-])(?i:mayor|governor|residents|inhabitants|villagers|people|streets|centre|center|suburbs|parts|areas|"
    rf"neighbou?rhoods|outskirts|heart|capital|port|city centre|town centre|edge|entrance|wards|districts|camps?|villages|part|"
    rf"market|bazaa?r|main square|central square|railway station|bus station|hospital|headquarters|hinterlands?|axis|"
    rf"(?:military |army |police |security )?(?:post|base|station|checkpoint)|boundary|(?:sub-)?prefect|chairman|"
    rf"commissioner|administrator|chief)\s+of\s+(?:the\s+)?(?P<name>{_NAME})"
)
# a street, a square or a landmark of a town: "Moi Avenue", "Rustaveli Avenue", "Tahrir Square", "Nairobi CBD";
# the event is placed at the town the report names beside it
_STREET = re.compile(
    rf"(?<![\w\-])(?P<name>(?:{_NAME}\s+(?:Avenue|Street|Road|Boulevard|Square|Roundabout|Highway|Bridge|Junction|"
    rf"Chowk|Circle|Expressway|CBD|Central Business District))|"
    rf"(?:Parliament|(?:National\s+)?Congress|National\s+Assembly|Presidential\s+Palace|State\s+House)(?=\s+building|\s+house|[\s.,;]))"
)
STREET = "street"  # the feature of such a place
# "Kharkiv. The occupiers struck ..." (officials' posts open with the place)
_HEADWORD = re.compile(r"^\s*(?:(?:ALERT|BREAKING|URGENT|UPDATE)\s+)?(?P<name>[A-Z][a-z'\u2019\-]+(?:[ ][A-Z][a-z'\u2019\-]+)?)"
                       r"(?:\.\s+(?=[A-Z])|:\s+(?=\S))")
# a report that opens with its town as the subject: "Bosso lived through a night of terror", "Kulgam encounter update"
_LEAD = re.compile(r"^\s*(?!The\b|A\b|An\b)(?P<name>[A-Z][a-z'\u2019\-]{2,}(?:[ ][A-Z][a-z'\u2019\-]+)?)(?=\s+[a-z])")
# an analyst's heading: "15 Jul 2024 - Yemen, Aden, Al Mansurah: ...", "Sagaing | Kanbalu Tsp | 25 Aug: ..."
_HEADING = re.compile(
    r"^\s*(?:\d{1,2}\s+[A-Z][a-z]+\.?\s+\d{4}\s*[-\u2013\u2014]\s*)?[A-Z][\w'\u2019 \-]{1,30},\s*"
    r"(?P<admin>[A-Z][\w'\u2019 \-]{1,40}),\s*(?P<name>[A-Z][\w'\u2019 \-]{1,40}):"
    r"|^\s*(?P<admin2>[A-Z][\w'\u2019 \-]{1,30}?)\s*\|\s*(?P<name2>[A-Z][\w'\u2019 \-]{1,40}?)(?:\s+Tsp\.?)?\s*\|"
    # "4 June 2025 - Buenos Aires (CABA), Argentina: ..."
    r"|^\s*\d{1,2}\s+[A-Z][a-z]+\.?\s+\d{4}\s*[-\u2013\u2014]\s*(?P<name3>[A-Z][\w'\u2019 \-]{1,40}?)(?:\s*\([^)]{1,30}\))?,\s*"
    r"(?P<admin3>[A-Z][\w'\u2019 \-]{1,30}):", re.M)
_DATELINE = re.compile(
    r"^\s*(?P<name>[A-Z][A-Z'\u2019.\-]+(?:[ ][A-Z][A-Z'\u2019.\-]+){0,3})"
    r"(?:,\s*[A-Z][\w.]*\.?(?:\s+\d{1,2})?){0,2}\s*(?:\([^)]{0,40}\))?\s*(?:\u2014|\u2013|--|-|:)\s"
)
_ADMIN = re.compile(rf"(?:[ \t]+(?:village|town|city))?[ \t]*{_BRACKETS}|(?:\s+(?:community|village|town|settlement))?\s+of\s+(?:the\s+)?(?P<admin3>{_CAP})\s+(?:region|district|province|oblast|raion)\b|,\s+(?P<admin2>{_CAP}(?:\s+{_CAP})?)\s+(?:region|province|district|oblast|governorate|state|raion)\b")
_STOP = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "the", "this", "that", "his", "her", "their", "its", "our", "a", "an", "at", "on", "in", "it", "they",
    "he", "she", "we", "mr", "ms", "president", "minister", "general", "gen", "colonel", "captain",
    "reuters", "afp", "ap", "wire", "tass", "ministry", "defense", "defence", "russian", "armenian",
    "azerbaijani", "ukrainian", "israeli", "according", "however", "meanwhile", "later", "earlier",
    "following", "after", "before", "during", "under", "since", "statement", "sources", "police",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "today", "tonight",
    "yesterday", "urgent", "breaking", "update", "line",  # "the Line of Control", "the Line of Contact"
}


@functools.cache
def _countries() -> frozenset[str]:
    """Countries' names and common names ("Congo", "Syria")."""
    import pycountry

    return frozenset(n for c in pycountry.countries for n in (c.name, getattr(c, "common_name", None)) if n)


def find_places(doc: Analysis, lex: Lexicon) -> None:
    text = doc.match_text
    actors = [(a.start, a.end) for a in doc.actors]
    blocked = actors + [(c.start, c.end) for c in doc.claims]
    found: list[PlaceHit] = []

    def add(start: int, end: int, feature: str | None, how: str, spoken: bool = False) -> None:
        """``spoken``: a place the pattern names as such even inside a speaker's name ("residents of Mota said")."""
        name = text[start:end].strip(" .,'\u2019")
        parts = re.split(r"(?:'s|\u2019s)(?=\s|$)|(?<=s)['\u2019](?=\s|$)", name)
        if len(parts) > 1 and (parts[0] in lex.sides or parts[0] in _countries()) and parts[1].strip():
            # "Congo's Ituri province", "Ukraine's Kharkiv region": the province, not the country
            province = parts[1].strip()
            start += name.index(province, len(parts[0]))
            name = province
        else:
            name = parts[0]  # "Kherson's Dniprovskyi" -> Kherson
        while name and name.split()[0].lower().strip(".") in _STOP and len(name.split()) > 1:
            first = name.split()[0]
            start += len(first) + (len(name) - len(name[len(first):].lstrip()) - len(first))
            name = name[len(first):].lstrip()
        held = re.match(r"[\w\-]+-(?:held|controlled|occupied|besieged)\s+", name)
        if held:
            start, name = start + held.end(), name[held.end():]
        if not name or not name[0].isalpha() or name.split()[0].lower().strip(".") in _STOP:
            return
        if _DESCRIBES.search(name):  # "the Muslim-majority south", "a Kurdish-led force": not a place
            return
        if lex.demonyms_exact(name) or any(a <= start < b for a, b in (actors if spoken else blocked)):
            return
        admin = admin1 = None
        m = _ADMIN.match(text, end)
        if m:
            admin, admin1 = m.group("admin") or m.group("admin2") or m.group("admin3"), m.group("admin1")
        found.append(PlaceHit(start, start + len(name), doc.sentence_of(start), name,
                              feature.lower() if feature else None, admin, how, admin1))

    lead = _LEAD.match(text)
    if lead and not _DATELINE.match(text) and not _HEADWORD.match(text):
        add(lead.start("name"), lead.end("name"), None, "lead")  # kept only if the gazetteer knows it (assemble)
    d = _DATELINE.match(text) or _HEADWORD.match(text)
    if d:
        raw = d.group("name")
        if len(raw) > 2 and (raw.upper() == raw or d.re is _HEADWORD) and raw.split()[0].lower() not in _STOP:
            found.append(PlaceHit(d.start("name"), d.end("name"), 0, raw.title() if raw.isupper() else raw, None, None,
                                  "dateline"))
    h = _HEADING.match(text)
    if h:
        which = next(g for g in ("name", "name2", "name3") if h.group(g))
        admin = h.group("admin") or h.group("admin2") or h.group("admin3")
        found.append(PlaceHit(h.start(which), h.end(which), 0, h.group(which).strip(), None, admin.strip(), "pattern"))
    parts = []
    for m in _PART_OF_TOWN.finditer(text):
        if _REGION_AFTER.match(text, m.end("name")) or m.group("name") in lex.sides or lex.demonyms_exact(m.group("name")):
            continue  # "the Aitaroun area of southern Lebanon": a place in a country, not a part of a town
        add(m.start("name"), m.end("name"), "city", "pattern")
        parts.append((m.start("part"), m.start("name")))
    for m in _STREET.finditer(text):
        add(m.start("name"), m.end("name"), STREET, "pattern")
    for regex in (_OF, _AFTER):
        for m in regex.finditer(text):
            add(m.start("name"), m.end("name"), m.group("feat"), "pattern")
    for m in _PREP.finditer(text):
        add(m.start("name"), m.end("name"), None, "pattern")
    for m in _OBJECT.finditer(text):
        add(m.start("name"), m.end("name"), None, "object")
    for regex in (_SUBJECT, _PART_OF, _WITH_ADMIN, _HELD):
        for m in regex.finditer(text):
            add(m.start("name"), m.end("name"), None, "pattern", spoken=regex is _PART_OF)
    if parts:  # the part and any other reading of the town's name yield to the town
        towns = {p.start for p in found if p.feature == "city"}
        found = [p for p in found if not any(a <= p.start < b for a, b in parts)
                 and not (p.start in towns and p.feature != "city")]
    found.sort(key=lambda p: (p.start, -(p.end - p.start)))
    last_end = -1
    for p in found:
        if p.start >= last_end or p.how == "dateline":
            doc.places.append(p)
            last_end = max(last_end, p.end)
        elif p.feature and doc.places and doc.places[-1].start == p.start and not doc.places[-1].feature:
            doc.places[-1].feature = p.feature
