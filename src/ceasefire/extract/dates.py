"""Dates: calendar dates and relative expressions, resolved against the publication date.

"On 9 May 2020", "May 9", "24 March", "2022-03-24" give a day; "on Friday", "yesterday",
"overnight", "last night", "two days ago" are counted back from the publication date;
"last week" / "earlier this week" give the Monday with ``week`` precision; "earlier this
month" / "last month" the first day with ``month`` precision. A year alone is not a date.
Sentences about an earlier time (a different year, dates over 60 days old, "in 2020",
"since the war") are marked as background: they do not make events.
"""

from __future__ import annotations

import datetime as dt
import re

from .document import Analysis, DateHit
from .lexicon import Lexicon

REQUIRES = ("sentences",)
ASSIGNS = ("dates", "background")

MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
         ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
         ("october", "oct"), ("november", "nov"), ("december", "dec")]
    )
    for m in names
}
WEEKDAYS = {d: i for i, d in enumerate(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}
_MON = r"(?P<mon>January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"(?<!\d)(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)(?!\d)")),
    ("dmy", re.compile(rf"(?<![\w])(?:the\s+)?{_DAY}(?:[-\u2013](?:[0-3]?\d))?(?:\s+of)?\s+{_MON}(?:,?\s+{_YEAR})?(?!\w)")),
    ("mdy", re.compile(rf"(?<![\w]){_MON}\s+{_DAY}(?:[-\u2013](?:[0-3]?\d)(?!\d))?(?:,?\s+{_YEAR})?(?![\w:])")),
    ("night", re.compile(r"(?<![\w])(?:overnight|last night|during the night|(?:late )?on the night of (?:\w+ )?to (?:\w+))(?![\w])", re.I)),
    # the small hours of the publication day, or of a day named: "early this morning", "before dawn on Tuesday"
    ("early", re.compile(r"(?<![\w])(?:in the early hours(?: of (?:this|the) morning| of (?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))?|early (?:this|on (?P<wd2>\w+)) morning|(?:before|at) dawn(?: (?:today|on (?P<wd3>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)))?)(?![\w])", re.I)),
    ("yesterday", re.compile(r"(?<![\w])(?:yesterday|the previous day|the day before)(?![\w])", re.I)),
    ("today", re.compile(r"(?<![\w])(?:today|this morning|this afternoon|this evening|tonight|earlier today|earlier in the day|on the same day)(?![\w])", re.I)),
    # "on Sunday, a day after ...", "Two days after the ambush ...": the incident that many days before the day told
    ("after", re.compile(r"(?:(?<![\w])(?:on\s+)?(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+|(?<=^)|(?<=[.!?]\s)|(?<=\n))"
                         r"(?P<n>[Aa]|[Oo]ne|[Tt]wo|[Tt]hree|[Ff]our|\d)\s+days?\s+after(?![\w])")),
    ("ago", re.compile(r"(?<![\w])(?P<n>two|three|four|five|six|\d)\s+days\s+(?:ago|earlier|before)(?![\w])", re.I)),
    ("weekday", re.compile(r"(?<![\w])(?:(?P<last>last)\s+|on\s+|(?:early|late)\s+)?(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?:'s)?(?![\w])")),
    ("week", re.compile(r"(?<![\w])(?P<which>last|earlier this|this|past|previous)\s+week(?:end)?(?![\w])", re.I)),
    ("month", re.compile(r"(?<![\w])(?P<which>last|earlier this|this|past|previous)\s+month(?![\w])", re.I)),
    ("monthyear", re.compile(rf"(?<![\w])(?:in|during|since|from|by|until)\s+{_MON}\s+{_YEAR}(?!\w)")),
    ("year", re.compile(r"(?<![\w\-])(?<!born )(?:in|since|during|of|from|by|until|before|after)\s+(?:the\s+)?(?:early\s+|late\s+|mid-)?(?P<year>(?:19|20)\d\d)s?(?![\w])|(?<![\w\-])(?P<year2>(?:19|20)\d\d)(?:\s+|-)(?:war|conflict|offensive|escalation|hostilities)", re.I)),
]
_PAST = re.compile(
    r"\b(?:since the (?:start|beginning|outbreak)|since (?:19|20)\d\d|so far this year|in recent (?:years|months|weeks)|"
    r"in total|altogether|during the (?:\d+-day |\w+ )?war|over the past (?:year|decade|months)|"
    r"in the past (?:year|decade|months)|over the (?:last|past) \w+ (?:years|months|weeks)|first war|previous war|last year|"
    r"(?:war|conflict|fighting|violence|invasion|insurgency|siege|blockade) (?:has|have|had) (?:so far )?(?:killed|left|displaced|claimed)|"
    r"(?:have|has) been (?:killed|wounded|displaced) (?:since|in the (?:war|conflict))|killed since|to date|"
    r"since (?:the )?(?:war|conflict|invasion|fighting|start|beginning|outbreak)|the deadliest|death toll (?:in|of) the war)\b",
    re.I,
)


def find_dates(doc: Analysis, lex: Lexicon) -> None:
    """Add a :class:`DateHit` for every date expression; mark background sentences."""
    published = doc.report.published
    text = doc.match_text
    taken: list[tuple[int, int]] = []
    found: list[tuple[str, re.Match[str], object]] = []
    for kind, regex in _PATTERNS:
        for m in regex.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            resolved = _resolve(kind, m, published)
            if resolved is None:
                continue
            taken.append((m.start(), m.end()))
            found.append((kind, m, resolved))
    # News is judged against the publication date; a report with no date near it (an
    # archive note coded long after) is judged against its newest date instead.
    days = [r[0] for k, _m, r in found if k != "year" and r[0] <= published + dt.timedelta(days=1)]
    reference = published
    if days and all((published - d).days > 60 for d in days):
        reference = max(days)
    for kind, m, resolved in found:
        sent = doc.sentence_of(m.start())
        if kind == "year":
            if resolved != reference.year:
                doc.background.add(sent)
            continue
        day, precision, explicit = resolved
        old = (reference - day).days > 60 or day > published + dt.timedelta(days=1)
        doc.dates.append(DateHit(m.start(), m.end(), sent, day, precision, explicit, background=old))
        if old:
            doc.background.add(sent)
    for m in _PAST.finditer(text):
        doc.background.add(doc.sentence_of(m.start()))
    # A sentence with a recent date of its own is news even if it also mentions the past.
    for d in doc.dates:
        if not d.background and d.sentence in doc.background:
            doc.background.discard(d.sentence)
    doc.dates.sort(key=lambda d: d.start)


def _resolve(kind: str, m: re.Match[str], published: dt.date):
    try:
        if kind == "iso":
            return dt.date(int(m["year"]), int(m["month"]), int(m["day"])), "day", True
        if kind in ("dmy", "mdy"):
            month = MONTHS[m["mon"].lower().rstrip(".")]
            day = int(m["day"])
            if m["year"]:
                return dt.date(int(m["year"]), month, day), "day", True
            year = published.year
            candidate = dt.date(year, month, day)
            if candidate > published + dt.timedelta(days=1):
                candidate = dt.date(year - 1, month, day)
            return candidate, "day", True
        if kind == "monthyear":
            return dt.date(int(m["year"]), MONTHS[m["mon"].lower().rstrip(".")], 1), "month", True
    except ValueError:
        return None
    if kind == "early":
        named = next((w for w in (m["wd"], m["wd2"], m["wd3"]) if w), None)
        if named is None:
            return published, "day", False
        if named.lower() not in WEEKDAYS:
            return None
        return published - dt.timedelta(days=(published.weekday() - WEEKDAYS[named.lower()]) % 7), "day", False
    if kind == "night" or kind == "yesterday":
        return published - dt.timedelta(days=1), "day", False
    if kind == "today":
        return published, "day", False
    if kind == "after":
        anchor = published
        if m["wd"]:
            anchor -= dt.timedelta(days=(published.weekday() - WEEKDAYS[m["wd"].lower()]) % 7)
        n = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4}.get(m["n"].lower()) or int(m["n"])
        return anchor - dt.timedelta(days=n), "day", False
    if kind == "ago":
        words = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
        n = words.get(m["n"].lower()) or int(m["n"])
        return published - dt.timedelta(days=n), "day", False
    if kind == "weekday":
        back = (published.weekday() - WEEKDAYS[m["wd"].lower()]) % 7
        if m["last"] and back == 0:
            back = 7
        return published - dt.timedelta(days=back), "day", False
    if kind == "week":
        monday = published - dt.timedelta(days=published.weekday())
        if m["which"].lower() in ("last", "past", "previous"):
            monday -= dt.timedelta(days=7)
        return monday, "week", False
    if kind == "month":
        first = published.replace(day=1)
        if m["which"].lower() in ("last", "previous"):
            first = (first - dt.timedelta(days=1)).replace(day=1)
        return first, "month", False
    if kind == "year":
        return int(m["year"] or m["year2"])
    return None
