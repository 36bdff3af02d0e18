"""Attribution: who says so ("X said", "according to X", "X reported", "X denied")."""

from __future__ import annotations

import re

from .document import Analysis, ClaimHit
from .lexicon import Lexicon

REQUIRES = ("sentences",)
ASSIGNS = ("claims",)

_SAY = (
    r"said|says|say|reported|reports|report|claimed|claims|claim|stated|states|announced|announces|"
    r"confirmed|confirms|told|added|noted|alleged|alleges|accused|accuses|wrote|writes|posted|"
    r"tweeted|admitted|admits|insisted|denied|denies|deny|rejected|rejects|refuted|dismissed|"
    r"informed|informs|specified|clarified|warned|stressed|emphasized|emphasised|declared|recorded|documented"
)
_DENY = {"denied", "denies", "deny", "rejected", "rejects", "refuted", "dismissed"}
_NAME = r"[A-Z][\w'\u2019.\-]*(?:\s+(?:of|in|for|and|on|the|de|al-|[A-Z][\w'\u2019.\-]*)){0,7}"
_AFTER_SAY = re.compile(rf"(?<![\w\-])(?P<verb>{_SAY})(?:\s+(?:on|in)\s+\w+)?\s*,?\s+(?:the\s+|a\s+)?(?P<name>{_NAME})(?=\s*(?:[.,;]|$))")
_BEFORE_SAY = re.compile(rf"(?P<name>{_NAME})\s+(?:(?:has|have|had|also|later|then|again|on \w+)\s+)?(?P<verb>{_SAY})(?![\w\-])")
_IN_PLACE = re.compile(r"\s+in\s+[A-Z]")
_AT = re.compile(r"(?<![\w\-])(?:in|on|at|near)\s+$")  # a place before the name: "officials in Kyiv said"
_GENERIC = (
    r"(?:(?:local|security|medical|military|hospital|government|official|humanitarian|health|rescue|emergency|police|"
    r"aid|village|tribal|community|regional|provincial|district)\s+){0,2}"
    r"(?:sources|officials|residents|activists|witnesses|eyewitnesses|medics|doctors|authorities|responders|"
    r"health workers?|workers|leaders|elders|media|monitors|journalists|relatives|survivors)"
)
_ACCORDING = re.compile(rf"(?:[Aa]ccording to|[Cc]iting|cited by|quoted by|as reported by)\s+(?:the\s+|a\s+)?(?P<name>{_NAME}|{_GENERIC})")
_GENERIC_SAY = re.compile(rf"(?<![\w\-])(?P<name>{_GENERIC})\s+(?:\w+\s+)?(?P<verb>said|say|says|reported|told|claimed|added)(?![\w\-])", re.I)
_TITLES = re.compile(
    r"^(?:(?:Deputy|Security|Council|Secretary|Defen[cs]e|Health|Foreign|Interior|Prime|Minister|President|Governor|"
    r"Mayor|Spokes(?:man|woman|person)|Chief|General|Lt\.?|Col\.?|Gen\.?|Major|Commander|Head|Regional|State|Military|"
    r"Army|Police|Senior|Official|Colonel|Brigadier|Lieutenant|Captain)\s+)+(?=[A-Z][\w\-]+\s+[A-Z])")
_NOT_A_NAME = {
    "it", "they", "he", "she", "we", "i", "this", "that", "these", "those", "there", "the", "a", "an",
    "in", "on", "at", "later", "earlier", "meanwhile", "however", "but", "and", "officials",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "statement",
}


def find_claims(doc: Analysis, lex: Lexicon) -> None:
    text = doc.match_text
    for sent in doc.sentences:
        s, e = sent.start, sent.end
        known = list(lex.claimants.finditer(text, s, e))
        found: list[ClaimHit] = []
        for regex in (_ACCORDING, _BEFORE_SAY, _AFTER_SAY, _GENERIC_SAY):
            for m in regex.finditer(text, s, e):
                verb = (m.groupdict().get("verb") or "").lower()
                a, b = m.start("name"), m.end("name")
                where = _IN_PLACE.search(text, a, b)
                if where is not None and regex is not _ACCORDING:
                    b = where.start()  # "Witnesses in Aguelhok told": the witnesses speak, Aguelhok is a place
                name = _known_in(known, a, b) or _clean(text[a:b])
                if not name or lex.demonyms_exact(name):
                    continue
                if regex is _AFTER_SAY and m.start("name") - m.end("verb") > 12:
                    continue
                if regex is _BEFORE_SAY and _AT.search(text, max(s, a - 8), a):
                    continue  # "protests in Nairobi CBD and documented": a place, not who speaks
                found.append(ClaimHit(a, b, sent.index, name, denial=verb in _DENY))
        for k in known:  # a known claimant as subject of a say verb a few words on
            tail = text[k.end : min(e, k.end + 60)]
            v = re.match(rf"\s*(?:[\w'\u2019\-]+\s+){{0,4}}?(?P<verb>{_SAY})(?![\w\-])", tail)
            # "Amaq: A martyrdom-seeker ...": a post or wire flash that opens with its source
            heading = not text[s : k.start].strip(" \t\n\"'\u201c#@") and tail.startswith(":")
            if (v or heading) and not any(c.start <= k.start < c.end for c in found):
                denial = bool(v) and v.group("verb").lower() in _DENY
                found.append(ClaimHit(k.start, k.end, sent.index, k.entry, denial=denial))
        seen: set[str] = set()
        for c in sorted(found, key=lambda c: c.start):
            if c.claimant not in seen:
                seen.add(c.claimant)
                doc.claims.append(c)


def _known_in(known, a: int, b: int) -> str | None:
    for k in known:
        if k.start >= a - 1 and k.end <= b + 1 or (k.start <= a and k.end >= b):
            return k.entry
    return None


def _clean(name: str) -> str | None:
    name = re.sub(r"^(?:The|A|An|the|a|an)\s+", "", name.strip())
    name = _TITLES.sub("", name)
    name = re.sub(r"(?:\s+(?:of|in|for|and|on|the|de))+$", "", name)
    name = name.rstrip(".'\u2019")
    if name.endswith("'s") or name.endswith("\u2019s"):
        return None
    words = name.split()
    if not words or (words[0].lower() in _NOT_A_NAME and len(words) == 1) or len(name) < 3:
        return None
    if words[0].lower() in _NOT_A_NAME and words[0][0].isupper():
        return None
    return name
