"""The HTTP layer: a FastAPI application over one store, and the offline page. Thin: every route
parses its parameters and calls one function of ``ceasefire.store``. The API is described in
docs/api.md and at ``/docs``.

    app = create_app(Store.open("sqlite:///events.db"), WebSettings(read="public"))
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Body, Depends, FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..errors import AuthError, CeasefireError, NotFoundError, ReviewError, StoreError
from ..store import EventFilter, Store, views
from ..store import review as rv
from ..store.export import iter_export
from .limits import BodyLimit, SecurityHeaders

STATIC = Path(str(resources.files("ceasefire.web").joinpath("static")))
APIDOCS = Path(str(resources.files("ceasefire.web").joinpath("apidocs")))
MAX_PAGE = 1000
MAX_MAP = 50_000
EVENT_ID = PathParam(ge=0, le=rv.MAX_ID)  # a larger number overflows the database's integer


@dataclass(frozen=True)
class WebSettings:
    read: str = "public"  # public | token
    cors_origins: tuple[str, ...] = ()
    max_body: int = 64 * 1024
    cache_seconds: float = 2.0  # reads are served from memory; the store is checked for new data this often
    online_tiles: bool = False  # offer OpenStreetMap tiles in the page (the page is offline without them)


class ResponseCache:
    """Bytes of read responses, keyed by path and query, kept while the store's content stays the
    same. Whether it changed (an ingest in another process, say) is checked at most every ``ttl``
    seconds, so a response is at most that stale; writes through this application clear it at once."""

    def __init__(self, store: Store, ttl: float, size: int = 4096):
        self.store, self.ttl, self.size = store, ttl, size
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()
        self._version: int | None = None
        self._checked = 0.0

    def _fresh(self) -> None:
        now = time.monotonic()
        if now - self._checked < self.ttl:
            return
        version = self.store.version()
        with self._lock:
            self._checked = now
            if version != self._version:
                self._version = version
                self._items.clear()

    def get(self, key: str) -> bytes | None:
        if self.ttl <= 0:
            return None
        self._fresh()
        with self._lock:
            body = self._items.get(key)
            if body is not None:
                self._items.move_to_end(key)
            return body

    def put(self, key: str, body: bytes) -> None:
        if self.ttl <= 0:
            return
        with self._lock:
            self._items[key] = body
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._checked = 0.0


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def _date(value: str | None, name: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ReviewError(f"{name} must be an ISO date such as 2022-03-24, got {value!r}") from None


def _bbox(value: str | None) -> tuple[float, float, float, float] | None:
    if not value:
        return None
    try:
        box = tuple(float(x) for x in value.split(","))
    except ValueError:
        box = ()
    if len(box) != 4:
        raise ReviewError(f"bbox must be four numbers min_lon,min_lat,max_lon,max_lat, got {value!r}")
    return box  # type: ignore[return-value]


# The filters every event route takes: (name, most characters, description). They are parsed by
# hand from the query string (FastAPI's per-parameter machinery costs more than the query itself
# on the hot routes) and described to OpenAPI from this same table.
FILTERS = (
    ("since", 10, "first day, ISO date (2022-03-01)"),
    ("until", 10, "last day, ISO date"),
    ("country", 2, "ISO 3166-1 alpha-2 code (AZ)"),
    ("admin1", 200, "first-level region as stored (Askeran)"),
    ("event_type", 60, "ACLED event type (Battles)"),
    ("sub_event_type", 60, "ACLED sub-event type (Armed clash)"),
    ("side", 120, "an actor side on either side of the event (Azerbaijan)"),
    ("bbox", 100, "min_lon,min_lat,max_lon,max_lat"),
    ("q", 200, "words that must all appear in the place, actors or evidence"),
    ("state", 10, "review state: machine, confirmed, corrected or rejected (default: all but rejected)"),
)
STATES = ("machine", "confirmed", "corrected", "rejected")


def _doc(name: str, description: str, schema: dict) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


FILTER_DOCS = [_doc(name, text, {"type": "string", "maxLength": most}) for name, most, text in FILTERS]


def _integer(params, name: str, default: int, low: int, high: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise ReviewError(f"{name} must be a whole number from {low} to {high}, got {raw!r}")
    return value


def _choice(params, name: str, choices: tuple[str, ...]) -> str:
    value = params.get(name) or choices[0]
    if value not in choices:
        raise ReviewError(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


def parse_filter(params) -> EventFilter:
    """An EventFilter from a query string's parameters; ReviewError (422) names a bad one."""
    values = {}
    for name, most, _text in FILTERS:
        value = params.get(name) or None
        if value is not None and len(value) > most:
            raise ReviewError(f"{name} is longer than {most} characters")
        values[name] = value
    if values["state"] is not None and values["state"] not in STATES:
        raise ReviewError(f"state must be one of {', '.join(STATES)}")
    return EventFilter(since=_date(values["since"], "since"), until=_date(values["until"], "until"),
                       country=values["country"], admin1=values["admin1"], event_type=values["event_type"],
                       sub_event_type=values["sub_event_type"], side=values["side"], bbox=_bbox(values["bbox"]),
                       text=values["q"], states=(values["state"],) if values["state"] else None)


def create_app(store: Store, settings: WebSettings | None = None) -> FastAPI:
    settings = settings or WebSettings()
    if settings.read not in ("public", "token"):
        raise ValueError("read must be 'public' or 'token'")
    cache = ResponseCache(store, settings.cache_seconds)
    app = FastAPI(title="ceasefire", version=__version__, docs_url=None, redoc_url=None,
                  description="Conflict events coded from reports, with the evidence behind every field. "
                  "Reading is public unless the server runs with --read token; writing needs a token.")
    app.state.store, app.state.settings, app.state.cache = store, settings, cache

    # -------------------------------------------------------------- errors, limits, access

    @app.exception_handler(CeasefireError)
    def _ceasefire_error(_request: Request, exc: CeasefireError) -> JSONResponse:
        if isinstance(exc, NotFoundError):
            return _error(404, "not_found", str(exc))
        if isinstance(exc, AuthError):
            return _error(401, "unauthorized", str(exc))
        if isinstance(exc, ReviewError):
            return _error(422, "invalid", str(exc))
        if isinstance(exc, StoreError):
            return _error(503, "store_error", str(exc))
        return _error(400, "bad_request", str(exc))

    @app.exception_handler(RequestValidationError)
    def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:5])
        return _error(422, "invalid", problems)

    @app.exception_handler(StarletteHTTPException)
    def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _error(exc.status_code, "not_found" if exc.status_code == 404 else "http_error", str(exc.detail))

    @app.exception_handler(Exception)
    def _unexpected(_request: Request, exc: Exception) -> JSONResponse:  # logged by uvicorn; no internals leak out
        return _error(500, "internal", f"unexpected {exc.__class__.__name__}; see the server log")

    app.add_middleware(BodyLimit, max_body=settings.max_body)
    app.add_middleware(SecurityHeaders, online_tiles=settings.online_tiles)
    if settings.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                           allow_methods=["GET", "POST", "PATCH"], allow_headers=["Authorization", "Content-Type"])

    write_token = HTTPBearer(auto_error=False, scheme_name="token",
                             description="a token from `ceasefire tokens create NAME`")

    async def reader(request: Request) -> None:  # called by hand: public reads show no lock in the docs
        if settings.read == "token":
            credentials = await write_token(request)
            rv.author_of(store, credentials.credentials if credentials else None)

    def writer(credentials: HTTPAuthorizationCredentials | None = Depends(write_token)) -> str:
        return rv.author_of(store, credentials.credentials if credentials else None)

    def cached(request: Request, media_type: str, build) -> Response:
        # encoded, so that no name or value holding '&' or '=' spells the key of another query
        key = request.url.path + "?" + urlencode(sorted(request.query_params.multi_items()))
        body = cache.get(key)
        if body is None:
            body = build()
            cache.put(key, body)
        return Response(body, media_type=media_type)

    def changed(detail: dict) -> JSONResponse:
        cache.clear()
        return JSONResponse(detail)

    read = [Depends(reader)]

    # -------------------------------------------------------------- reading

    @app.get("/api/meta", dependencies=read, tags=["read"])
    def meta() -> dict:
        """The version, access mode, taxonomy, and the countries, sides and dates in the store."""
        return {"version": __version__, "read": settings.read, "online_tiles": settings.online_tiles,
                **views.store_meta(store)}

    @app.get("/api/events", dependencies=read, tags=["read"], openapi_extra={"parameters": FILTER_DOCS + [
        _doc("limit", f"events per page (1-{MAX_PAGE}, default 100)", {"type": "integer"}),
        _doc("offset", "events to skip", {"type": "integer"})]})
    async def list_events(request: Request) -> Response:
        """Events, newest first: the reconciled records with their store id, review state and sources."""
        params = request.query_params
        flt = parse_filter(params)
        limit, offset = _integer(params, "limit", 100, 1, MAX_PAGE), _integer(params, "offset", 0, 0, 10**9)

        def build() -> bytes:
            flt.limit, flt.offset = limit + 1, offset
            rows = list(store.query_event_rows(flt))
            items = ",".join(f'{{"store_id":{i},"review_state":{json.dumps(s)},{rec[1:]}' for i, rec, s in rows[:limit])
            nxt = offset + limit if len(rows) > limit else None
            return f'{{"items":[{items}],"limit":{limit},"offset":{offset},"next_offset":{json.dumps(nxt)}}}'.encode()
        return cached(request, "application/json", build)

    @app.get("/api/events.geojson", dependencies=read, tags=["read"], openapi_extra={"parameters": FILTER_DOCS + [
        _doc("limit", f"most features (default 20000, at most {MAX_MAP})", {"type": "integer"})]})
    async def map_events(request: Request) -> Response:
        """Placed events as a GeoJSON FeatureCollection with the properties the map needs."""
        flt = parse_filter(request.query_params)
        limit = _integer(request.query_params, "limit", 20_000, 1, MAX_MAP)

        def build() -> bytes:
            return json.dumps({"type": "FeatureCollection", "features": views.map_features(store, flt, limit)},
                              separators=(",", ":")).encode()
        return cached(request, "application/geo+json", build)

    @app.get("/api/events/{event_id}", dependencies=read, tags=["read"])
    def one_event(event_id: int = EVENT_ID) -> dict:
        """One event with every report that told it (text, evidence), each source's claims and the history."""
        return views.event_detail(store, event_id)

    @app.get("/api/events/{event_id}/history", dependencies=read, tags=["read"])
    def event_history(event_id: int = EVENT_ID) -> list[dict]:
        """Every change analysts made to the event, oldest first."""
        changes = rv.history(store, event_id)
        if not changes and not views.has_event(store, event_id):  # a merged-away event keeps its history
            raise NotFoundError(f"no event {event_id}")
        return changes

    @app.get("/api/reports", dependencies=read, tags=["read"])
    def list_reports(limit: int = Query(50, ge=1, le=MAX_PAGE), offset: int = Query(0, ge=0, le=10**9)) -> dict:
        """Stored reports, newest first, with an excerpt."""
        return {"items": views.list_reports(store, limit, offset), "limit": limit, "offset": offset}

    @app.get("/api/reports/{report_id}", dependencies=read, tags=["read"])
    def one_report(report_id: int = PathParam(ge=0, le=rv.MAX_ID)) -> dict:
        """One report: text, outlets, and the events it joined."""
        return views.report_detail(store, report_id)

    @app.get("/api/places", dependencies=read, tags=["read"])
    def list_places(q: str | None = Query(None, max_length=200), country: str | None = Query(None, max_length=2),
                    limit: int = Query(100, ge=1, le=MAX_PAGE)) -> list[dict]:
        """Places events happened at, with their event counts."""
        return views.list_places(store, q, country, limit)

    @app.get("/api/timeline", dependencies=read, tags=["read"], openapi_extra={"parameters": FILTER_DOCS + [
        _doc("interval", "day (default) or week", {"type": "string", "enum": list(views.INTERVALS)}),
        _doc("by", "one series (none, default) or one per side, admin1 or country",
             {"type": "string", "enum": list(views.GROUPINGS)})]})
    async def timeline(request: Request) -> Response:
        """Events, fatalities and ceasefire violations per day or week, in one series or by side, region or country."""
        params = request.query_params
        flt = parse_filter(params)
        interval, by = _choice(params, "interval", views.INTERVALS), _choice(params, "by", tuple(views.GROUPINGS))
        return cached(request, "application/json",
                      lambda: json.dumps(views.timeline(store, flt, interval, by), separators=(",", ":")).encode())

    @app.get("/api/export", dependencies=read, tags=["read"], openapi_extra={"parameters": FILTER_DOCS})
    def export(request: Request,
               format: str = Query("jsonl", pattern="^(acled-csv|geojson|jsonl)$")) -> StreamingResponse:
        """Every event the filters select, streamed as ACLED-style CSV, GeoJSON or JSON Lines."""
        from ..extract.lexicon import default_lexicon

        flt = parse_filter(request.query_params)
        fmt = {"acled-csv": "csv"}.get(format, format)
        media = {"csv": "text/csv", "geojson": "application/geo+json", "jsonl": "application/x-ndjson"}[fmt]
        chunks: Iterator[str] = iter_export(store.query_events(flt), fmt, default_lexicon().actor_kinds)
        return StreamingResponse(_batched(chunks), media_type=media,
                                 headers={"Content-Disposition": f'attachment; filename="ceasefire-events.{fmt}"'})

    # -------------------------------------------------------------- review (token needed)

    @app.post("/api/events/{event_id}/review", tags=["review"])
    def review_event(event_id: int = EVENT_ID, author: str = Depends(writer),
                     action: str = Body(..., embed=True, pattern="^(confirm|reject|reopen)$"),
                     note: str | None = Body(None, embed=True, max_length=2000)) -> JSONResponse:
        """Confirm, reject or reopen an event."""
        rv.review(store, event_id, action, author, note)
        return changed(views.event_detail(store, event_id))

    @app.patch("/api/events/{event_id}", tags=["review"])
    def correct_event(event_id: int = EVENT_ID, author: str = Depends(writer),
                      changes: dict[str, Any] = Body(..., embed=True),
                      note: str | None = Body(None, embed=True, max_length=2000)) -> JSONResponse:
        """Correct fields (type, sub-type, date, place, actors, counts); each is pinned and logged."""
        rv.correct(store, event_id, changes, author, note)
        return changed(views.event_detail(store, event_id))

    @app.post("/api/events/merge", tags=["review"])
    def merge_events(author: str = Depends(writer), ids: list[int] = Body(..., embed=True, max_length=100),
                     note: str | None = Body(None, embed=True, max_length=2000)) -> JSONResponse:
        """Merge events: the reports of the others move to the first id."""
        keep = rv.merge_events(store, ids, author, note)
        return changed(views.event_detail(store, keep))

    @app.post("/api/events/{event_id}/split", tags=["review"])
    def split_event(event_id: int = EVENT_ID, author: str = Depends(writer),
                    mention_ids: list[int] = Body(..., embed=True, max_length=1000),
                    note: str | None = Body(None, embed=True, max_length=2000)) -> JSONResponse:
        """Move some reports' accounts out of an event into a new one."""
        new_id = rv.split_event(store, event_id, mention_ids, author, note)
        return changed({"event_id": new_id, "from": event_id})

    # -------------------------------------------------------------- the page

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    @app.get("/event.html", include_in_schema=False)
    def event_page() -> FileResponse:
        return FileResponse(STATIC / "event.html", media_type="text/html")

    @app.get("/docs", include_in_schema=False)
    def api_docs() -> FileResponse:
        return FileResponse(APIDOCS / "docs.html", media_type="text/html")

    from swagger_ui_bundle import swagger_ui_path
    from xstatic.pkg import leaflet

    app.mount("/static/leaflet", StaticFiles(directory=leaflet.BASE_DIR), name="leaflet")
    app.mount("/static/swagger", StaticFiles(directory=swagger_ui_path), name="swagger")
    app.mount("/static/apidocs", StaticFiles(directory=APIDOCS), name="apidocs")
    app.mount("/static", StaticFiles(directory=STATIC, check_dir=False), name="static")
    return app


def _batched(chunks: Iterator[str], size: int = 1 << 16) -> Iterator[bytes]:
    """Chunks joined into blocks of about ``size`` bytes: a streamed response moves between threads
    once per block, not once per record."""
    block: list[str] = []
    held = 0
    for chunk in chunks:
        block.append(chunk)
        held += len(chunk)
        if held >= size:
            yield "".join(block).encode()
            block, held = [], 0
    if block:
        yield "".join(block).encode()
