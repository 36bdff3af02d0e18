"""The HTTP API, over real HTTP on loopback, on a real SQLite file and the real PostgreSQL server:
reading with filters, one event with its evidence, timeline, exports, review with tokens, history,
pinned corrections that survive re-ingestion, merge and split, access control and limits."""

from __future__ import annotations

import csv
import io
import json

import httpx
import pytest

import ceasefire
from ceasefire.extract.pipeline import make_report
from ceasefire.store import Store
from ceasefire.store.review import create_token, revoke_token
from ceasefire.web import WebSettings

JERMUK_A = ("On 14 September 2022, Azerbaijani forces shelled Jermuk (Vayots Dzor) with artillery, killing two "
            "Armenian soldiers, the Armenian Ministry of Defense said.")
JERMUK_B = ("JERMUK, Armenia, Sept 15 (Wire) - Azerbaijani artillery pounded the Armenian spa town of Jermuk "
            "yesterday, killing at least three soldiers and wounding four, local officials said.")
JERMUK_LATER = ("Armenia's defence ministry said on 20 September 2022 that the toll from the 14 September shelling of "
                "Jermuk by Azerbaijani forces had risen to 4 soldiers killed.")
KHARKIV = "On 3 June 2022, Russian forces shelled Kharkiv, killing two civilians."


def _add(store: Store, text: str, published: str, source: str, rid: str):
    report = make_report(text, published, source=source, report_id=rid)
    return store.add_report(report, ceasefire.extract(text, published=published, source=source, report_id=rid))


@pytest.fixture
def served(store_url, live_server, seed_text):
    store = Store.open(store_url)
    _add(store, seed_text, "2022-03-25", "Seed Wire", "seed")
    _add(store, JERMUK_A, "2022-09-14", "Armenian MoD", "jermuk-a")
    _add(store, JERMUK_B, "2022-09-15", "Wire", "jermuk-b")
    _add(store, KHARKIV, "2022-06-04", "Wire", "kharkiv")
    server = live_server(store, WebSettings(cache_seconds=0))
    client = httpx.Client(base_url=server.url, timeout=10)
    yield store, client
    client.close()
    store.close()


def _event(client: httpx.Client, **params) -> dict:
    (item,) = client.get("/api/events", params=params).json()["items"]
    return item


def test_api_events_filter_by_country_dates_side_text_and_box(served):
    _store, client = served
    everything = client.get("/api/events").json()
    assert [e["location"]["name"] for e in everything["items"]] == ["Jermuk", "Kharkiv", "Parukh"]  # newest first
    assert everything["next_offset"] is None
    parukh = _event(client, country="az")
    assert (parukh["date"], parukh["wounded"]["low"], parukh["fatalities"]["best"]) == ("2022-03-24", 14, 2)
    assert parukh["review_state"] == "machine" and isinstance(parukh["store_id"], int)
    assert _event(client, since="2022-09-01", until="2022-09-30")["location"]["name"] == "Jermuk"
    assert _event(client, side="Russia")["location"]["name"] == "Kharkiv"
    assert _event(client, q="bayraktar")["location"]["name"] == "Parukh"
    assert _event(client, bbox="36,49,37,50.5")["location"]["name"] == "Kharkiv"
    assert _event(client, sub_event_type="Government regains territory")["location"]["name"] == "Parukh"
    page = client.get("/api/events", params={"limit": 2}).json()
    assert len(page["items"]) == 2 and page["next_offset"] == 2
    assert len(client.get("/api/events", params={"limit": 2, "offset": 2}).json()["items"]) == 1


def test_api_rejects_bad_parameters_with_a_named_error(served):
    _store, client = served
    bad_date = client.get("/api/events", params={"since": "24 March"})
    assert bad_date.status_code == 422 and "since" in bad_date.json()["error"]["message"]
    assert client.get("/api/events", params={"limit": 5000}).status_code == 422
    assert client.get("/api/events", params={"bbox": "1,2,3"}).json()["error"]["code"] == "invalid"
    missing = client.get("/api/events/999999")
    assert missing.status_code == 404 and missing.json() == {"error": {"code": "not_found", "message": "no event 999999"}}


def test_api_event_detail_has_every_report_with_evidence_offsets_into_its_text(served, seed_text):
    _store, client = served
    jermuk = _event(client, country="AM")
    detail = client.get(f"/api/events/{jermuk['store_id']}").json()
    assert {r["report_key"] for r in detail["reports"]} == {"jermuk-a", "jermuk-b"}
    assert detail["event"]["number_of_sources"] == 2
    for report in detail["reports"]:
        for span in report["mention"]["evidence"]:
            assert report["text"][span["start"]:span["end"]] == span["text"]
    fatalities = {c["source"]: c["value"]["best"] for c in detail["claims"] if c["field"] == "fatalities"}
    assert fatalities == {"Armenian MoD": 2, "Wire": 3}
    parukh = client.get(f"/api/events/{_event(client, country='AZ')['store_id']}").json()
    (report,) = parukh["reports"]
    assert report["text"] == seed_text and report["outlets"] == [{"source": "Seed Wire", "url": None}]
    wounded = [s for s in report["mention"]["evidence"] if s["field"] == "wounded"]
    assert wounded and "14" in wounded[0]["text"]


def test_api_timeline_counts_events_fatalities_and_violations(served):
    _store, client = served
    day = client.get("/api/timeline").json()
    (series,) = day["series"]
    points = {p["period"]: p for p in series["points"]}
    assert points["2022-03-24"] == {"period": "2022-03-24", "events": 1, "fatalities": 2, "ceasefire_violations": 1}
    assert points["2022-09-14"]["fatalities"] == 2  # the lower median of 2 and 3
    week = client.get("/api/timeline", params={"interval": "week", "by": "country"}).json()
    keys = {s["key"]: s["points"] for s in week["series"]}
    assert keys["AZ"] == [{"period": "2022-03-21", "events": 1, "fatalities": 2, "ceasefire_violations": 1}]
    assert set(keys) == {"AZ", "AM", "UA"}


def test_api_exports_stream_acled_csv_geojson_and_jsonl(served):
    _store, client = served
    rows = list(csv.DictReader(io.StringIO(client.get("/api/export", params={"format": "acled-csv"}).text)))
    assert {r["location"] for r in rows} == {"Parukh", "Jermuk", "Kharkiv"}
    parukh = next(r for r in rows if r["location"] == "Parukh")
    assert (parukh["event_date"], parukh["fatalities"], parukh["iso"]) == ("2022-03-24", "2", "AZ")
    geo = client.get("/api/export", params={"format": "geojson", "country": "UA"}).json()
    assert [f["properties"]["location"]["name"] for f in geo["features"]] == ["Kharkiv"]
    lines = client.get("/api/export", params={"format": "jsonl"}).text.splitlines()
    assert len(lines) == 3 and all(json.loads(line)["event_id"] for line in lines)
    features = client.get("/api/events.geojson").json()["features"]
    assert {f["properties"]["location"] for f in features} == {"Parukh", "Jermuk", "Kharkiv"}
    kharkiv = next(f for f in features if f["properties"]["location"] == "Kharkiv")
    assert kharkiv["geometry"]["coordinates"] == pytest.approx([36.25, 50.0], abs=0.1)


def test_api_writes_need_a_valid_token(served):
    store, client = served
    event_id = _event(client, country="AZ")["store_id"]
    body = {"changes": {"wounded": {"best": 15}}}
    assert client.patch(f"/api/events/{event_id}", json=body).status_code == 401
    wrong = client.patch(f"/api/events/{event_id}", json=body, headers={"Authorization": "Bearer cf_not-a-token"})
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "unauthorized"
    token = create_token(store, "mallory")
    revoke_token(store, "mallory")
    assert client.patch(f"/api/events/{event_id}", json=body, headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert client.post("/api/events/merge", json={"ids": [1, 2]}).status_code == 401
    assert client.get(f"/api/events/{event_id}/history").json() == []
    assert _event(client, country="AZ")["wounded"]["best"] is None
    renewed = create_token(store, "mallory")  # the revoked token's name goes to a new token; the old one stays dead
    assert client.patch(f"/api/events/{event_id}", json=body, headers={"Authorization": f"Bearer {token}"}).status_code == 401
    fixed = client.patch(f"/api/events/{event_id}", json=body, headers={"Authorization": f"Bearer {renewed}"}).json()
    assert [(c["author"], c["field"]) for c in fixed["history"]] == [("mallory", "wounded")]
    with pytest.raises(ceasefire.errors.ReviewError, match="exists already"):
        create_token(store, "mallory")


def test_api_correction_is_logged_and_survives_later_reports(served):
    store, client = served
    auth = {"Authorization": f"Bearer {create_token(store, 'alice')}"}
    jermuk = _event(client, country="AM")
    fixed = client.patch(f"/api/events/{jermuk['store_id']}", headers=auth,
                         json={"changes": {"fatalities": {"low": 2, "best": 3, "high": 3}}, "note": "MoD update"}).json()
    assert fixed["event"]["fatalities"] == {"low": 2, "best": 3, "high": 3}
    assert fixed["event"]["review_state"] == "corrected" and fixed["event"]["reviewed_fields"] == ["fatalities"]
    (change,) = fixed["history"]
    assert (change["action"], change["field"], change["author"], change["note"]) == ("correct", "fatalities", "alice", "MoD update")
    assert change["old"]["best"] == 2 and change["new"]["best"] == 3
    later = _add(store, JERMUK_LATER, "2022-09-20", "Armenian MoD", "jermuk-later")  # says 4 killed
    assert later.events_merged == 1
    after = client.get(f"/api/events/{jermuk['store_id']}").json()
    assert after["event"]["reports"] == 3 and after["event"]["fatalities"] == {"low": 2, "best": 3, "high": 3}
    assert any(c["value"] and c["value"].get("best") == 4 for c in after["claims"] if c["field"] == "fatalities")


def test_api_correction_validates_fields_and_keeps_type_and_subtype_consistent(served):
    store, client = served
    auth = {"Authorization": f"Bearer {create_token(store, 'alice')}"}
    event_id = _event(client, country="UA")["store_id"]
    unknown = client.patch(f"/api/events/{event_id}", headers=auth, json={"changes": {"notes": "x"}})
    assert unknown.status_code == 422 and "cannot correct notes" in unknown.json()["error"]["message"]
    bad = client.patch(f"/api/events/{event_id}", headers=auth, json={"changes": {"sub_event_type": "Skirmish"}})
    assert bad.status_code == 422
    for not_a_name in ({"sub_event_type": ["Armed clash"]}, {"event_type": {"name": "Battles"}}):
        wrong = client.patch(f"/api/events/{event_id}", headers=auth, json={"changes": not_a_name})
        assert wrong.status_code == 422 and wrong.json()["error"]["message"].startswith("unknown "), wrong.text
    done = client.patch(f"/api/events/{event_id}", headers=auth, json={"changes": {
        "sub_event_type": "Air/drone strike", "date": "2022-06-02",
        "location": {"name": "Chuhuiv", "country": "UA", "lat": 49.84, "lon": 36.69},
        "actor2": {"name": "Civilians (Ukraine)", "side": "Ukraine"}}}).json()["event"]
    assert (done["event_type"], done["sub_event_type"], done["date"]) == ("Explosions/Remote violence", "Air/drone strike", "2022-06-02")
    assert done["location"]["name"] == "Chuhuiv" and done["actor2"]["side"] == "Ukraine"
    assert _event(client, bbox="36.5,49.7,36.8,50")["store_id"] == event_id  # the columns follow the correction


def test_api_reject_hides_an_event_confirm_and_reopen(served):
    store, client = served
    auth = {"Authorization": f"Bearer {create_token(store, 'bob')}"}
    event_id = _event(client, country="UA")["store_id"]
    assert client.post(f"/api/events/{event_id}/review", headers=auth, json={"action": "reject", "note": "duplicate"}).status_code == 200
    assert [e["location"]["name"] for e in client.get("/api/events").json()["items"]] == ["Jermuk", "Parukh"]
    assert _event(client, state="rejected")["store_id"] == event_id
    client.post(f"/api/events/{event_id}/review", headers=auth, json={"action": "reopen"})
    client.post(f"/api/events/{event_id}/review", headers=auth, json={"action": "confirm"})
    history = client.get(f"/api/events/{event_id}/history").json()
    assert [(h["action"], h["old"], h["new"]) for h in history] == [
        ("reject", "machine", "rejected"), ("reopen", "rejected", "machine"), ("confirm", "machine", "confirmed")]
    assert client.post(f"/api/events/{event_id}/review", headers=auth, json={"action": "delete"}).status_code == 422


def test_api_merge_then_split_events(served):
    store, client = served
    auth = {"Authorization": f"Bearer {create_token(store, 'carol')}"}
    az, ua = _event(client, country="AZ")["store_id"], _event(client, country="UA")["store_id"]
    merged = client.post("/api/events/merge", headers=auth, json={"ids": [az, ua], "note": "test"}).json()
    assert {r["report_key"] for r in merged["reports"]} == {"seed", "kharkiv"}
    assert client.get(f"/api/events/{ua}").status_code == 404
    assert client.get(f"/api/events/{ua}/history").json()[0]["new"] == {"merged_into": az}
    kharkiv_mention = next(r["mention_id"] for r in merged["reports"] if r["report_key"] == "kharkiv")
    split = client.post(f"/api/events/{az}/split", headers=auth, json={"mention_ids": [kharkiv_mention]}).json()
    assert split["from"] == az
    assert [r["report_key"] for r in client.get(f"/api/events/{split['event_id']}").json()["reports"]] == ["kharkiv"]
    assert [r["report_key"] for r in client.get(f"/api/events/{az}").json()["reports"]] == ["seed"]
    everything = client.post(f"/api/events/{az}/split", headers=auth,
                             json={"mention_ids": [r["mention_id"] for r in client.get(f"/api/events/{az}").json()["reports"]]})
    assert everything.status_code == 422


def test_api_token_only_reading_bounded_bodies_and_no_cors(store_url, live_server):
    store = Store.open(store_url)
    _add(store, KHARKIV, "2022-06-04", "Wire", "kharkiv")
    private = live_server(store, WebSettings(read="token"))
    token = create_token(store, "reader")
    assert httpx.get(private.url + "/api/events").status_code == 401
    ok = httpx.get(private.url + "/api/events", headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200 and "access-control-allow-origin" not in ok.headers
    assert "script-src 'self'" in ok.headers["content-security-policy"]
    huge = httpx.post(private.url + "/api/events/merge", content=b"{" + b" " * 70_000 + b"}",
                      headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    assert huge.status_code == 413 and huge.json()["error"]["code"] == "too_large"
    shared = live_server(store, WebSettings(cors_origins=("https://desk.example",)))
    cors = httpx.get(shared.url + "/api/meta", headers={"Origin": "https://desk.example"})
    assert cors.headers["access-control-allow-origin"] == "https://desk.example"
    assert httpx.get(shared.url + "/openapi.json").json()["info"]["title"] == "ceasefire"
    store.close()


def test_api_cached_reads_see_new_reports_within_the_cache_interval(store_url, live_server, seed_text):
    import time

    store = Store.open(store_url)
    _add(store, KHARKIV, "2022-06-04", "Wire", "kharkiv")
    server = live_server(store, WebSettings(cache_seconds=0.3))
    first = httpx.get(server.url + "/api/events").json()["items"]
    assert [e["location"]["name"] for e in first] == ["Kharkiv"]
    _add(store, seed_text, "2022-03-25", "Seed Wire", "seed")  # written beside the server, as an ingest would
    time.sleep(0.4)
    assert [e["location"]["name"] for e in httpx.get(server.url + "/api/events").json()["items"]] == ["Kharkiv", "Parukh"]
    store.close()


def test_api_chunked_body_over_the_limit_gets_413(store_url, live_server):
    store = Store.open(store_url)
    server = live_server(store, WebSettings())
    token = create_token(store, "chunky")

    def chunks():  # no Content-Length: httpx sends it chunked
        yield b'{"action": "confirm", "note": "'
        for _ in range(20):
            yield b"a" * 4096
        yield b'"}'

    huge = httpx.post(server.url + "/api/events/1/review", content=chunks(),
                      headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    assert "content-length" not in huge.request.headers
    assert huge.status_code == 413 and huge.json()["error"]["code"] == "too_large"
    store.close()


def test_api_ids_beyond_the_database_integer_are_refused_not_500(served):
    store, client = served
    auth = {"Authorization": f"Bearer {create_token(store, 'dave')}"}
    huge = 99999999999999999999
    for response in (client.get(f"/api/events/{huge}"), client.get(f"/api/events/{huge}/history"),
                     client.get(f"/api/reports/{huge}"), client.get("/api/reports", params={"offset": huge}),
                     client.post(f"/api/events/{huge}/review", headers=auth, json={"action": "confirm"}),
                     client.post("/api/events/merge", headers=auth, json={"ids": [1, huge]})):
        assert response.status_code == 422 and response.json()["error"]["code"] == "invalid", response.text
    assert client.get("/api/events/2147483647").json()["error"] == {"code": "not_found", "message": "no event 2147483647"}


def test_api_cache_keys_cannot_be_spelled_by_another_query(store_url, live_server, seed_text):
    store = Store.open(store_url)
    _add(store, seed_text, "2022-03-25", "Seed Wire", "seed")
    _add(store, KHARKIV, "2022-06-04", "Wire", "kharkiv")
    server = live_server(store, WebSettings(cache_seconds=60))
    # one unknown parameter named "country=UA&since" (ignored: every event) must not answer for country=UA&since=...
    poison = httpx.get(server.url + "/api/events?country%3DUA%26since=2022-01-01").json()["items"]
    assert len(poison) == 2
    real = httpx.get(server.url + "/api/events", params={"country": "UA", "since": "2022-01-01"}).json()["items"]
    assert [e["location"]["name"] for e in real] == ["Kharkiv"]
    store.close()


def test_api_correction_to_the_machine_value_pins_and_logs_it_and_a_repeat_changes_nothing(served):
    store, client = served
    auth = {"Authorization": f"Bearer {create_token(store, 'erin')}"}
    kharkiv = _event(client, country="UA")
    event_id, toll = kharkiv["store_id"], kharkiv["fatalities"]
    assert toll == {"low": 2, "best": 2, "high": 2}
    same = client.patch(f"/api/events/{event_id}", headers=auth, json={"changes": {"fatalities": toll}}).json()
    assert same["event"]["review_state"] == "corrected" and same["event"]["reviewed_fields"] == ["fatalities"]
    assert [(c["action"], c["field"], c["old"], c["new"]) for c in same["history"]] == [
        ("correct", "fatalities", toll, toll)]
    client.post(f"/api/events/{event_id}/review", headers=auth, json={"action": "confirm"})
    again = client.patch(f"/api/events/{event_id}", headers=auth, json={"changes": {"fatalities": {"best": 2}}}).json()
    assert again["event"]["review_state"] == "confirmed"
    assert [c["action"] for c in again["history"]] == ["correct", "confirm"]


def test_api_exports_an_event_whose_place_an_analyst_corrected(served):
    store, client = served
    auth = {"Authorization": f"Bearer {create_token(store, 'gina')}"}
    event_id = _event(client, country="UA")["store_id"]
    client.patch(f"/api/events/{event_id}", headers=auth, json={"changes": {
        "location": {"name": "Chuhuiv", "country": "UA", "lat": 49.84, "lon": 36.69}}}).raise_for_status()
    rows = list(csv.DictReader(io.StringIO(client.get("/api/export", params={"format": "acled-csv"}).text)))
    chuhuiv = next(r for r in rows if r["location"] == "Chuhuiv")
    assert (len(rows), chuhuiv["latitude"], chuhuiv["longitude"], chuhuiv["geo_precision"]) == (3, "49.84", "36.69", "1")


def test_api_acled_csv_neutralises_cells_a_spreadsheet_would_run_as_formulas(store_url, live_server):
    store = Store.open(store_url)
    _add(store, KHARKIV, "2022-06-04", '=HYPERLINK("http://evil.example","open")', "kharkiv")
    server = live_server(store, WebSettings(cache_seconds=0))
    auth = {"Authorization": f"Bearer {create_token(store, 'frank')}"}
    (event,) = httpx.get(server.url + "/api/events").json()["items"]
    httpx.patch(server.url + f"/api/events/{event['store_id']}", headers=auth, json={"changes": {
        "location": {"name": "@SUM(1+1)", "country": "CL", "lat": -33.45, "lon": -70.66}}}).raise_for_status()
    (row,) = csv.DictReader(io.StringIO(httpx.get(server.url + "/api/export", params={"format": "acled-csv"}).text))
    assert row["source"] == '\'=HYPERLINK("http://evil.example","open")'
    assert row["location"] == "'@SUM(1+1)"
    assert (row["latitude"], row["longitude"], row["fatalities"]) == ("-33.45", "-70.66", "2")  # numbers stay numbers
    store.close()


def test_api_concurrent_corrections_queue_and_each_logs_the_value_before_it(store_url, live_server, seed_text):
    import threading

    store = Store.open(store_url)
    _add(store, seed_text, "2022-03-25", "Seed Wire", "seed")
    server = live_server(store, WebSettings(cache_seconds=0))
    auth = {"Authorization": f"Bearer {create_token(store, 'henry')}"}
    (event,) = httpx.get(server.url + "/api/events").json()["items"]
    url = f"{server.url}/api/events/{event['store_id']}"
    statuses = []

    def correct(best: int) -> None:
        statuses.append(httpx.patch(url, headers=auth, timeout=30, json={"changes": {"wounded": {"best": best}}}).status_code)

    threads = [threading.Thread(target=correct, args=(100 + n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 8
    chain = [(c["old"]["best"], c["new"]["best"]) for c in httpx.get(url + "/history").json()]
    assert len(chain) == 8 and chain[0][0] is None  # the report gave "at least 14" and no best figure
    assert [old for old, _new in chain[1:]] == [new for _old, new in chain[:-1]]
    assert httpx.get(url).json()["event"]["wounded"]["best"] == chain[-1][1]
    store.close()


def test_api_places_match_the_words_given_and_nothing_else(served):
    _store, client = served
    assert [p["name"] for p in client.get("/api/places", params={"q": "ERM"}).json()] == ["Jermuk"]
    assert [p["name"] for p in client.get("/api/places", params={"country": "ua"}).json()] == ["Kharkiv"]
    for wildcard in ("%", "_", "J%k", "\\"):  # SQL LIKE's wildcards are letters here
        assert client.get("/api/places", params={"q": wildcard}).json() == [], wildcard


def test_store_version_moves_with_every_write_transaction(store_url, seed_text):
    from ceasefire.store.review import review

    store = Store.open(store_url)
    start = store.version()
    _add(store, KHARKIV, "2022-06-04", "Wire", "kharkiv")
    after_report = store.version()
    (event,) = store.query_events()
    review(store, event["store_id"], "confirm", "ana")
    assert start < after_report < store.version()
    store.close()
