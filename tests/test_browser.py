"""The web page in a real headless Chromium (Debian's, driven by Playwright) against the real server on
loopback, over a real SQLite store: the seed report, a second outlet's account of the same incident,
a few hundred generated notes in five countries, and a hostile report, all coded by the extractor.

Checks what an analyst sees and does: markers and clusters over the offline outlines with no request
leaving the server, brushing the timeline, the Parukh event with its evidence highlighted, correcting
the wounded count with a token (and failing without a valid one), and hostile text shown as text.
Screenshots go to tests/artifacts/ (CI keeps them)."""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from ceasefire.store import EventFilter, Store
from ceasefire.store.ingest import ingest
from ceasefire.store.review import create_token
from ceasefire.web import WebSettings

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]

SECOND_OUTLET = ("On 24 March 2022, Azerbaijani forces seized the village of Parukh in the Askeran district of "
                 "Nagorno-Karabakh; two soldiers of the Defense Army were killed and 16 were wounded, the Artsakh "
                 "Defense Army said.")
HOSTILE = ('On 12 March 2023, Russian forces shelled Kharkiv <script>window.__pwned = 1</script>, killing 3 civilians, '
           'according to <a href="javascript:window.__pwned=3">local sources</a> '
           '<img src="x" onerror="window.__pwned=2"> <b>officials</b> said.')
HOSTILE_SOURCE = "<i>Evil</i> Outlet"
HOSTILE_URL = "javascript:window.__pwned=4"

TOWNS = {
    "UA": ["Kharkiv", "Kherson", "Odesa", "Mykolaiv", "Zaporizhzhia", "Nikopol", "Sumy", "Kramatorsk"],
    "SD": ["El Fasher", "Omdurman", "Khartoum", "Nyala", "El Obeid", "Kadugli"],
    "ML": ["Gao", "Timbuktu", "Mopti", "Kidal", "Menaka", "Segou"],
    "SO": ["Mogadishu", "Baidoa", "Kismayo", "Beledweyne", "Jowhar"],
    "MM": ["Lashio", "Myawaddy", "Sittwe", "Hpakant", "Monywa"],
}
ACTORS = {"UA": "Russian forces", "SD": "The RSF", "ML": "JNIM militants", "SO": "Al-Shabaab militants",
          "MM": "The Myanmar military"}
NOTES = [
    "On {day}, {actor} shelled {town}, killing {killed} civilians, according to local sources.",
    "On {day}, {actor} clashed with government troops near {town}; {killed} soldiers were killed.",
    "On {day}, a drone strike by {actor} hit {town}, killing {killed} people and wounding {wounded}.",
    "On {day}, hundreds of people protested peacefully in {town} against the war.",
    "On {day}, {actor} fired rockets at {town}; {wounded} people were wounded, officials said.",
]


def generated_notes(n: int = 300, seed: int = 7):
    """Short analyst notes over 18 months in five countries, several event types and tolls."""
    rng = random.Random(seed)
    for i in range(n):
        country = rng.choice(list(TOWNS))
        day = dt.date(2022, 1, 1) + dt.timedelta(days=rng.randrange(540))
        text = rng.choice(NOTES).format(day=f"{day:%d %B %Y}", actor=ACTORS[country], town=rng.choice(TOWNS[country]),
                                        killed=rng.randint(1, 30), wounded=rng.randint(1, 40))
        yield {"id": f"note-{i}", "text": f"{text} Ref {i}.", "published": (day + dt.timedelta(days=1)).isoformat(),
               "source": f"Outlet {i % 9}"}


# ------------------------------------------------------------------ fixtures

def _chromium() -> str:
    path = os.environ.get("CEASEFIRE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return path if Path(path).exists() else ""


def _unavailable(reason: str):
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"the browser tests must run in CI: {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}")


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[test]')")
    executable = _chromium()
    if not executable:
        _unavailable("no Chromium at /usr/bin/chromium (apt-get install chromium, or set CEASEFIRE_CHROMIUM)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def template_store(tmp_path_factory, seed_text) -> Path:
    """The store every test starts from (built once, copied for each test)."""
    path = tmp_path_factory.mktemp("browser") / "events.db"
    store = Store.open(f"sqlite:///{path}")
    items = [
        {"id": "parukh-2022-03-25", "text": seed_text, "published": "2022-03-25", "source": "Azatutyun"},
        {"id": "parukh-second-outlet", "text": SECOND_OUTLET, "published": "2022-03-25", "source": "Artsakh Press"},
        {"id": "hostile", "text": HOSTILE, "published": "2023-03-13", "source": HOSTILE_SOURCE, "url": HOSTILE_URL},
        *generated_notes(),
    ]
    summary = ingest(iter(items), store)
    assert summary.failed == 0, summary.errors
    assert summary.events_created > 250
    store.close()
    return path


class Site:
    """A running server over a fresh copy of the store, and what the tests need to know about it."""

    def __init__(self, store: Store, url: str):
        self.store, self.url = store, url
        self.api = httpx.Client(base_url=url, timeout=10)

    def event_with_report(self, report_key: str) -> dict:
        for event in self.store.query_events(EventFilter()):
            detail = self.api.get(f"/api/events/{event['store_id']}").json()
            if any(r["report_key"] == report_key for r in detail["reports"]):
                return detail
        raise AssertionError(f"no event holds report {report_key}")

    def placed(self, since: str | None = None, until: str | None = None) -> int:
        """Events with coordinates, as the map should show them (every state but rejected)."""
        flt = EventFilter(since=since and dt.date.fromisoformat(since), until=until and dt.date.fromisoformat(until))
        return sum(1 for e in self.store.query_events(flt) if (e.get("location") or {}).get("lat") is not None)


@pytest.fixture
def site(template_store, tmp_path, live_server):
    for part in template_store.parent.glob(template_store.name + "*"):
        shutil.copy(part, tmp_path / part.name)
    store = Store.open(f"sqlite:///{tmp_path / template_store.name}")
    server = live_server(store, WebSettings(cache_seconds=0))
    site = Site(store, server.url)
    yield site
    site.api.close()
    store.close()


@pytest.fixture
def page(browser, site):
    """A fresh browser tab that records every request and every script error."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    tab.requests, tab.errors, tab.dialogs = [], [], []
    tab.on("request", lambda request: tab.requests.append(request.url))
    tab.on("pageerror", lambda error: tab.errors.append(str(error)))
    tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
    yield tab
    context.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


MAP_SETTLED = """() => {
  const map = document.getElementById('map');
  const expected = Number(map.dataset.events ?? -1);
  if (document.body.dataset.loading !== 'no' || expected < 0) return false;
  if (map.querySelector('.leaflet-zoom-anim, .leaflet-cluster-anim')) return false;  // still moving
  const clustered = [...map.querySelectorAll('.event-cluster .cluster-count')]
    .reduce((sum, node) => sum + Number(node.textContent), 0);
  const single = map.querySelectorAll('path.event-marker').length;
  return clustered + single === expected ? {expected, clustered, single} : false;
}"""


MAP_IDLE = """() => !document.querySelector('#map .leaflet-zoom-anim, #map .leaflet-cluster-anim')
  && document.querySelectorAll('#map .event-cluster, #map path.event-marker').length > 0"""


def open_map(page, url: str) -> dict:
    page.goto(url)
    return page.wait_for_function(MAP_SETTLED).json_value()


def open_event(page, site: Site, event_id: int) -> None:
    page.goto(f"{site.url}/event.html?id={event_id}")
    page.wait_for_selector("body[data-ready='yes']")


def field_value(page, field: str) -> str:
    return page.locator(f"#fields dd[data-field='{field}']").inner_text().strip()


# ------------------------------------------------------------------ the map page

def test_browser_map_shows_every_placed_event_over_offline_outlines(page, site):
    drawn = open_map(page, site.url + "/")
    expected = site.placed()
    assert expected > 250
    assert drawn["expected"] == expected
    assert drawn["clustered"] > 0  # clusters at the initial zoom...
    assert page.locator(".event-cluster").count() >= 3  # ...in several countries
    assert int(page.locator("#map").get_attribute("data-basemap")) > 200  # Natural Earth countries
    assert page.locator("path.basemap-country").count() > 200
    assert page.locator(".map-legend").inner_text().count("Battles") == 1
    assert page.locator("#events-table tbody tr").count() == 50  # the first page of the table
    assert page.locator("#next-page").is_enabled()
    assert f"{expected} events on the map" in page.locator("#map-status").inner_text()

    shot(page, "map-page")
    # zooming into one cluster opens it into smaller clusters or markers
    zoom = float(page.locator("#map").get_attribute("data-zoom"))
    page.locator(".event-cluster").first.click()
    page.wait_for_function(f"() => Number(document.getElementById('map').dataset.zoom) > {zoom}")
    page.wait_for_function(MAP_IDLE)
    shot(page, "map-zoomed")

    origin = site.url
    outside = [u for u in page.requests if not (u.startswith(origin + "/") or u.startswith(("data:", "blob:")))]
    assert outside == [], f"requests left the server: {outside}"
    assert any(u.endswith("/static/basemap/countries.geojson") for u in page.requests)
    assert page.errors == []


def test_browser_timeline_brush_sets_dates_in_url_map_and_table(page, site):
    before = open_map(page, site.url + "/")["expected"]
    area = page.locator("#timeline .brush-area").bounding_box()
    y = area["y"] + area["height"] / 2
    page.mouse.move(area["x"] + area["width"] * 0.40, y)
    page.mouse.down()
    page.mouse.move(area["x"] + area["width"] * 0.55, y, steps=8)
    page.mouse.up()
    page.wait_for_function("() => location.search.includes('since=') && location.search.includes('until=')")
    after = page.wait_for_function(MAP_SETTLED).json_value()["expected"]

    query = parse_qs(urlsplit(page.url).query)
    since, until = query["since"][0], query["until"][0]
    assert since < until
    assert after == site.placed(since, until)
    assert 0 < after < before
    dates = page.locator("#events-table tbody td:first-child").all_inner_texts()
    assert dates and all(since <= d <= until for d in dates)
    assert page.locator("#range").inner_text() == f"{since} to {until}"
    assert page.locator("#timeline rect.bar.out-of-range").count() > 0
    shot(page, "timeline-brushed")

    # the view is in the URL: reloading it (or sharing it) gives the same selection
    assert open_map(page, page.url)["expected"] == after
    assert page.locator("input[name=since]").input_value() == since

    page.locator("#clear-range").click()
    page.wait_for_function("() => !location.search.includes('since=')")
    assert page.wait_for_function(MAP_SETTLED).json_value()["expected"] == before
    assert page.errors == []


def test_browser_filters_live_in_the_url(page, site):
    open_map(page, site.url + "/?country=ML&event_type=Battles")
    assert page.locator("select[name=country]").input_value() == "ML"
    rows = page.locator("#events-table tbody tr")
    assert rows.count() > 0
    assert all("ML" in text and "Armed clash" in text for text in rows.all_inner_texts())
    page.locator("select[name=country]").select_option("SD")
    page.wait_for_function("() => location.search.includes('country=SD')")
    page.wait_for_function(MAP_SETTLED)
    assert all(", SD" in text for text in page.locator("#events-table tbody td:nth-child(3)").all_inner_texts())

    # an event opened from the table links back to the same view
    page.locator("#events-table tbody a").first.click()
    page.wait_for_selector("body[data-ready='yes']")
    assert ", SD · " in page.locator("#title").inner_text()
    page.locator("#back").click()
    page.wait_for_function(MAP_SETTLED)
    assert parse_qs(urlsplit(page.url).query) == {"country": ["SD"], "event_type": ["Battles"]}


def test_browser_asks_for_a_token_when_reading_needs_one(page, site, live_server):
    guarded = live_server(site.store, WebSettings(read="token", cache_seconds=0))
    page.goto(guarded.url + "/")
    page.locator("#token-needed").wait_for(state="visible")
    # the page's requests fail one by one, and a new round clears the error box before its own fail
    page.wait_for_function("() => document.getElementById('error').innerText.startsWith('401')")
    page.fill("#read-token", create_token(site.store, "reader"))
    page.locator("#token-needed button[type=submit]").click()
    assert page.wait_for_function(MAP_SETTLED).json_value()["expected"] == site.placed()
    assert page.locator("#error").is_hidden()
    assert page.locator("select[name=country] option").count() > 5  # the filters, once meta could be read


# ------------------------------------------------------------------ the event page

def test_browser_event_page_highlights_evidence_and_compares_sources(page, site):
    detail = site.event_with_report("parukh-2022-03-25")
    open_event(page, site, detail["event"]["store_id"])
    seed = page.locator("article.report[data-report='parukh-2022-03-25']")
    wounded = seed.locator("mark.ev-wounded")
    assert wounded.count() == 1 and wounded.inner_text() == "at least 14 Armenians were wounded"
    assert seed.locator("mark.ev-fatalities").first.inner_text() == "Two contract soldiers of the Defense Army were killed"
    assert seed.locator("mark.ev-location", has_text="Parukh").count() >= 1
    assert seed.locator("mark.ev-places_named", has_text="Askeran").count() >= 1
    assert seed.locator("mark.ev-notes").count() == 0  # the event's sentences are its notes, not highlighted
    assert seed.locator("mark").count() >= 15

    # one column per report, side by side
    reports = detail["reports"]
    header = page.locator("#claims thead th").all_inner_texts()
    assert len(header) == 2 + len(reports)
    assert any("Azatutyun" in h for h in header)
    wounded_row = page.locator("#claims tr[data-field='wounded'] td").all_inner_texts()
    assert "14/–/–" in wounded_row
    if len(reports) > 1:  # the second outlet's account merged in: its own figure stands beside the seed's
        assert "16" in wounded_row
    shot(page, "event-parukh")
    assert page.errors == []


def test_browser_correcting_wounded_with_a_token_is_shown_with_its_history(page, site):
    detail = site.event_with_report("parukh-2022-03-25")
    event_id, before = detail["event"]["store_id"], detail["event"]["wounded"]
    token = create_token(site.store, "analyst ana")
    open_event(page, site, event_id)

    page.fill("#token", token)
    page.locator("#token-form button[type=submit]").click()
    page.fill("#note", "ministry update")
    page.fill("input[name=wounded_best]", "15")
    page.locator("#correct-form button[type=submit]").click()
    page.wait_for_function("() => document.querySelector(\"#fields dd[data-field='wounded']\").textContent.includes('15')")

    after = site.api.get(f"/api/events/{event_id}").json()["event"]["wounded"]
    assert after["best"] == 15 and before["best"] != 15
    assert field_value(page, "wounded") == _count(after)
    assert page.locator("#state").inner_text() == "corrected"
    row = page.locator("#history tbody tr[data-field='wounded']")
    assert row.count() == 1
    cells = row.locator("td").all_inner_texts()
    assert cells[1] == "analyst ana" and cells[2] == "correct" and cells[5] == "ministry update"
    assert cells[4] == f"{_count(before)} → {_count(after)}"  # the previous value, then the new one
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", cells[0])
    assert page.evaluate("sessionStorage.getItem('ceasefire.token')") == token

    page.locator("button[data-action=confirm]").click()
    page.wait_for_function("() => document.getElementById('state').textContent === 'confirmed'")
    assert page.locator("#history tbody tr[data-field='review_state']").inner_text().count("analyst ana") == 1
    shot(page, "event-corrected")
    assert page.errors == []


def test_browser_wrong_token_shows_an_error_and_changes_nothing(page, site):
    detail = site.event_with_report("parukh-2022-03-25")
    event_id = detail["event"]["store_id"]
    open_event(page, site, event_id)
    page.fill("#token", "cf_not-a-real-token")
    page.fill("input[name=wounded_best]", "99")
    page.locator("#correct-form button[type=submit]").click()
    error = page.locator("#review-error")
    error.wait_for(state="visible")
    assert error.inner_text().startswith("401")
    page.locator("button[data-action=reject]").click()
    page.wait_for_timeout(300)
    assert page.locator("#review-error").inner_text().startswith("401")
    shot(page, "event-wrong-token")

    after = site.api.get(f"/api/events/{event_id}").json()
    assert after["event"]["wounded"] == detail["event"]["wounded"]
    assert after["event"]["review_state"] == "machine"
    assert after["history"] == []
    assert page.locator("#history tbody tr[data-field]").count() == 0


def test_browser_split_a_report_out_and_merge_it_back(page, site):
    detail = site.event_with_report("parukh-2022-03-25")
    event_id = detail["event"]["store_id"]
    assert len(detail["reports"]) == 2, "the second outlet's account should have merged into the Parukh event"
    page.add_init_script(f"sessionStorage.setItem('ceasefire.token', {create_token(site.store, 'analyst bo')!r})")
    open_event(page, site, event_id)
    assert page.locator("#split").is_disabled()
    page.locator("article.report[data-report='parukh-second-outlet'] input.split-pick").check()
    page.locator("#split").click()
    page.locator("#review-done a").wait_for()
    new_id = int(page.locator("#review-done a").get_attribute("href").split("id=")[1])
    page.wait_for_function("() => document.querySelectorAll('article.report').length === 1")
    assert site.api.get(f"/api/events/{new_id}").json()["reports"][0]["report_key"] == "parukh-second-outlet"

    page.fill("#merge-form input[name=ids]", str(new_id))
    page.locator("#merge-form button[type=submit]").click()
    page.wait_for_function("() => document.querySelectorAll('article.report').length === 2")
    assert site.api.get(f"/api/events/{new_id}").status_code == 404
    actions = page.locator("#history tbody td:nth-child(3)").all_inner_texts()
    assert actions == ["split", "merge"]
    assert set(page.locator("#history tbody td.author").all_inner_texts()) == {"analyst bo"}
    changes = page.locator("#history tbody td.change").all_inner_texts()
    assert changes[0].endswith(f"moved to event {new_id}") and changes[1].startswith(f"event {new_id} ")
    shot(page, "event-split-merged")
    assert page.errors == []


def test_browser_hostile_report_renders_as_text(page, site):
    detail = site.event_with_report("hostile")
    open_event(page, site, detail["event"]["store_id"])
    text = page.locator("article.report[data-report='hostile'] .report-text")
    assert "<script>window.__pwned = 1</script>" in text.inner_text()
    assert '<img src="x" onerror="window.__pwned=2">' in text.inner_text()
    assert text.locator("img, script, a, b").count() == 0
    assert page.locator("main img").count() == 0
    assert page.locator("a[href^='javascript' i]").count() == 0
    assert page.get_by_text(HOSTILE_SOURCE, exact=True).count() >= 1  # the outlet's name as typed, not italic
    assert page.locator("main i").count() == 0
    assert page.locator("span.unlinked-url", has_text=HOSTILE_URL).count() == 1  # shown, not a link
    page.wait_for_timeout(500)  # time for an injected handler to have fired
    assert page.evaluate("window.__pwned") is None
    shot(page, "event-hostile")

    # the table and the map popup show the same text safely
    open_map(page, site.url + "/?q=Kharkiv&since=2023-03-12&until=2023-03-12")
    assert page.locator("#events-table tbody tr").count() >= 1
    assert page.evaluate("window.__pwned") is None
    assert page.errors == [] and page.dialogs == []


def _count(count: dict | None) -> str:
    if not count:
        return "–"
    if count["low"] == count["best"] == count["high"] and count["best"] is not None:
        return str(count["best"])
    return "/".join("–" if count[k] is None else str(count[k]) for k in ("low", "best", "high"))


def test_browser_api_docs_render_every_operation_offline(page, site):
    page.goto(f"{site.url}/docs")
    page.wait_for_selector(".opblock")
    paths = {p.strip() for p in page.locator(".opblock-summary-path").all_inner_texts()}
    assert {"/api/events", "/api/events/{event_id}", "/api/events/merge", "/api/export"} <= {
        p.replace("\u200b", "") for p in paths}
    assert all(u.startswith(site.url) for u in page.requests), [u for u in page.requests if not u.startswith(site.url)]
    assert page.errors == []
    shot(page, "api-docs")
