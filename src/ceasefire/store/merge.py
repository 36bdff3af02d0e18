"""Merging mentions into events, and reconciling what several sources say.

Matching a new mention against the events stored within a week of it (nearby, or in its country
when its place is a region or a country, or told under its place's name or a place it names beside
its own, wherever the gazetteer put them: a namesake the gazetteer chose abroad is no reason to miss
the event). A mention is compared with the event's reconciled record
and with each mention the event already holds, so that an event told as "Stepanakert" by one
source and in "the Vayots Dzor province" by another is found under either.

Never the same incident (no score):

- the same report (its events are distinct by construction);
- different event families: battles, explosions and violence against civilians are one family
  (sources disagree on how to code the same strike); protests and riots another; strategic
  developments a third, save four that sources tell of a fight (``BRIDGES``): an intercepted strike
  ("disrupted weapons use", the strike for the side it hit), a base set up in a town just taken,
  looting in a raid and a town handed over that another source tells as captured, and arrests
  that another source tells as a protest dispersed;
  a protest or riot against political violence is no veto but scores ``UNREST_AND_VIOLENCE`` (-2):
  "police opened fire on the marchers, killing three" is a protest to one source, an attack to another;
- dates more than a day apart (a week for week-precise dates); a date the report does not tell
  (the publication date stands in) may fall up to four days after the event's (statements,
  daily briefings and follow-ups on the toll come late);
- dates a day apart when both reports tell their day ("on Sunday", "25 May"): the next day's attack
  in the same town is another incident; unless one of them tells a night, the early hours, dawn,
  late in a day or a range ("overnight", "in the early hours of Sunday", "late on Saturday", "the
  night of 12-13 September"), which straddles two dates;
- two places with coordinates more than 60 km apart, unless one is a region or a country that
  holds the other (the town's admin1 or country, or a province split from it since the gazetteer's
  admin1 was drawn: Ituri holds the DR Congo's towns filed under Eastern Province, ``data/provinces.yaml``);
  a town outside the region a report names;
- places in different countries when neither has coordinates (a place the gazetteer does not know,
  with no country or one guessed from the sides, is no reason to split);
- (both unless the two places have the same name: the gazetteer chose different namesakes, as
  Donetsk in Ukraine and the Rostov oblast's; such a pair scores ``HOMONYM``).

The score of a possible match (the date against the event's reconciled date; the rest against the
event's record and each of its mentions, the best of these):

- date: the same day +1;
- place: within 1 km or the same name +3; two different towns (both named as towns or places in a
  town) -4; otherwise within 10 km +1.5, within 40 km +0.5; a town inside the region or country the
  other names 0; one report's place among the places the other names where it tells the event
  (``places_named``: "a farmer near Khnatsakh ... taken to Goris" and "near the town of Goris")
  at least ``NAMED_BESIDE`` (+1.5), whatever the distance or country, save two towns of one
  country more than 60 km apart ("the fighters who took Bukavu reached Uvira"); two different names the
  gazetteer places nowhere ``UNPLACED_NAMES`` (-1: the Pibor abduction and the Kongor attack); a
  name is the same in another transliteration (:func:`spelling`: "Pul-e Khumri", "Pul-i-Khumri"),
  with or without its article, spaces or a feature word ("Ad Daraj", "Daraj"; "Ywa Thit", "Ywathit";
  "Bokkos Local Government Area", "Bokkos"), or, for names
  of six letters or more, with the same consonants ("Al-Khuwei", "Al-Khiwai"; "Kadugli", "Kaduqli");
- actors: +1 for each side both name (at most 2), -1 when both name sides and share none (sides
  blame each other: a contested claim, not another incident);
- the same ACLED type +1.5, the same sub-event type +1;
- the same fatality figure (a positive best) +1;
- nothing in common but the type and the day (no place nearby, held or named beside the other, and
  no side) ``UNANCHORED`` (-1): a clash in a village no gazetteer knows, told by a report that names
  no side, is not the clash in Lebanon the same day;
- means: when the mention and the event's sources both name what delivered a strike, and none of
  it agrees (a drone against shells; guns, missiles, aircraft and planted bombs are four means, a
  suicide or roadside bombing is a bomb whatever weapons it names, a rocket may be told as a
  missile or as shelling; "explosives" tells no means, shells explode too) ``DISTINCT_MEANS``
  (-5): the same-day drone strike in the town whose market was shelled is another incident;
- kind of attack: when the mention and every source of the event tell the attack, and one side
  tells a bombing (a suicide bombing, a roadside bomb, a grenade: the sub-event type, or an IED,
  explosives or a landmine among the weapons) while the other tells a ground assault (an armed clash or an
  attack that names guns or a knife, or tells of storming, a raid, an ambush, fighting or shooting,
  and no explosive); or one tells a stabbing (a blade, and no gun or shooting) and every source of
  the event a shooting (guns, shots, snipers) ``DISTINCT_KIND`` (-5): the suicide bombing at a
  market and the assault on the base in the same town that morning are two incidents; so are the
  stabbing at the market and the shooting at the bridge, but not a machete massacre and a report
  of the attack that names no weapon;
- the words of the evidence sentences (content words, no reporting verbs): +4 x their weighted
  Jaccard similarity with the words of every mention of the event, each word weighted by its
  rarity among the events the mention is compared with (inverse document frequency: a word every
  nearby event holds, "killed" or the city's name, tells less than "garages" or "hospital").

A mention joins the best event scoring at least ``THRESHOLD``; otherwise it starts a new one.

A reference (a statement or denial with no event of its own) has no type: it must match on place
(within 10 km, or its region holds the event's town, or the same name wherever the gazetteer
placed the two), date (two days; a reference with no date of
its own may come up to three days after the event) and words. One that fits no stored event waits
(the store's ``pending_references``) and is matched, by the same rule, against each event created
later: a denial published before the report of the strike it denies joins it when it comes.

Reconciliation (UCDP GED's spirit): each source contributes its own low/best/high for a count.
The event's low is the lowest of the sources' lows, its high the highest figure any source gives,
and its best the median of the sources' best figures (the lower median), so that one outlier
neither sets nor drags the best estimate. A source that reports no casualties counts as 0. The
type, place and actors are those told by most sources (the earliest report on a tie); the date
is the day most sources tell (the earliest on a tie; publication dates that stand in for
an untold date count only when no source tells one). ``contested`` is set when sources give
different best figures or blame different sides.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources

import yaml

from ..geo.gazetteer import distance_km, normalize_name

THRESHOLD = 2.5
DISTINCT_MEANS = -5.0  # a strike by other means than every source of the event tells
DISTINCT_KIND = -5.0  # a bombing against a ground assault that every source of the event tells
NAMED_BESIDE = 1.5  # one report's place is named beside the other's (its district, the town it is near)
UNPLACED_NAMES = -1.0  # two names the gazetteer places nowhere, neither named by the other's report
UNREST_AND_VIOLENCE = -2.0  # one source tells a protest or riot, the other political violence
UNANCHORED = -1.0  # no place, no side and no named place in common: only the type and the day
HOMONYM = 1.0  # one name placed far apart or in two countries: the gazetteer chose different namesakes
FAMILIES = {
    "Battles": "violence",
    "Explosions/Remote violence": "violence",
    "Violence against civilians": "violence",
    "Protests": "unrest",
    "Riots": "unrest",
    "Strategic developments": "strategic",
}
# developments one source tells of a fight another tells as violence: an intercepted strike (a strike
# for the side it hit), a base set up in a town just taken (a capture), looting in a raid, a handover told as a capture;
# arrests at a protest another source tells as the protest
BRIDGES = {"Disrupted weapons use": ("violence",), "Headquarters or base established": ("violence",),
           "Looting/property destruction": ("violence",), "Non-violent transfer of territory": ("violence",),
           "Arrests": ("unrest",)}
_WORD = re.compile(r"[a-z]{4,}")
_STOP = {"said", "that", "with", "were", "from", "their", "have", "this", "they", "which", "after", "according",
         "reported", "forces", "there", "been", "also", "when", "into", "over", "near"}
_STRADDLES = re.compile(r"night|overnight|midnight|early hours|dawn|\blate\b|\d\s*[-\u2013]\s*\d", re.I)  # "the night of 12-13", "12-13 May"
_WIDE = ("region", "country")  # places that may hold another
# what delivered a remote strike, as sources name it: a rocket may be called a missile, an air strike a drone's
_MEANS = {"artillery": {"guns"}, "mortar": {"guns"}, "armoured vehicle": {"guns"}, "anti-tank weapon": {"guns"},
          "rocket artillery": {"guns", "missiles"}, "missile": {"missiles"}, "drone": {"air"}, "aircraft": {"air"},
          "helicopter": {"air"}, "IED": {"bomb"}, "landmine": {"bomb"}}
# the kind of attack: a bombing (told by its sub-event type or by an explosive among the weapons)
# or a ground assault (an armed clash or an attack that names no explosive)
_PLANTED = {"Suicide bomb", "Remote explosive/landmine/IED"}  # a bomb is their means, whatever weapons are named
_BOMBINGS = _PLANTED | {"Grenade"}
_ASSAULTS = {"Armed clash", "Attack"}
_ASSAULT_WORDS = re.compile(r"\b(?:storm|raid|ambush|assault|overr[au]n|clash|fight|gun(?:men|fire|fights?|battles?|shots?|trucks?)|encounter|"
                            r"opened fire|exchange of fire|shot|shooting|fired (?:at|on|upon)|repel|repuls|rifle)", re.I)
_GUNS = {"small arms", "bladed weapon"}
_SHOOTING = re.compile(r"\b(?:shot|shooting|shoot|gun(?:men|man|fire|fights?|shots?)|opened fire|fired (?:at|on|upon)|"
                       r"rifles?|snipers?|bullets?)", re.I)
_EXPLOSIVE = {"IED", "explosives", "landmine"}


@dataclass
class Candidate:
    event_id: int
    record: dict  # the event's reconciled record
    report_ids: set[int]
    words: set[str]
    mentions: list[dict] = field(default_factory=list)  # what each source said of it (references excluded)


def words_of(record: dict) -> set[str]:
    text = " ".join(e["text"] for e in record.get("evidence", []))
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP}


def _families(record: dict) -> set[str | None]:
    """The event families a record may belong to (one, or two for a development told of a fight)."""
    return {FAMILIES.get(record["event_type"]), *BRIDGES.get(record["sub_event_type"], ())}


def _sides(record: dict) -> set[str]:
    return {a["side"] for a in (record.get("actor1"), record.get("actor2")) if a and a.get("side")}


def _date_told(record: dict) -> str | None:
    """The words that gave the record its date ("on 13 September", "overnight"), or None when the
    report tells no date and its publication date stands in."""
    if "date_told" in record:  # a reference record says so itself
        return record["date_told"]
    return next((e["text"] for e in record.get("evidence", []) if e["field"] == "date"), None)


def _day_gap(a: dict, b: dict) -> int | None:
    """Days between two records' dates; None when too far apart to be one incident."""
    da, db = dt.date.fromisoformat(a["date"]), dt.date.fromisoformat(b["date"])
    days = abs((da - db).days)
    if "week" in (a.get("date_precision"), b.get("date_precision")):
        return days if days <= 7 else None
    if days <= 1:
        return days
    untold = [r for r, other in ((a, db), (b, da)) if _date_told(r) is None and dt.date.fromisoformat(r["date"]) > other]
    return days if untold and days <= 4 else None


def _holds(wide: dict, town: dict) -> bool:
    """Whether a region or country (``wide``) holds a place: same country, and for a region the
    town's admin1 names it (or the town has no admin1 to tell)."""
    if not wide.get("country") or wide.get("country") != town.get("country"):
        return False
    if wide.get("precision") == "country" or not town.get("admin1"):
        return True
    a, b = normalize_name(wide.get("admin1") or wide.get("name") or ""), normalize_name(town["admin1"])
    return bool(a) and (a in b or b in a or any(
        country == town["country"] and (old in b or b in old) and a in new for (country, old), new in _former().items()))


@functools.cache
def _former() -> dict[tuple[str, str], frozenset[str]]:
    """(country, old province) -> the provinces split from it (``data/provinces.yaml``), normalised."""
    data = yaml.safe_load(resources.files("ceasefire.data").joinpath("provinces.yaml").read_text(encoding="utf-8"))
    return {(country, normalize_name(old)): frozenset(normalize_name(n) for n in new)
            for country, olds in (data.get("former") or {}).items() for old, new in olds.items()}


_ARTICLE = re.compile(r"\b(?:al|el|ash|as|ad|ar|an|at|az|ul|ceel|e|i)\s")
_SOFT = re.compile(r"[aeiouyhw\s]")


def spelling(name: str) -> str:
    """A place name's skeleton, the same for its transliterations: no articles, vowels or soft
    letters ("Jisr ash-Shugur" and "Jisr Al-Shoghour", "Pul-e Khumri" and "Pul-i-Khumri")."""
    key = _ARTICLE.sub("", normalize_name(name) + " ")
    return _SOFT.sub("", key.replace("q", "k").replace("dj", "j").replace("ou", "u"))


_FEATURE_WORD = re.compile(r"(?<=\w) (?:local government area|local government|lga|township|district|territory|county|"
                           r"province|governorate|oblast|raion|municipality|locality|cercle|department|region|state|"
                           r"village|town|city|community|camp|idp site|idp camp|idp|site)$")


def _bare(name: str) -> str:
    """A name with no article, space, hyphen or feature word: "Ad Daraj" and "Daraj", "Ywa Thit" and
    "Ywathit", "Bokkos Local Government Area" and "Bokkos", "Yei County" and "Yei"."""
    return _ARTICLE.sub("", _FEATURE_WORD.sub("", normalize_name(name)) + " ").replace(" ", "")


def _consonants(name: str) -> str:
    """A name's consonants ("Al-Khuwei" and "Al-Khiwai": khw), with "th" and "dh" one sound ("Thiban", "Dhiban"),
    and "q", "g" and "k" one (the Arabic qaf: "Kadugli", "Kaduqli")."""
    bare = _bare(name).replace("dh", "th").replace("ou", "u")
    return re.sub(r"[aeiouy]", "", re.sub(r"[qg]", "k", bare))


def _same_name(ml: dict, el: dict) -> bool:
    a, b = ml.get("name"), el.get("name")
    if not a or not b:
        return False
    na, nb = normalize_name(a), normalize_name(b)
    if na == nb or _FEATURE_WORD.sub("", na) == _FEATURE_WORD.sub("", nb):  # "Yei County" and "Yei"
        return True
    ba, bb = _bare(a), _bare(b)
    if ba == bb and len(ba) >= 4:
        return True
    if min(len(ba), len(bb)) < 6:  # "Tera" and "Tara" are two towns
        return False
    ka, ca = spelling(a), _consonants(a)
    return (len(ka) >= 3 and ka == spelling(b)) or (len(ca) >= 3 and ca == _consonants(b))


def _place_score(ml: dict, el: dict) -> float | None:
    """Points for two locations (see the module docstring); None when they cannot be one place."""
    same_name = _same_name(ml, el)
    wide = [loc for loc in (ml, el) if loc.get("precision") in _WIDE]
    if wide and not same_name:
        if len(wide) == 2:
            return 0.0 if ml.get("country") == el.get("country") else None
        other = el if wide[0] is ml else ml
        if not _placed(other):
            return 0.0  # a place the gazetteer does not know: nothing to say where it is
        return 0.0 if _holds(wide[0], other) else None
    if ml.get("lat") is not None and el.get("lat") is not None:
        km = distance_km(ml["lat"], ml["lon"], el["lat"], el["lon"])
        if km > 60:
            return HOMONYM if same_name else None
        if km <= 1 or same_name:
            return 3.0
        if all(loc.get("precision") in ("town", "exact") for loc in (ml, el)):
            return -4.0  # two different towns
        return 1.5 if km <= 10 else 0.5 if km <= 40 else 0.0
    if ml.get("country") and el.get("country") and ml["country"] != el["country"] and _placed(ml) and _placed(el):
        return HOMONYM if same_name else None
    if same_name:
        return 3.0
    return UNPLACED_NAMES if ml.get("name") and el.get("name") and not (_placed(ml) or _placed(el)) else 0.0


def _placed(loc: dict) -> bool:
    """Whether a location places the event: coordinates, or a region or country the report names
    (a village the gazetteer lacks keeps a country guessed from the sides, with no precision)."""
    return loc.get("lat") is not None or loc.get("precision") in _WIDE


def _apart(a: dict, b: dict) -> bool:
    """Two towns (not districts) of one country more than 60 km apart: the place one report names beside its own is
    context ("the fighters who took Bukavu reached Uvira"), not a namesake the gazetteer misplaced."""
    if a.get("lat") is None or b.get("lat") is None or a.get("country") != b.get("country") \
            or not all(loc.get("precision") in ("town", "exact") for loc in (a, b)):
        return False  # a district may be a town's ("Dniprovskyi district", Kherson) that the gazetteer put elsewhere
    return distance_km(a["lat"], a["lon"], b["lat"], b["lon"]) > 60


def _cross_named(a: dict, b: dict) -> bool:
    """Whether one record's place is among the other places the other's report names beside its own."""
    la, lb = a.get("location") or {}, b.get("location") or {}
    return any(_same_name(la, {"name": n}) for n in b.get("places_named") or []) or any(
        _same_name(lb, {"name": n}) for n in a.get("places_named") or [])


def _date_score(mention: dict, event: dict) -> float | None:
    """Points for the dates of a mention and an event; None when too far apart."""
    days = _day_gap(mention, event)
    if days is None:
        return None
    if days == 0:
        return 1.0
    told = [_date_told(mention), _date_told(event)]
    if days == 1 and "week" not in (mention.get("date_precision"), event.get("date_precision")) and all(told) \
            and not any(_STRADDLES.search(t) for t in told):
        return None  # both say which day, and the days differ
    return 0.0


def _pair_score(mention: dict, other: dict) -> float | None:
    """How well a mention fits one record of an event (its reconciled record or one of its mentions)
    on place, actors, type and figures; None when it cannot be the same incident."""
    apart = 0.0
    mine, theirs = _families(mention), _families(other)
    if not mine & theirs:
        if mine | theirs != {"violence", "unrest"}:
            return None
        apart = UNREST_AND_VIOLENCE  # "police fired on the marchers": a protest to one source, an attack to another
    if _day_gap(mention, other) is None:
        return None
    ml, ol = mention.get("location") or {}, other.get("location") or {}
    s = _place_score(ml, ol)
    if _cross_named(mention, other) and (s is not None or not _apart(ml, ol)):
        s = max(s if s is not None else 0.0, NAMED_BESIDE)  # "Khnatsakh ... the Goris medical centre" and "near Goris"
    if s is None:
        return None
    s += apart
    ms, es = _sides(mention), _sides(other)
    if ms and es:
        shared = len(ms & es)
        s += min(shared, 2) if shared else -1.0
    if mention["event_type"] == other["event_type"]:
        s += 1.5
    if mention["sub_event_type"] == other["sub_event_type"]:
        s += 1.0
    mf, of = (mention.get("fatalities") or {}).get("best"), (other.get("fatalities") or {}).get("best")
    if mf and mf == of:
        s += 1.0
    return s


def _reference_score(mention: dict, mention_words: set[str], cand: Candidate) -> float | None:
    event = cand.record
    ml, el = mention.get("location") or {}, event.get("location") or {}
    gap = (dt.date.fromisoformat(mention["date"]) - dt.date.fromisoformat(event["date"])).days
    late = mention.get("date_told") is None and 0 <= gap <= 3  # a statement with no date, after the event
    days = 0 if late else abs(gap)
    if days > 2:
        return None
    unplaced = el.get("lat") is None or ml.get("lat") is None
    if _same_name(ml, el):
        pass  # the same name, however the gazetteer placed the two (a namesake, the district): the place the sources wrote
    elif ml.get("precision") in _WIDE:
        if not _holds(ml, el):
            return None
    elif unplaced or distance_km(ml["lat"], ml["lon"], el["lat"], el["lon"]) > 10:
        return None
    overlap = len(mention_words & cand.words) / len(mention_words | cand.words) if mention_words and cand.words else 0
    return 4.0 + 3.0 * overlap - days


def _means(record: dict) -> set[str]:
    told = {m for w in record.get("weapons") or [] for m in _MEANS.get(w.get("class") or "", ())}
    return told | {"bomb"} if record["sub_event_type"] in _PLANTED else told


def _kind(record: dict) -> str | None:
    """"bombing", "stabbing", "shooting", another ground "assault", or None when the record tells none
    of these (shelling, a capture, a protest, an attack told without how)."""
    explosive = any((w.get("class") or "") in _EXPLOSIVE for w in record.get("weapons") or [])
    if record["sub_event_type"] in _BOMBINGS or explosive:
        return "bombing"
    if record["sub_event_type"] not in _ASSAULTS:
        return None
    classes = {w.get("class") or "" for w in record.get("weapons") or []}
    text = " ".join(e["text"] for e in record.get("evidence", []))
    if classes & _GUNS == {"bladed weapon"} and not _SHOOTING.search(text):
        return "stabbing"  # a knife or a machete and no gun: not the shooting in the same town
    if "small arms" in classes or _SHOOTING.search(text):
        return "shooting"
    return "assault" if classes & _GUNS or _ASSAULT_WORDS.search(text) else None  # "officers died": not told how


def _distinct_kinds(kind: str, others: set[str | None]) -> bool:
    """Whether an attack told as ``kind`` cannot be the one every source of an event tells as
    ``others``: a bombing is no ground assault (a shooting is one), a stabbing no shooting."""
    if not kind or None in others:
        return False
    if kind == "bombing":
        return "bombing" not in others
    if kind == "stabbing":
        return others <= {"shooting", "bombing"}
    if kind == "shooting":
        return others <= {"stabbing", "bombing"}
    return others == {"bombing"}  # an assault


def rarity(candidates: list[Candidate]) -> dict[str, float]:
    """Each word's weight among the events a mention is compared with (inverse document frequency):
    words that many nearby events share ("killed", "shelling", the city's name) tell little."""
    df = Counter(w for c in candidates for w in c.words)
    n = len(candidates)
    return {w: math.log((n + 1) / (k + 1)) + 1.0 for w, k in df.items()}


def text_similarity(words: set[str], cand: Candidate, weights: dict[str, float] | None = None) -> float:
    """The weighted Jaccard similarity of a mention's evidence words with the event's, 0 to 1; words
    weighted by :func:`rarity` (an unseen word weighs most)."""
    if not words or not cand.words:
        return 0.0
    weights = weights or {}
    top = max(weights.values(), default=1.0)

    def weight(found: set[str]) -> float:
        return sum(weights.get(w, top) for w in found)

    return weight(words & cand.words) / weight(words | cand.words)


def score(mention: dict, mention_words: set[str], report_id: int, cand: Candidate,
          weights: dict[str, float] | None = None) -> float | None:
    """How well a mention fits a stored event; None when it cannot be the same incident
    (see the module docstring). ``weights``: the words' weights among the candidates (:func:`rarity`)."""
    if report_id in cand.report_ids:
        return None
    if mention.get("reference"):
        return _reference_score(mention, mention_words, cand)
    date = _date_score(mention, cand.record)
    scores = [s for s in (_pair_score(mention, r) for r in [cand.record, *cand.mentions]) if s is not None]
    if date is None or not scores:
        return None
    s = date + max(scores)
    means, event_means = _means(mention), set().union(*(_means(r) for r in [cand.record, *cand.mentions]))
    if means and event_means and not means & event_means:
        s += DISTINCT_MEANS  # a drone strike is not the shelling the event's sources tell
    kind, event_kinds = _kind(mention), {_kind(r) for r in cand.mentions or [cand.record]}
    if _distinct_kinds(kind, event_kinds):
        s += DISTINCT_KIND  # a suicide bombing is not the assault on the base the event's sources tell
    if not any(_anchored(mention, r) for r in [cand.record, *cand.mentions]):
        s += UNANCHORED  # nothing but the type and the day in common
    return s + 4.0 * text_similarity(mention_words, cand, weights)


def _anchored(mention: dict, other: dict) -> bool:
    """Whether two records share a place (the same or a nearby one, one holding the other, or one named
    beside the other) or a side: what ties a report that names no known place to an event."""
    place = _place_score(mention.get("location") or {}, other.get("location") or {})
    if (place is not None and place > 0) or _cross_named(mention, other):
        return True
    if place == 0.0 and _holds_either(mention.get("location") or {}, other.get("location") or {}):
        return True
    return bool(_sides(mention) & _sides(other))


def _holds_either(a: dict, b: dict) -> bool:
    return any(w.get("precision") in _WIDE and _holds(w, t) for w, t in ((a, b), (b, a)))


def best_match(mention: dict, report_id: int, candidates: list[Candidate]) -> Candidate | None:
    words = words_of(mention)
    weights = rarity(candidates)
    scored = [(score(mention, words, report_id, c, weights), c) for c in candidates]
    scored = [(s, c) for s, c in scored if s is not None and s >= THRESHOLD]
    return max(scored, key=lambda x: x[0])[1] if scored else None


def reconcile_count(figures: list[dict | None]) -> dict | None:
    """Reconcile each source's {low, best, high} into one (see the module docstring)."""
    given = [f for f in figures if f]
    if not given:
        return None
    lows = [f["low"] if f.get("low") is not None else f.get("best") for f in given]
    lows = [x for x in lows if x is not None]
    bests = sorted(f["best"] for f in given if f.get("best") is not None)
    highs = [x for f in given for x in (f.get("high"), f.get("best")) if x is not None]
    best = bests[(len(bests) - 1) // 2] if bests else None
    return {"low": min(lows) if lows else None, "best": best, "high": max(highs) if highs else None}


def _vote(values: list, default=None):
    values = [v for v in values if v is not None]
    if not values:
        return default
    counts = Counter(values)
    top = max(counts.values())
    return next(v for v in values if counts[v] == top)


def reconcile(records: list[dict], sources: list[str | None]) -> dict:
    """One event record from the mentions of every source (mentions in report order).
    References (statements and denials with no event of their own) add their claims and outlets
    but no figures."""
    references = [r for r in records if r.get("reference")]
    records = [r for r in records if not r.get("reference")]
    first = records[0]
    merged = dict(first)
    sub = _vote([r["sub_event_type"] for r in records])
    merged["sub_event_type"] = sub
    merged["event_type"] = next(r["event_type"] for r in records if r["sub_event_type"] == sub)
    day = [r for r in records if r.get("date_precision") == "day"] or records
    told = [r for r in day if _date_told(r)]
    if told:  # the day most sources tell (the earliest on a tie), over publication dates standing in
        counts = Counter(r["date"] for r in told)
        merged["date"] = min(d for d, n in counts.items() if n == max(counts.values()))
        merged["date_told"] = next(_date_told(r) for r in told if r["date"] == merged["date"])
    else:
        merged["date"] = min(r["date"] for r in day)
        merged["date_told"] = None
    merged["date_precision"] = "day" if any(r.get("date_precision") == "day" for r in records) else first["date_precision"]
    located = [r["location"] for r in records if r.get("location") and r["location"].get("lat") is not None]
    named = [r["location"] for r in records if r.get("location")]
    pool = located or named
    if pool:
        name = _vote([loc.get("name") for loc in pool])
        merged["location"] = next(loc for loc in pool if loc.get("name") == name)
    for role in ("actor1", "actor2"):
        actors = [r.get(role) for r in records if r.get(role)]
        if actors:
            name = _vote([a["name"] for a in actors])
            merged[role] = next(a for a in actors if a["name"] == name)
    for count in ("fatalities", "wounded"):
        merged[count] = reconcile_count([r.get(count) for r in records])
    merged["ceasefire_violation"] = any(r.get("ceasefire_violation") for r in records)
    territory = [r["territory_change"] for r in records if r.get("territory_change")]
    merged["territory_change"] = territory[0] if territory else None
    weapons: dict[str, dict] = {}
    for r in records:
        for w in r.get("weapons", []):
            weapons.setdefault(w["name"], w)
    merged["weapons"] = list(weapons.values())
    merged["claimed_by"] = sorted({c for r in records + references for c in r.get("claimed_by", [])
                                   if not r.get("denial")})
    merged["denied_by"] = sorted({c for r in records + references for c in r.get("denied_by", [])}
                                 | {c for r in references if r.get("denial") for c in r.get("claimed_by", [])})
    bests = {(r.get("fatalities") or {}).get("best") for r in records if r.get("fatalities")}
    blamed = {(r.get("actor1") or {}).get("side") for r in records if r.get("actor1")}
    merged["contested"] = (len(bests - {None}) > 1 or len(blamed - {None}) > 1 or bool(merged["denied_by"])
                           or any(r.get("denial") for r in references))
    merged["references"] = len(references)
    merged["sources"] = sorted({s for s in sources if s})
    merged["number_of_sources"] = len(merged["sources"]) or 1
    merged["evidence"] = []  # evidence stays with each mention (offsets are into that mention's report)
    merged["report_id"] = None
    return merged
