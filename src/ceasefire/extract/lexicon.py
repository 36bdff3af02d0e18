"""Domain knowledge loaded from the data files, compiled into fast matchers.

The files live in ``ceasefire/data`` (see their header comments for the format):
``taxonomy.yaml``, ``triggers.yaml``, ``rules.yaml``, ``weapons.yaml``, ``actors.yaml``,
``claimants.yaml``, ``numbers.yaml``. A :class:`Lexicon` is built once per process
(:func:`default_lexicon`) and shared, read-only, by every stage.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ..errors import DataFileError

DATA_FILES = ("taxonomy", "triggers", "rules", "weapons", "actors", "claimants", "numbers")


def _key(text: str) -> str:
    """The lookup key of an alias: lower case, runs of spaces/hyphens/apostrophes folded."""
    return re.sub(r"[\s\-\u2019']+", " ", text.lower()).strip()


def _alias_regex(alias: str) -> str:
    parts = re.split(r"[\s\-]+", alias.strip())
    return r"[\s\-]*".join(re.escape(p).replace("\\'", "['\u2019]") for p in parts)


@dataclass(frozen=True, slots=True)
class Match:
    start: int
    end: int
    text: str
    entry: Any
    groups: dict[str, str] = field(default_factory=dict)


_TOKEN = re.compile(r"[^\W_]+")
_JOIN = re.compile(r"(?:[ \t]*[-'\u2019/][ \t]*|[ \t]+|\.)")


@dataclass(frozen=True, slots=True)
class _Tokens:
    starts: list[int]
    ends: list[int]
    lower: list[str]
    exact: list[str]
    joined: list[bool]  # token i joins token i+1 (only spaces, a hyphen or an apostrophe between)
    hyphen_before: list[bool]


@lru_cache(maxsize=8)
def tokenize(text: str) -> _Tokens:
    """Word tokens of a text, cached: every matcher of one report shares one pass."""
    starts, ends, lower, exact, joined, hyphen = [], [], [], [], [], []
    prev_end = -1
    for m in _TOKEN.finditer(text):
        if starts:
            gap = text[prev_end : m.start()]
            joined.append(bool(_JOIN.fullmatch(gap)))
            hyphen.append(gap == "-")  # "pro-Russian", not "(Wire) - Ukrainian"
        else:
            hyphen.append(m.start() > 0 and text[m.start() - 1] == "-")
        starts.append(m.start())
        ends.append(m.end())
        exact.append(m.group())
        lower.append(m.group().lower())
        prev_end = m.end()
    joined.append(False)
    return _Tokens(starts, ends, lower, exact, joined, hyphen)


class AliasMatcher:
    """Finds whole-word occurrences of many aliases at once (plural ``s``/``es`` allowed).

    Aliases are compared token by token (runs of letters and digits; spaces, hyphens and
    apostrophes between them do not matter), leftmost-longest, through dictionaries: the cost
    grows with the text, not with the number of aliases. All-capital aliases of up to five
    letters (``RSF``, ``IDF``) match case-sensitively; everything else ignores case.
    """

    def __init__(self, entries: dict[str, Any], plurals: bool = True) -> None:
        self.plurals = plurals
        self._lower: dict[tuple[str, ...], Any] = {}
        self._exact: dict[tuple[str, ...], Any] = {}
        for alias, entry in entries.items():
            toks = tuple(t for t in _TOKEN.findall(alias))
            if not toks:
                continue
            if alias.isupper() and len(alias.replace("-", "")) <= 5:
                self._exact.setdefault(toks, entry)
            else:
                self._lower.setdefault(tuple(t.lower() for t in toks), entry)
        self._first_lower = {k[0] for k in self._lower}
        self._first_exact = {k[0] for k in self._exact}
        self._longest = max((len(k) for k in [*self._lower, *self._exact]), default=1)

    def _variants(self, last: str) -> list[str]:
        out = [last]
        if self.plurals:
            if last.endswith("es"):
                out.append(last[:-2])
            if last.endswith("s"):
                out.append(last[:-1])
        return out

    def finditer(self, text: str, start: int = 0, end: int | None = None) -> Iterator[Match]:
        end = len(text) if end is None else end
        tk = tokenize(text)
        i = bisect.bisect_left(tk.starts, start)
        n = bisect.bisect_right(tk.ends, end)
        lower, exact = tk.lower, tk.exact
        while i < n:
            found = None
            if not tk.hyphen_before[i] and (lower[i] in self._first_lower or exact[i] in self._first_exact
                                            or (self.plurals and len(lower[i]) > 2 and
                                                (lower[i][:-1] in self._first_lower or lower[i][:-2] in self._first_lower))):
                j_max = i
                while j_max + 1 < n and j_max - i + 1 < self._longest and tk.joined[j_max]:
                    j_max += 1
                for j in range(j_max, i - 1, -1):
                    if j + 1 < len(tk.starts) and tk.hyphen_before[j + 1] and tk.joined[j]:
                        continue  # "pro-Russian": a match may not stop inside a hyphenated word
                    head_l = tuple(lower[i:j])
                    head_e = tuple(exact[i:j])
                    for last in self._variants(lower[j]):
                        entry = self._lower.get(head_l + (last,))
                        if entry is not None:
                            found = (j, entry)
                            break
                    if found is None:
                        for last in self._variants(exact[j]) if exact[j][:1].isupper() else [exact[j]]:
                            entry = self._exact.get(head_e + (last,))
                            if entry is not None:
                                found = (j, entry)
                                break
                    if found is not None:
                        break
            if found is None:
                i += 1
                continue
            j, entry = found
            a, b = tk.starts[i], tk.ends[j]
            yield Match(a, b, text[a:b], entry)
            i = j + 1


@dataclass(frozen=True, slots=True)
class WeaponEntry:
    name: str
    weapon_class: str
    generic: bool


@dataclass(frozen=True, slots=True)
class ActorEntry:
    name: str
    side: str | None
    kind: str
    country: str | None = None


@dataclass(frozen=True, slots=True)
class SideEntry:
    side: str
    country: str | None
    state_forces: str
    police: str
    civilians: str
    theatres: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Cue:
    name: str
    family: str
    weak: bool
    regex: re.Pattern[str]


class Lexicon:
    """Every data file, parsed and compiled. Build with :func:`load_lexicon`."""

    def __init__(self, raw: dict[str, dict], origin: str) -> None:
        self.origin = origin
        self.versions = {name: raw[name].get("version") for name in raw}
        taxonomy = raw["taxonomy"]
        self.sub_event_types: dict[str, str] = {
            sub: etype for etype, subs in taxonomy["event_types"].items() for sub in subs
        }
        self.actor_kinds: dict[str, int] = dict(taxonomy["actor_kinds"])
        self.cues = [
            Cue(
                name,
                spec["family"],
                spec.get("strength") == "weak",
                re.compile(r"(?<![\w\-])(?:" + "|".join(spec["patterns"]) + r")(?![\w\-])", re.IGNORECASE),
            )
            for name, spec in raw["triggers"]["cues"].items()
        ]
        self.unreal = re.compile(r"(?<![\w\-])(?:" + "|".join(raw["triggers"]["unreal"]) + r")(?![\w\-])")
        self.not_conflict = re.compile(r"(?<![\w\-])(?:" + "|".join(raw["triggers"].get("not_conflict", ["(?!x)x"]))
                                       + r")(?![\w\-])", re.IGNORECASE)
        self.rules: list[dict] = list(raw["rules"]["rules"])
        for rule in self.rules:
            if rule["sub_event_type"] not in self.sub_event_types:
                raise DataFileError(f"rules.yaml: unknown sub-event type {rule['sub_event_type']!r}")
        self._build_weapons(raw["weapons"])
        self._build_actors(raw["actors"])
        claimants = {}
        for entry in raw["claimants"]["claimants"]:
            for alias in [entry["name"], *entry.get("aliases", [])]:
                claimants[alias] = entry["name"]
        self.claimants = AliasMatcher(claimants, plurals=False)
        self.numbers = raw["numbers"]

    def _build_weapons(self, raw: dict) -> None:
        classes = set(raw["classes"])
        aliases: dict[str, WeaponEntry] = {}
        self.weapon_patterns: list[tuple[re.Pattern[str], WeaponEntry]] = []
        for item in raw["weapons"]:
            if item["class"] not in classes:
                raise DataFileError(f"weapons.yaml: {item['name']!r} has unknown class {item['class']!r}")
            entry = WeaponEntry(item["name"], item["class"], bool(item.get("generic", False)))
            for alias in item.get("aliases", []):
                aliases[str(alias)] = entry
            if "{" not in item["name"]:
                aliases.setdefault(item["name"], entry)
            for pattern in item.get("patterns", []):
                self.weapon_patterns.append(
                    (re.compile(rf"(?<![\w\-])(?:{pattern})(?:e?s)?(?![\w\-])", re.IGNORECASE), entry)
                )
        self.weapons = AliasMatcher(aliases)
        self.weapon_classes = classes
        self.implied_weapons: list[tuple[re.Pattern[str], WeaponEntry]] = []
        for item in raw.get("implied", []):
            if item["class"] not in classes:
                raise DataFileError(f"weapons.yaml: implied {item['name']!r} has unknown class {item['class']!r}")
            entry = WeaponEntry(item["name"], item["class"], True)
            for pattern in item["patterns"]:
                self.implied_weapons.append((re.compile(rf"(?<![\w\-])(?:{pattern})(?![\w\-])", re.IGNORECASE), entry))

    def _build_actors(self, raw: dict) -> None:
        self.sides: dict[str, SideEntry] = {}
        demonyms: dict[str, SideEntry] = {}
        for item in raw["sides"]:
            side = SideEntry(
                item["side"],
                item.get("country"),
                item.get("state_forces") or f"Military Forces of {item['side']}",
                item.get("police") or f"Police Forces of {item['side']}",
                item.get("civilians") or f"Civilians ({item['side']})",
                tuple(item.get("theatres") or ()),
            )
            self.sides[item["side"]] = side
            for demonym in item.get("demonyms", []):
                demonyms[demonym] = side
        self.demonyms = AliasMatcher(demonyms, plurals=True)
        self.side_of_country: dict[str, SideEntry] = {}
        for side in self.sides.values():  # the first side listed for a country is its state
            if side.country:
                self.side_of_country.setdefault(side.country, side)
        named: dict[str, ActorEntry] = {}
        for item in raw["actors"]:
            if item["kind"] not in self.actor_kinds:
                raise DataFileError(f"actors.yaml: {item['name']!r} has unknown kind {item['kind']!r}")
            entry = ActorEntry(item["name"], item.get("side"), item["kind"], item.get("country"))
            for alias in [item["name"], *item.get("aliases", [])]:
                named[str(alias)] = entry
        self.named_actors = AliasMatcher(named)

    def demonyms_exact(self, text: str) -> bool:
        """True when ``text`` is only a side's adjective ("Azerbaijani"), not a place."""
        return any(m.start == 0 and m.end == len(text) and text.lower() != m.entry.side.lower()
                   for m in self.demonyms.finditer(text))

    def find_weapons(self, text: str, start: int, end: int) -> Iterator[Match]:
        yield from self.weapons.finditer(text, start, end)
        for regex, entry in self.weapon_patterns:
            for m in regex.finditer(text, start, end):
                groups = {k: v for k, v in m.groupdict().items() if v}
                yield Match(m.start(), m.end(), m.group(0), entry, groups)


def _read_yaml(name: str, directory: Path | None) -> dict:
    if directory is not None:
        path = directory / f"{name}.yaml"
        if not path.exists():
            path = Path(str(resources.files("ceasefire.data").joinpath(f"{name}.yaml")))
    else:
        path = Path(str(resources.files("ceasefire.data").joinpath(f"{name}.yaml")))
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DataFileError(f"cannot read data file {path}: {exc}") from exc
    if not isinstance(data, dict) or "version" not in data:
        raise DataFileError(f"data file {path} must be a mapping with a 'version' key")
    return data


def load_lexicon(directory: str | Path | None = None) -> Lexicon:
    """Load every data file; files in ``directory`` override the bundled ones by name."""
    folder = Path(directory) if directory is not None else None
    if folder is not None and not folder.is_dir():
        raise DataFileError(f"data folder {folder} does not exist")
    raw = {name: _read_yaml(name, folder) for name in DATA_FILES}
    try:
        return Lexicon(raw, origin=str(folder or "bundled"))
    except (KeyError, TypeError, re.error) as exc:
        raise DataFileError(f"malformed data file content: {exc!r}") from exc


@cache
def lexicon_for(directory: str | None = None) -> Lexicon:
    """The lexicon of a data folder (None: the bundled files), loaded once per process."""
    return load_lexicon(directory)


def default_lexicon() -> Lexicon:
    return lexicon_for(None)
