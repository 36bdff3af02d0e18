"""Places: an offline gazetteer (SQLite index), GeoNames import, and toponym resolution."""

from .gazetteer import Gazetteer, GazetteerEntry, default_gazetteer, normalize_name

__all__ = ["Gazetteer", "GazetteerEntry", "default_gazetteer", "normalize_name"]
