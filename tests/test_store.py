"""The event store on a real SQLite file and the real PostgreSQL server: idempotence, syndicated
copies, merging across reports, reconciliation, queries and migrations."""

from __future__ import annotations

import datetime as dt

import pytest

import ceasefire
from ceasefire.extract.pipeline import make_report
from ceasefire.store import EventFilter, Store

SHELLING_A = ("On 14 September 2022, Azerbaijani forces shelled Jermuk (Vayots Dzor) with artillery, killing two "
              "Armenian soldiers, the Armenian Ministry of Defense said.")
SHELLING_B = ("JERMUK, Armenia, Sept 15 (Wire) - Azerbaijani artillery pounded the Armenian spa town of Jermuk "
              "yesterday, killing at least three soldiers and wounding four, local officials said. Baku denied the claim.")
SHELLING_C = ("Armenian armed forces provoked a clash near Jermuk on 14 September 2022; Azerbaijani units returned fire. "
              "The Azerbaijani Ministry of Defense said its forces suffered no losses.")
OTHER_SAME_DAY = ("On 14 September 2022, dozens of residents protested in Yerevan against the government, "
                  "demanding more protection for border villages.")
NEXT_WEEK = ("Armenia's defence ministry said on 20 September 2022 that the toll from the 14 September shelling of "
             "Jermuk by Azerbaijani forces had risen to 4 soldiers killed.")


def _add(store: Store, text: str, published: str, source: str, rid: str, url: str | None = None):
    report = make_report(text, published, source=source, report_id=rid, url=url)
    return store.add_report(report, ceasefire.extract(text, published=published, source=source, report_id=rid))


def test_store_same_report_twice_changes_nothing(store_url, seed_text):
    store = Store.open(store_url)
    first = _add(store, seed_text, "2022-03-25", "Wire", "seed", "https://wire.example/parukh")
    before = store.canonical_dump()
    again = _add(store, seed_text, "2022-03-25", "Wire", "seed", "https://wire.example/parukh")
    reworded_whitespace = _add(store, seed_text.replace("\n\n", "\n \n"), "2022-03-25", "Wire", "seed-2")
    assert (first.status, again.status, reworded_whitespace.status) == ("new", "duplicate", "duplicate")
    assert store.canonical_dump() == before
    assert store.counts()["events"] == 1 and store.counts()["reports"] == 1


def test_store_syndicated_copies_are_one_report_with_several_outlets(store_url, seed_text):
    store = Store.open(store_url)
    _add(store, seed_text, "2022-03-25", "Wire", "a", "https://wire.example/1")
    copy = _add(store, seed_text, "2022-03-25", "Daily Paper", "b", "https://paper.example/2")
    headline = _add(store, "KARABAKH CLASHES LEAVE TWO DEAD\n\n" + seed_text.split("\n", 1)[1], "2022-03-25",
                    "Evening Post", "c", "https://post.example/3")
    assert (copy.status, headline.status) == ("copy", "copy")
    counts = store.counts()
    assert counts["reports"] == 1 and counts["report_copies"] == 3 and counts["events"] == 1
    (event,) = store.query_events()
    assert event["number_of_sources"] == 3
    assert event["sources"] == ["Daily Paper", "Evening Post", "Wire"]


def test_store_reports_of_one_incident_merge_and_reconcile(store_url):
    store = Store.open(store_url)
    a = _add(store, SHELLING_A, "2022-09-14", "Armenian MoD", "a")
    b = _add(store, SHELLING_B, "2022-09-15", "Wire", "b")
    c = _add(store, SHELLING_C, "2022-09-14", "Azerbaijani MoD", "c")
    other = _add(store, OTHER_SAME_DAY, "2022-09-14", "Local", "d")
    assert (a.events_created, b.events_merged, c.events_merged, other.events_created) == (1, 1, 1, 1)
    events = {e["sub_event_type"]: e for e in store.query_events()}
    assert len(events) == 2
    jermuk = next(e for e in events.values() if e["location"]["name"] == "Jermuk")
    assert jermuk["number_of_sources"] == 3
    assert jermuk["fatalities"] == {"low": 0, "best": 2, "high": 3}  # 2, 3 and "no losses": median 2
    assert jermuk["contested"] is True
    assert jermuk["date"] == "2022-09-14"
    mentions = store.mentions_of(jermuk["store_id"])
    assert [m["report_key"] for m in mentions] == ["a", "b", "c"]
    assert all(m["evidence"] for m in mentions)  # each source's own sentences stay with it


def test_store_merging_is_incremental(store_url):
    store = Store.open(store_url)
    _add(store, SHELLING_A, "2022-09-14", "Armenian MoD", "a")
    _add(store, OTHER_SAME_DAY, "2022-09-14", "Local", "d")
    later = _add(store, NEXT_WEEK, "2022-09-20", "Armenian MoD", "e")
    assert later.events_merged == 1 and later.events_created == 0
    jermuk = next(e for e in store.query_events() if e["location"]["name"] == "Jermuk")
    assert jermuk["fatalities"]["high"] == 4 and jermuk["number_of_sources"] == 1  # one outlet, two reports
    assert jermuk["reports"] == 2


def test_store_queries_filter_by_date_country_type_and_box(store_url):
    store = Store.open(store_url)
    _add(store, SHELLING_A, "2022-09-14", "Armenian MoD", "a")
    _add(store, OTHER_SAME_DAY, "2022-09-14", "Local", "d")
    _add(store, "On 3 June 2022, Russian forces shelled Kharkiv, killing two civilians.", "2022-06-04", "Wire", "k")
    assert {e["location"]["country"] for e in store.query_events(EventFilter(country="am"))} == {"AM"}
    assert [e["location"]["name"] for e in store.query_events(EventFilter(since=dt.date(2022, 9, 1), sub_event_type="Peaceful protest"))] == ["Yerevan"]
    assert [e["location"]["name"] for e in store.query_events(EventFilter(until=dt.date(2022, 7, 1)))] == ["Kharkiv"]
    box = (35.0, 49.0, 37.5, 50.5)  # around Kharkiv
    assert [e["location"]["name"] for e in store.query_events(EventFilter(bbox=box))] == ["Kharkiv"]
    assert len(list(store.query_events(EventFilter(limit=2)))) == 2


def test_store_migrations_match_the_tables(tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from ceasefire.store.tables import metadata

    store = Store.open(f"sqlite:///{tmp_path / 'm.db'}")
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []
    Store.open(f"sqlite:///{tmp_path / 'm.db'}")  # upgrading an up-to-date store is a no-op


def test_store_bad_url_is_a_clear_error():
    from ceasefire.errors import StoreError

    with pytest.raises(StoreError, match="cannot open the store") as caught:
        Store.open("postgresql://nobody:secret@127.0.0.1:1/none")
    assert "secret" not in str(caught.value) and "nobody:***@" in str(caught.value)


@pytest.fixture(scope="module")
def merge_gold():
    """The merge gold sets ingested into fresh stores, each once: file name -> MergeEvaluation."""
    from ceasefire.evaluate import evaluate_merge, load_gold
    from conftest import GOLD_DIR

    results: dict = {}

    def _run(name: str):
        if name not in results:
            results[name] = evaluate_merge(load_gold([GOLD_DIR / "merge" / name]))
        return results[name]

    return _run


@pytest.mark.parametrize(
    "gold_file, reports, incidents, precision, f1",
    [
        ("incidents.jsonl", 176, 56, 0.93, 0.94),  # measured 0.948 / 0.956, the set the rule was tuned on
        ("heldout.jsonl", 85, 31, 0.92, 0.89),  # measured 0.935 / 0.905, checked while tuning
        ("heldout2.jsonl", 73, 31, 0.84, 0.84),  # measured 0.857 / 0.850, used to find causes
        ("heldout3.jsonl", 75, 30, 0.85, 0.89),  # measured 0.867 / 0.906, used to find causes
        # blind when first scored (heldout4 0.891 / 0.763, heldout5 0.803 / 0.604, heldout6 0.913 / 0.754,
        # heldout7 0.793 / 0.757, heldout8 0.684 / 0.686); their misses were read afterwards
        ("heldout4.jsonl", 130, 49, 0.87, 0.83),  # measured 0.893 / 0.848
        ("heldout5.jsonl", 128, 51, 0.85, 0.77),  # measured 0.875 / 0.791
        ("heldout6.jsonl", 133, 52, 0.90, 0.84),  # measured 0.916 / 0.860
        ("heldout7.jsonl", 141, 62, 0.83, 0.83),  # measured 0.856 / 0.849
        ("heldout8.jsonl", 143, 60, 0.77, 0.75),  # measured 0.789 / 0.768
    ],
)
def test_store_merge_gold_clusters_reports_of_one_incident(merge_gold, gold_file, reports, incidents, precision, f1):
    """tests/gold/merge/: incidents told 2-6 times by different outlets and sides, and distractors on the
    same day and in the same district; pairwise scores of the clustering stay above these floors."""
    result = merge_gold(gold_file)
    assert (result.reports, result.incidents) == (reports, incidents)
    assert result.pairs.precision >= precision and result.pairs.f1 >= f1, result.table()


def test_store_merge_gold_reconciles_the_omdurman_market_shelling(merge_gold):
    by_incident = {row["incident"]: row for row in merge_gold("incidents.jsonl").reconciled}
    market = by_incident["inc-30"]  # the health ministry, volunteers, the RSF's denial, the wire
    assert market["number_of_sources"] >= 3 and market["contested"] is True
    assert market["fatalities"]["best"] == 54 and market["fatalities"]["high"] == 56


DRONE_SUNDAY = ("KHARKIV - A Russian guided bomb hit a row of garages in the Saltivskyi district of Kharkiv on Sunday "
                "evening, wounding three people, the regional governor said.")
HYPERMARKET = ("On 25 May 2024, Russian guided bombs struck a hypermarket in Kharkiv, killing 12 civilians and wounding "
               "43, according to Ukrainian officials.")
HYPERMARKET_TOLL = ("Russian guided bombs that struck a hypermarket in Kharkiv last Saturday killed 19 people, the "
                    "regional governor said on Thursday.")


def test_store_next_day_attack_in_the_same_city_stays_apart_and_later_news_joins_the_right_one(store_url):
    store = Store.open(store_url)
    first = _add(store, HYPERMARKET, "2024-05-25", "Monitor", "a")
    next_day = _add(store, DRONE_SUNDAY, "2024-05-26", "Kharkiv Today", "b")
    toll = _add(store, HYPERMARKET_TOLL, "2024-05-31", "Kyiv Ledger", "c")
    assert (first.events_created, next_day.events_created, toll.events_merged) == (1, 1, 1)
    events = {e["date"]: e for e in store.query_events()}
    assert sorted(events) == ["2024-05-25", "2024-05-26"]
    assert events["2024-05-25"]["number_of_sources"] == 2 and events["2024-05-25"]["fatalities"]["high"] == 19
    assert events["2024-05-26"]["number_of_sources"] == 1
    store.close()


def test_store_a_denial_with_no_event_joins_the_incident_as_a_claim(store_url):
    from ceasefire.extract.pipeline import reference_for

    store = Store.open(store_url)
    _add(store, "On 21 January 2024, Ukrainian forces shelled a market in Donetsk, killing 27 civilians, local officials said.",
         "2024-01-21", "Local", "a")
    denial = ("The Ukrainian General Staff said on 21 January 2024 that its forces had nothing to do with the tragedy "
              "in Donetsk and called the claims Russian propaganda.")
    report = make_report(denial, "2024-01-21", source="Ukrainian General Staff", report_id="d")
    events = ceasefire.extract(denial, published="2024-01-21")
    assert events == []
    outcome = store.add_report(report, events, reference_for(report))
    assert (outcome.events_created, outcome.events_merged) == (0, 1)
    (event,) = store.query_events()
    assert event["contested"] is True and event["references"] == 1
    assert "Ukrainian General Staff" in event["denied_by"] and event["number_of_sources"] == 2
    assert event["fatalities"]["best"] == 27  # a denial adds no figure
    store.close()


def test_store_a_denial_that_comes_before_its_incident_joins_it_when_the_incident_is_stored(store_url):
    from ceasefire.extract.pipeline import reference_for
    from ceasefire.store.tables import pending_references

    store = Store.open(store_url)
    denial = ("The Ukrainian General Staff said on 21 January 2024 that its forces had nothing to do with the tragedy "
              "in Donetsk and called the claims Russian propaganda.")
    report = make_report(denial, "2024-01-21", source="Ukrainian General Staff", report_id="d")
    early = store.add_report(report, [], reference_for(report))
    assert (early.events_created, early.events_merged) == (0, 0)
    with store.engine.connect() as conn:
        assert len(conn.execute(pending_references.select()).all()) == 1
    elsewhere = _add(store, "On 21 January 2024, Russian drones hit a school in Kharkiv, wounding 4 people, officials said.",
                     "2024-01-21", "Kharkiv Today", "k")
    market = _add(store, "On 21 January 2024, Ukrainian forces shelled a market in Donetsk, killing 27 civilians, local "
                  "officials said.", "2024-01-21", "Local", "a")
    assert (elsewhere.events_created, market.events_created) == (1, 1)
    events = {e["location"]["name"]: e for e in store.query_events()}
    assert events["Donetsk"]["references"] == 1 and events["Donetsk"]["contested"] is True
    assert "Ukrainian General Staff" in events["Donetsk"]["denied_by"] and events["Donetsk"]["number_of_sources"] == 2
    assert events["Kharkiv"]["references"] == 0 and events["Kharkiv"]["number_of_sources"] == 1
    with store.engine.connect() as conn:
        assert conn.execute(pending_references.select()).all() == []  # attached, no longer waiting
    store.close()


def test_store_a_report_that_names_the_event_s_misplaced_namesake_beside_its_town_joins_it(store_url):
    # the gazetteer puts the first report's "Zirabo" in Iran; the second names Zirabo beside Savar, Bangladesh:
    # the stored event is found by that name, far outside the box around Savar, and the two are one incident
    store = Store.open(store_url)
    first = _add(store, "Police opened fire on garment workers protesting unpaid wages at Zirabo on Monday, killing "
                        "two, witnesses said.", "2024-11-18", "Witness post", "z1")
    second = _add(store, "Two protesting garment workers were killed on Monday when police fired on a wage rally near "
                         "Zirabo in Savar, officials said.", "2024-11-19", "Wire", "z2")
    assert (first.events_created, second.events_merged, second.events_created) == (1, 1, 0)
    (event,) = list(store.query_events())
    assert event["number_of_sources"] == 2 and event["fatalities"]["best"] == 2
