"""ceasefire: code conflict events, with evidence, from reports about armed conflict.

    >>> import ceasefire
    >>> events = ceasefire.extract(text, published="2022-03-25", source="Wire")

:func:`extract` codes one text; :func:`extract_many` streams a batch, optionally over
several processes. Records are defined in :mod:`ceasefire.models`.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .api import ExtractResult, extract, extract_many  # noqa: E402
from .errors import CeasefireError  # noqa: E402
from .models import Event, Report  # noqa: E402

__all__ = ["CeasefireError", "Event", "ExtractResult", "Report", "extract", "extract_many", "__version__"]
