"""Casualty figures: who was killed, wounded, captured or went missing, and how many.

Reads number phrases ("two", "at least 14", "dozens of", "5-8") and casualty words
("killed", "wounded", "dead") in each sentence and pairs them: "N <who> were killed"
(number before the word) or "killing N <who>" / "Fatalities: N" (number after). Pending
figures ("the number of wounded is being verified") and explicit zeros ("no casualties")
are recorded too. Words and conventions come from ``numbers.yaml``.
"""

from __future__ import annotations

import re
from functools import cache

from ..models import Count
from .document import Analysis, CasualtyHit
from .lexicon import Lexicon

REQUIRES = ("sentences", "dates", "cues")
ASSIGNS = ("casualties",)

_WORD = re.compile(r"[\w'\u2019\-]+|[^\w\s]")
_CLAUSE_BREAK = {";", ":", "(", ")", '"'}


class _Grammar:
    def __init__(self, lex: Lexicon) -> None:
        n = lex.numbers
        self.words = {k.lower(): v for k, v in n["words"].items()}
        self.vague = {k.lower(): v for k, v in n["vague"].items()}
        units = [w for w, v in self.words.items() if v < 10 and " " not in w and w not in ("a", "an", "both", "single")]
        tens = [w for w, v in self.words.items() if v in (20, 30, 40, 50, 60, 70, 80, 90)]
        word_alt = "|".join(sorted((re.escape(w) for w in self.words), key=len, reverse=True))
        vague_alt = "|".join(sorted((re.escape(w) for w in self.vague), key=len, reverse=True))
        single = rf"(?:{'|'.join(tens)})[\s\-](?:{'|'.join(units)})|\d{{1,3}}(?:,\d{{3}})+|\d+|{word_alt}"
        mods = {
            "at_least": n["at_least"],
            "more_than": n["more_than"],
            "at_most": n["at_most"],
            "about": n["about"],
        }
        mod_alt = "|".join(
            rf"(?P<{name}>{'|'.join(sorted(map(re.escape, words), key=len, reverse=True))})"
            for name, words in mods.items()
        )
        self.number = re.compile(
            rf"(?<![\w\-.,/:])(?:(?:{mod_alt})\s+)?(?:between\s+)?"
            rf"(?:(?P<vague>{vague_alt})|(?P<n1>{single})(?:\s*(?:-|to|or|and)\s*(?P<n2>{single}))?)"
            rf"(?![\w/:%]|[.,]\d|-[A-Za-z])",
            re.IGNORECASE,
        )
        who_words = {w for ws in n["who"].values() for w in ws}
        who_words |= {w[:-1] for w in who_words if w.endswith("s") and len(w) > 4}
        who_alt = "|".join(sorted((re.escape(w) for w in who_words), key=len, reverse=True))
        self.who_class = {w.lower(): c for c, ws in n["who"].items() for w in ws}
        self.who_class.update({w.lower()[:-1]: c for c, ws in n["who"].items() for w in ws if w.endswith("s")})
        self.who_group = {w.lower(): g for g, ws in n.get("groups", {}).items() for w in ws}
        self.who = re.compile(rf"(?<![\w\-])(?:{who_alt})(?:s|es)?(?![\w\-])", re.IGNORECASE)
        verb_alt = "|".join(
            sorted((re.escape(w) for ws in n["verbs"].values() for w in ws), key=len, reverse=True)
        )
        self.verb_kind = {w.lower(): k for k, ws in n["verbs"].items() for w in ws}
        self.verb = re.compile(rf"(?<![\w\-])(?:{verb_alt})(?![\w\-])", re.IGNORECASE)
        self.person_only = {w.lower() for w in n.get("person_only", [])}
        self.phrases = [(re.compile(rf"(?<![\w\-])(?:{pattern})(?![\w\-])", re.IGNORECASE), kind)
                        for kind, patterns in n.get("phrases", {}).items() for pattern in patterns]
        self.singular = {w.lower() for w in n.get("singular", [])}
        self.mourning = re.compile(rf"(?<![\w\-])(?:{n['mourning']})(?![\w\-])", re.IGNORECASE) if n.get("mourning") else None
        self.pending = re.compile("|".join(n["pending"]), re.IGNORECASE)
        self.none = [(re.compile(item["pattern"], re.IGNORECASE), tuple(item["sets"])) for item in n["none"]]
        self.toll = re.compile(r"\b(?:toll|tally)\b", re.IGNORECASE)

    def value(self, token: str) -> int | None:
        token = token.lower().replace(",", "")
        if token.isdigit():
            return int(token)
        if token in self.words:
            return int(self.words[token])
        parts = re.split(r"[\s\-]", token)
        if len(parts) == 2 and parts[0] in self.words and parts[1] in self.words:
            return int(self.words[parts[0]]) + int(self.words[parts[1]])
        return None

    def count(self, m: re.Match[str]) -> Count | None:
        if m.group("vague"):
            low, best, high = self.vague[re.sub(r"\s+", " ", m.group("vague").lower())]
            return Count(low=low, best=best, high=high)
        a = self.value(m.group("n1"))
        b = self.value(m.group("n2")) if m.group("n2") else None
        if a is None:
            return None
        if b is not None and b > a:
            return Count(low=a, best=a, high=b)
        if m.group("at_least"):
            return Count(low=a, best=a, high=None)
        if m.group("more_than"):
            return Count(low=a + 1, best=a + 1, high=None)
        if m.group("at_most"):
            return Count(low=None, best=a, high=a)
        return Count(low=a, best=a, high=a)


@cache
def _grammar(lex: Lexicon) -> _Grammar:
    return _Grammar(lex)


def find_casualties(doc: Analysis, lex: Lexicon) -> None:
    """Add a :class:`CasualtyHit` for every casualty figure, zero or pending count."""
    g = _grammar(lex)
    text = doc.match_text
    date_spans = [(d.start, d.end) for d in doc.dates]
    told = {c.sentence for c in doc.cues if not c.unreal and not c.weak and c.family == "violence"}
    for sent in doc.sentences:
        s, e = sent.start, sent.end
        if g.mourning and sent.index not in told and g.mourning.search(text, s, e):
            continue  # "Hezbollah mourns one of its fighters, martyred on the road to Jerusalem": a notice, no incident
        verbs = [m for m in g.verb.finditer(text, s, e)]
        phrase_kind: dict[int, str] = {}  # start of a phrase casualty word -> its kind
        for regex, kind in g.phrases:
            for m in regex.finditer(text, s, e):
                if not any(v.start() <= m.start() < v.end() for v in verbs):
                    verbs.append(m)
                    phrase_kind[m.start()] = kind
        zeroed: set[str] = set()
        for regex, kinds in g.none:
            for m in regex.finditer(text, s, e):
                for kind in kinds:
                    if kind in zeroed:
                        continue
                    zeroed.add(kind)
                    doc.casualties.append(
                        CasualtyHit(m.start(), m.end(), sent.index, kind, "unknown", None, Count(low=0, best=0, high=0))
                    )
        if not verbs:
            continue
        numbers = [
            m
            for m in g.number.finditer(text, s, e)
            if not any(a <= m.start() < b for a, b in date_spans) and not _is_year(m)
            and not _SUBSET.search(text, max(s, m.start() - 14), m.start())
        ]
        words = [(w.start(), w.end(), w.group()) for w in _WORD.finditer(text, s, e)]
        pairs = []
        for vi, v in enumerate(verbs):
            if _combined(text, v, s, e):
                continue  # "killing and wounding about 60": one figure for both, neither toll
            for ni, num in enumerate(numbers):
                if num.end() <= v.start():  # "N <who> were killed"
                    between = _words_between(words, num.end(), v.start())
                    if any(w in _CLAUSE_BREAK for w in between):
                        continue
                    who = _first(g.who, text, num.end(), v.start())
                    limit = 9 if who else 2
                    if len(between) > limit or _has_other(numbers, verbs, num.end(), v.start()):
                        continue
                    if _article_without_who(num, who) and (between or v.group().lower() not in g.singular):
                        continue  # "one fatality" counts, "one was killed" does not
                    pairs.append((len(between), vi, ni, who))
                elif num.start() >= v.end():  # "killing N <who>", "Fatalities: N"
                    between = _words_between(words, v.end(), num.start())
                    if len(between) > 3 or any(w in {";", "("} for w in between):
                        continue
                    if any(w.lower() in _PREPOSITIONS for w in between):
                        continue  # "killed in an Israeli strike", "wounded by a sniper": no figure
                    if _has_other(numbers, verbs, v.end(), num.start()):
                        continue
                    tail_end = min(e, num.end() + 60)
                    who = _first(g.who, text, num.end(), tail_end, max_gap=3)
                    if _article_without_who(num, who):
                        continue
                    if not who and not _after_ok(text, num.end(), e, between):
                        continue
                    pairs.append((len(between) + 0.5, vi, ni, who))
        used_v: set[int] = set()
        used_n: set[int] = set()
        chosen = []
        for _dist, vi, ni, who in sorted(pairs, key=lambda p: p[0]):
            if vi in used_v or ni in used_n:
                continue
            used_v.add(vi)
            used_n.add(ni)
            chosen.append((vi, ni, who))
        # "one soldier and seven assailants were killed", "killing four Armenian and three
        # Azerbaijani servicemen": numbers joined by "and"/"," share the casualty word.
        for vi, ni, who in list(chosen):
            for nj, other in enumerate(numbers):
                if nj in used_n:
                    continue
                lo, hi = sorted((numbers[ni], other), key=lambda m: m.start())
                gap = text[lo.end() : hi.start()]
                if len(gap) > 40 or not re.search(r"(?:,|\band\b)\s*(?:\w+\s+)?$", gap) or re.search(r"[;.]", gap):
                    continue
                if _has_other(numbers, verbs, lo.end(), hi.start()):
                    continue
                other_who = _first(g.who, text, other.end(), min(e, other.end() + 40), max_gap=2)
                if other_who is None and other is lo and _SHARED_NOUN.match(gap):
                    other_who = who  # "four Armenian and three Azerbaijani servicemen"
                if other_who is None or (other.group("n1") or "").lower() in ("a", "an"):
                    continue
                used_n.add(nj)
                chosen.append((vi, nj, other_who))
        cumulative = bool(_CUMULATIVE.search(text, s, e)) and not any(
            d.sentence == sent.index and not d.background for d in doc.dates)
        for vi, ni, who in chosen:
            v, num = verbs[vi], numbers[ni]
            kind = phrase_kind.get(v.start()) or g.verb_kind.get(v.group().lower(), "killed")
            person_only = v.group().lower() in g.person_only or v.start() in phrase_kind
            if not who and (kind in ("captured", "missing") or person_only):
                continue  # "two drones were neutralised" counts nobody
            count = g.count(num)
            if count is None:
                continue
            if cumulative and (count.best or count.low or 0) >= 20:
                continue  # "more than 200 people have been killed": a running war toll, not this incident
            who_class = g.who_class.get(who.group().lower(), "unknown") if who else "unknown"
            lo, hi = min(num.start(), v.start()), max(num.end(), v.end())
            if who:
                lo, hi = min(lo, who.start()), max(hi, who.end())
            side = _side_near(doc, lex, num.start(), _who_phrase_end(text, who.end(), e) if who else hi)
            update = bool(g.toll.search(text, max(s, lo - 30), hi))
            group = _group(g, who.group().lower()) if who else None
            also = bool(re.search(r"\balso\b", text[lo:hi]))
            doc.casualties.append(
                CasualtyHit(lo, hi, sent.index, kind, who_class, side, count, update=update, group=group, also=also)
            )
        for m in g.pending.finditer(text, s, e):
            # The figure of the casualty word nearest the pending phrase is not known yet.
            nearest = min(verbs, key=lambda v: abs(v.start() - m.start()))
            kind = g.verb_kind.get(nearest.group().lower(), "killed")
            if kind == "killed" and nearest.group().lower() in ("casualties",):
                kind = "wounded"
            doc.casualties.append(
                CasualtyHit(min(m.start(), nearest.start()), max(m.end(), nearest.end()), sent.index, kind,
                            "unknown", None, None, pending=True)
            )


_KILLED_AND = re.compile(r"\b(?:killing|killed|kill)\s+(?:and|or)\s+$", re.I)
_AND_WOUNDED = re.compile(r"\s+(?:and|or)\s+(?:wounded|injured|wounding|injuring)\b", re.I)


def _combined(text: str, verb: re.Match[str], s: int, e: int) -> bool:
    """A casualty word joined to another of the other kind: "killing and wounding", "killed or injured"."""
    return bool(_KILLED_AND.search(text, max(s, verb.start() - 16), verb.start())
                or _AND_WOUNDED.match(text, verb.end(), e) and verb.group().lower() in ("killing", "killed"))


_CUMULATIVE = re.compile(r"\b(?:have|has)\s+(?:now\s+|so far\s+|reportedly\s+)?(?:been\s+)?(?:killed|died|wounded|injured|lost)\b", re.I)
_PREPOSITIONS = {"in", "by", "during", "on", "at", "near", "from", "with", "after", "when", "while", "as"}
_SHARED_NOUN = re.compile(r"^\s+[A-Z][\w\-]+\s+and\s+$")
_SUBSET = re.compile(r"(?:including|among them|among whom|of whom|of them)\s+(?:at least\s+)?$", re.I)


def _group(g: _Grammar, word: str) -> str | None:
    for key in (word, word[:-1], word[:-2]):
        if key in g.who_group:
            return g.who_group[key]
    return None


def _is_year(m: re.Match[str]) -> bool:
    n1 = m.group("n1")
    return bool(n1 and n1.isdigit() and len(n1) == 4 and 1900 <= int(n1) <= 2100)


def _article_without_who(num: re.Match[str], who: re.Match[str] | None) -> bool:
    """'a' / 'an' / 'one' only count as 1 right before a noun naming people."""
    token = (num.group("n1") or "").lower()
    if token in ("a", "an", "one", "single", "both") and not num.group("n2"):
        return who is None or who.start() - num.end() > 25
    return False


def _words_between(words: list[tuple[int, int, str]], a: int, b: int) -> list[str]:
    return [w for s, e, w in words if s >= a and e <= b]


def _has_other(numbers, verbs, a: int, b: int) -> bool:
    return any(a <= n.start() < b for n in numbers) or any(a <= v.start() < b for v in verbs)


def _first(regex: re.Pattern[str], text: str, a: int, b: int, max_gap: int | None = None) -> re.Match[str] | None:
    m = regex.search(text, a, b)
    if m and max_gap is not None and len(text[a : m.start()].split()) > max_gap:
        return None
    return m


def _after_ok(text: str, a: int, e: int, between: list[str]) -> bool:
    """A bare number after a casualty word counts when it ends the clause ("Fatalities: 2",
    "killing 11 of them")."""
    rest = text[a:e].lstrip()
    return (":" in between or not between) and (
        not rest or rest[0] in ".,;()" or rest.startswith(("and ", "according to", "in total", "so far", "of them")))


def _who_phrase_end(text: str, end: int, limit: int) -> int:
    """The end of "<who> of the Defense Army" / "<who> from the RSF" after a casualty noun."""
    m = re.match(r"\s+(?:of|from)\s+(?:the\s+)?(?:[\w'\-]+\s+){0,4}?[\w'\-]+(?=\s+(?:were|was|had|have|died|killed|wounded|injured)|[,.;])", text[end:limit])
    return end + m.end() if m else end


def _side_near(doc: Analysis, lex: Lexicon, a: int, b: int) -> str | None:
    text = doc.match_text
    for m in lex.demonyms.finditer(text, a, b):
        return m.entry.side
    for m in lex.named_actors.finditer(text, a, b):
        return m.entry.side
    return None
