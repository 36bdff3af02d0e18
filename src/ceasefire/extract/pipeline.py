"""The extraction pipeline: named stages run in order over one report.

Each stage is a function ``(Analysis, Lexicon) -> None`` in its own module, declaring what
it ``REQUIRES`` and ``ASSIGNS``; :func:`check_order` verifies at start-up that every stage
runs after what it needs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from functools import cache

from .. import __version__
from ..errors import BinaryInputError, EmptyReportError, InputError, ReportTooLargeError
from ..geo.gazetteer import Gazetteer, default_gazetteer
from ..models import Event, Report
from . import actors, assemble, casualties, claims, cues, dates, ner, places, territory, weapons
from .document import Analysis
from .lexicon import Lexicon, default_lexicon
from .text import matching_text, split_sentences

MAX_CHARS = 2_000_000  # about 300 pages; longer inputs are refused, not truncated
STAGES = (
    ("dates", dates.find_dates, dates),
    ("cues", cues.find_cues, cues),
    ("casualties", casualties.find_casualties, casualties),
    ("weapons", weapons.find_weapons, weapons),
    ("claims", claims.find_claims, claims),
    ("actors", actors.find_actors, actors),
    ("places", places.find_places, places),
    ("territory", territory.find_territory, territory),
)


def check_order() -> None:
    done = {"sentences"}
    for name, _fn, module in STAGES:
        missing = set(module.REQUIRES) - done
        if missing:
            raise RuntimeError(f"stage {name!r} runs before {sorted(missing)} it requires")
        done |= set(module.ASSIGNS)


check_order()


@dataclass(frozen=True)
class Options:
    """Frozen settings of one extraction run."""

    use_ner: bool = False  # also run spaCy's entity recogniser on event sentences with no place
    max_chars: int = MAX_CHARS
    data_dir: str | None = None  # folder of data files overriding the bundled ones
    ner_everywhere: bool = False  # parse every sentence, not only event sentences (benchmark check)
    use_gazetteer: bool = True  # resolve places against the offline gazetteer index
    gazetteer_path: str | None = None  # an index file other than the default one


def extractor_name(options: Options) -> str:
    base = f"ceasefire.rules.v{__version__}"
    return f"{base}+{ner.model_name()}" if options.use_ner else base


def validate(report: Report, options: Options) -> None:
    text = report.text
    if not text or not text.strip():
        raise EmptyReportError(f"report {report.id!r} is empty")
    if len(text) > options.max_chars:
        raise ReportTooLargeError(
            f"report {report.id!r} has {len(text):,} characters, more than the limit of {options.max_chars:,}"
        )
    sample = text[:4096]
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    if "\x00" in sample or control > len(sample) * 0.05 or sample.count("\ufffd") > len(sample) * 0.05:
        raise BinaryInputError(f"report {report.id!r} looks like binary data, not text")


def analyse(report: Report, lex: Lexicon, options: Options) -> Analysis:
    validate(report, options)
    doc = Analysis(report=report, match_text=matching_text(report.text))
    doc.sentences = split_sentences(report.text)
    for _name, stage, _module in STAGES:
        stage(doc, lex)
    if options.use_ner:
        if options.ner_everywhere:
            frames = {s.index for s in doc.sentences}
        else:
            frames = {c.sentence for c in doc.cues if not c.unreal and not c.weak} - doc.background
            frames = {i for i in frames if not any(p.sentence == i and p.how != "dateline" for p in doc.places)}
        if frames:
            ner.find_entity_places(doc, lex, frames)
            doc.territory.clear()
            territory.find_territory(doc, lex)
    return doc


def extract_report(report: Report, lex: Lexicon | None = None, options: Options = Options()) -> list[Event]:
    lex = lex or default_lexicon()
    doc = analyse(report, lex, options)
    return assemble.assemble_events(doc, lex, extractor_name(options), gazetteer_for(options))


def reference_for(report: Report, lex: Lexicon | None = None, options: Options = Options()) -> dict | None:
    """For a report that describes no event: the place, date and claims it refers to (see
    :func:`ceasefire.extract.assemble.reference_record`), or None."""
    lex = lex or default_lexicon()
    return assemble.reference_record(analyse(report, lex, options), lex, gazetteer_for(options))


def gazetteer_for(options: Options) -> Gazetteer | None:
    if not options.use_gazetteer:
        return None
    if options.gazetteer_path:
        return _gazetteer_at(options.gazetteer_path)
    return default_gazetteer()


@cache
def _gazetteer_at(path: str) -> Gazetteer:
    return Gazetteer(path)


def make_report(
    text: str,
    published: dt.date | str,
    source: str | None = None,
    report_id: str | None = None,
    url: str | None = None,
) -> Report:
    from pydantic import ValidationError

    from .. import io  # local: io imports this module

    for name, value in (("text", text), ("source", source), ("id", report_id), ("url", url)):
        if value is not None and not isinstance(value, str):
            raise InputError(f"{name!r} must be a string, not {type(value).__name__}")
    try:
        return Report(
            id=report_id or "r-" + hashlib.sha1(text.encode("utf-8", "replace")).hexdigest()[:12],
            text=text,
            published=io.parse_date(published, what="published"),
            source=source,
            url=url,
        )
    except ValidationError as exc:
        raise InputError(f"invalid report: {exc.errors()[0].get('msg')}") from None
