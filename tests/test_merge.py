"""The merge rule (``ceasefire.store.merge``) on hand-built records: what makes two reports one
incident, what keeps them apart, and how their figures reconcile."""

from __future__ import annotations

import datetime as dt

import pytest

from ceasefire.store.merge import THRESHOLD, Candidate, best_match, reconcile, score, words_of

JERMUK = {"name": "Jermuk", "country": "AM", "admin1": "Vayots Dzor", "lat": 39.8414, "lon": 45.6697, "precision": "town"}
GNDEVAZ = {"name": "Gndevaz", "country": "AM", "admin1": "Vayots Dzor", "lat": 39.7592, "lon": 45.6167, "precision": "town"}
EL_FASHER = {"name": "El Fasher", "country": "SD", "admin1": "Northern Darfur", "lat": 13.6279, "lon": 25.3494,
             "precision": "town"}
DARFUR = {"name": "Darfur", "country": "SD", "admin1": None, "lat": 13.5, "lon": 24.0, "precision": "region"}
KORDOFAN = {"name": "Kordofan", "country": "SD", "admin1": None, "lat": 13.0, "lon": 29.0, "precision": "region"}


def record(date="2022-09-13", location=JERMUK, told="on 13 September", sub="Shelling/artillery/missile attack",
           kind="Explosions/Remote violence", sides=("Azerbaijan", "Armenia"), killed=None,
           sentence="Azerbaijani artillery shelled the town of Jermuk, damaging a hotel.") -> dict:
    evidence = [{"field": "location", "start": 0, "end": 1, "text": sentence}]
    if told:
        evidence.append({"field": "date", "start": 0, "end": 1, "text": told})
    return {
        "event_type": kind, "sub_event_type": sub, "date": date, "date_precision": "day", "location": dict(location),
        "actor1": {"name": f"{sides[0]} forces", "side": sides[0]} if sides[0] else None,
        "actor2": {"name": f"{sides[1]} forces", "side": sides[1]} if sides[1] else None,
        "fatalities": {"low": killed, "best": killed, "high": killed} if killed is not None else None,
        "evidence": evidence,
    }


def candidate(*mentions: dict, event: dict | None = None) -> Candidate:
    event = event or reconcile(list(mentions), [f"outlet {i}" for i in range(len(mentions))])
    return Candidate(1, event, {100 + i for i in range(len(mentions))}, set().union(*(words_of(m) for m in mentions)),
                     list(mentions))


def fits(mention: dict, cand: Candidate) -> float | None:
    return score(mention, words_of(mention), 1, cand)


def test_merge_the_same_strike_told_by_two_sides_is_one_incident():
    told = record()
    other_side = record(told="September 13", sides=("Armenia", "Azerbaijan"), sub="Armed clash", kind="Battles",
                        sentence="Armenian units opened fire from positions opposite Jermuk; our units returned fire.")
    assert fits(other_side, candidate(told)) >= THRESHOLD


def test_merge_two_towns_on_the_same_day_stay_apart():
    jermuk = record()
    gndevaz = record(location=GNDEVAZ, sub="Air/drone strike",
                     sentence="An Azerbaijani drone struck an army truck on the road outside Gndevaz.")
    assert fits(gndevaz, candidate(jermuk)) < THRESHOLD
    assert fits(record(location=dict(JERMUK, name="Dzhermuk")), candidate(jermuk)) >= THRESHOLD  # another spelling


@pytest.mark.parametrize(
    "told, joins",
    [
        ("on Wednesday", False),  # both say which day, and the days differ: the next day's attack
        ("overnight", True),  # a night straddles two dates
        ("the night of September 13-14", True),
        ("in the early hours of Wednesday", True),  # the early hours, dawn or late in the day straddle too
        ("late on Wednesday", True),
        ("at dawn on Wednesday", True),
        (None, True),  # no date in the text: the publication date stands in, a day late
    ],
)
def test_merge_a_day_apart_joins_only_when_one_date_is_not_told(told, joins):
    event = candidate(record())
    next_day = record(date="2022-09-14", told=told)
    result = fits(next_day, event)
    assert (result is not None and result >= THRESHOLD) is joins


def test_merge_a_region_holds_the_towns_of_its_admin1_only():
    town = record(date="2025-01-24", location=EL_FASHER, sides=("RSF", "Sudan"), told="on Friday",
                  sentence="A drone struck the Saudi hospital in El Fasher, killing 67 patients.")
    region = record(date="2025-01-24", location=DARFUR, sides=("RSF", "Sudan"), told="on Friday",
                    sentence="The drone strike on the Saudi hospital in Darfur killed 67 patients.")
    elsewhere = dict(region, location=dict(KORDOFAN))
    assert fits(region, candidate(town)) >= THRESHOLD
    assert fits(elsewhere, candidate(town)) is None


def test_merge_compares_with_every_mention_not_only_the_reconciled_place():
    province = {"name": "Vayots Dzor", "country": "AM", "admin1": "Vayots Dzor", "lat": 39.76, "lon": 45.5,
                "precision": "region"}
    mentions = [record(), record(), record(location=province)]
    reconciled = reconcile(mentions, ["a", "b", "c"])
    assert reconciled["location"]["name"] == "Jermuk"
    yeghegnadzor = record(location={"name": "Yeghegnadzor", "country": "AM", "admin1": "Vayots Dzor", "lat": 39.7611,
                                    "lon": 45.3333, "precision": "town"}, sides=(None, None),
                          sentence="Shells also fell in Yeghegnadzor.")
    with_mentions = candidate(*mentions, event=reconciled)
    without = Candidate(1, reconciled, {100}, with_mentions.words, [])
    assert fits(yeghegnadzor, with_mentions) >= THRESHOLD > fits(yeghegnadzor, without)


def test_merge_best_match_takes_the_highest_scoring_event():
    jermuk, gndevaz = candidate(record()), candidate(record(location=GNDEVAZ, sub="Air/drone strike"))
    gndevaz.event_id = 2
    assert best_match(record(told="Sept 13"), 1, [gndevaz, jermuk]) is jermuk


def test_merge_reconciled_date_is_the_day_most_sources_tell():
    records = [record(date="2022-09-14", told=None), record(date="2022-09-13"), record(date="2022-09-13", told="Tuesday"),
               record(date="2022-09-12", told="on the night of 12-13 September")]
    merged = reconcile(records, ["a", "b", "c", "d"])
    assert merged["date"] == "2022-09-13" and merged["date_told"] == "on 13 September"


def test_merge_reconciled_counts_follow_ucdp():
    merged = reconcile([record(killed=2), record(killed=3), record(killed=0), record(killed=12)], ["a", "b", "c", "d"])
    assert merged["fatalities"] == {"low": 0, "best": 2, "high": 12}  # lower median of 0, 2, 3, 12
    assert merged["contested"] is True and merged["number_of_sources"] == 4


def test_merge_a_strike_by_other_means_on_the_same_day_stays_apart():
    shelling = record(sentence="Artillery shells hit the market in Jermuk.", sides=("Azerbaijan", None))
    shelling["weapons"] = [{"name": "artillery", "class": "artillery"}]
    drone = record(sub="Air/drone strike", sentence="An unmanned aircraft destroyed a parked lorry.", sides=(None, None))
    untold = dict(drone)
    drone["weapons"] = [{"name": "drone", "class": "drone"}]
    rocket = record(sentence="Rockets hit the market in Jermuk.", sides=(None, None))
    rocket["weapons"] = [{"name": "rocket", "class": "rocket artillery"}]
    assert fits(drone, candidate(shelling)) < THRESHOLD <= fits(untold, candidate(shelling))
    assert fits(untold, candidate(shelling)) - fits(drone, candidate(shelling)) == 5.0
    assert fits(rocket, candidate(shelling)) >= THRESHOLD  # a rocket may be told as shelling


def test_merge_one_name_placed_at_two_namesakes_is_still_compared():
    rostov_donetsk = {"name": "Donetsk", "country": "RU", "admin1": "Rostov", "lat": 48.34, "lon": 39.95, "precision": "town"}
    donetsk = {"name": "Donetsk", "country": "UA", "admin1": "Donetsk", "lat": 48.02, "lon": 37.80, "precision": "town"}
    told = record(location=donetsk, sentence="Shells hit a market in Donetsk, killing 27.", killed=27)
    assert fits(record(location=rostov_donetsk, sentence="Shells hit a market in Donetsk.", killed=27),
                candidate(told)) >= THRESHOLD
    assert fits(record(location=dict(JERMUK, country="RU", lat=48.34, lon=39.95)), candidate(told)) is None


def test_merge_an_intercepted_strike_is_the_strike_the_other_side_tells():
    strike = record(sides=("Ukraine", "Russia"), sentence="Ukrainian missiles hit the centre of Jermuk.")
    intercepted = record(kind="Strategic developments", sub="Disrupted weapons use", sides=(None, None),
                         sentence="Air defences shot down missiles over Jermuk.")
    assert fits(intercepted, candidate(strike)) >= THRESHOLD
    arrest = record(kind="Strategic developments", sub="Arrests", sides=(None, None), sentence="Police detained two men.")
    assert fits(arrest, candidate(strike)) is None


def test_merge_rare_words_weigh_more_than_words_every_nearby_event_shares():
    from ceasefire.store.merge import rarity, text_similarity

    events = [Candidate(i, {}, set(), words) for i, words in enumerate(
        [{"killed", "shelling", "market"}, {"killed", "shelling", "hospital"}, {"killed", "shelling", "school"}])]
    weights = rarity(events)
    assert weights["market"] > weights["killed"]
    shares_rare = text_similarity({"killed", "market"}, events[0], weights)
    shares_common = text_similarity({"killed", "shelling"}, events[1], weights)
    assert shares_rare > shares_common
    assert text_similarity({"killed", "market"}, events[0]) == pytest.approx(2 / 3)  # no weights: plain Jaccard


def test_merge_a_bombing_beside_a_ground_assault_on_the_same_day_stays_apart():
    assault = record(sub="Armed clash", kind="Battles", sides=("Islamic State", "Nigeria"),
                     sentence="Fighters in gun trucks stormed the army base in Jermuk, and the fighting lasted hours.")
    bombing = record(sub="Suicide bomb", sides=(None, None), sentence="Two suicide bombers blew themselves up at the market.")
    roadside = record(sub="Attack", kind="Violence against civilians", sides=(None, None),
                      sentence="A device went off under a van at the market.")
    roadside["weapons"] = [{"name": "IED", "class": "IED"}]
    untold = record(sub="Armed clash", kind="Battles", sides=(None, None), sentence="Ten officers died in Jermuk today.")
    told_as_bombing = record(sub="Suicide bomb", sides=(None, None), sentence="A suicide bomber hit the base gate.")
    same_toll = dict(told_as_bombing)
    assert fits(bombing, candidate(assault)) < THRESHOLD
    assert fits(roadside, candidate(assault)) < THRESHOLD  # an explosive among the weapons tells a bombing
    assert fits(bombing, candidate(untold)) - fits(bombing, candidate(assault)) > 5.0 - 1e-9
    assert fits(same_toll, candidate(told_as_bombing, assault)) >= THRESHOLD  # one source told the bombing


def test_merge_a_place_the_gazetteer_does_not_know_is_no_reason_to_split():
    told = record(location=DARFUR, sentence="Gunmen attacked the market of Kabkabiya in Darfur.")
    unknown = record(location={"name": "Kabkabiya souk", "country": None, "lat": None, "lon": None, "precision": None},
                     sentence="Gunmen attacked the market of Kabkabiya, killing traders.")
    assert fits(unknown, candidate(told)) >= THRESHOLD
    elsewhere = record(location=dict(KORDOFAN, country="SS"), sentence="Gunmen attacked the market of Kabkabiya.")
    assert fits(elsewhere, candidate(told)) is None  # a place known to be in another country still is


def test_merge_a_mortar_strike_is_not_the_car_bomb_in_the_same_town():
    car_bomb = record(sub="Remote explosive/landmine/IED", sides=(None, None),
                      sentence="A car bomb went off at the checkpoint at the entrance of Jermuk.")
    car_bomb["weapons"] = [{"name": "car bomb", "class": "IED"}]
    mortar = record(sentence="Mortar shells were fired at the airport base in Jermuk.", sides=(None, None))
    mortar["weapons"] = [{"name": "mortar", "class": "mortar"}]
    assert fits(mortar, candidate(car_bomb)) < THRESHOLD
    shells = record(sentence="Explosive shells hit the airport base in Jermuk.", sides=(None, None))
    shells["weapons"] = [{"name": "explosives", "class": "explosives"}]  # "explosive" tells no means
    assert fits(shells, candidate(mortar)) >= THRESHOLD


def test_merge_a_grenade_attack_is_not_the_gunfight_in_the_same_town():
    grenade = record(sub="Grenade", sides=(None, None), sentence="A grenade was hurled at the Sunday market in Jermuk.")
    gunfight = record(sub="Armed clash", kind="Battles", sides=(None, None),
                      sentence="A militant was killed in a gunfight with police in the old city of Jermuk.")
    assert fits(gunfight, candidate(grenade)) < THRESHOLD


def test_merge_a_stabbing_is_not_the_shooting_in_the_same_town_that_day():
    shooting = record(sub="Attack", kind="Violence against civilians", sides=(None, None),
                      sentence="Gunmen shot four workers building a bridge in Jermuk; two died.")
    stabbing = record(sub="Attack", kind="Violence against civilians", sides=(None, None),
                      sentence="A soldier was stabbed with a knife at the Jermuk market.")
    stabbing["weapons"] = [{"name": "knife", "class": "bladed weapon"}]
    assert fits(stabbing, candidate(shooting)) < THRESHOLD
    both = record(sub="Attack", kind="Violence against civilians", sides=(None, None),
                  sentence="The attackers used machetes and guns.")
    both["weapons"] = [{"name": "machete", "class": "bladed weapon"}, {"name": "guns", "class": "small arms"}]
    assert fits(both, candidate(shooting)) >= THRESHOLD


def test_merge_a_suicide_bombing_is_a_bomb_even_when_no_weapon_is_named():
    bombing = record(sub="Suicide bomb", sides=(None, None), sentence="A martyrdom operation targeted the base in Jermuk.")
    mortar = record(sentence="Mortar shells were fired at the airport base in Jermuk.", sides=(None, None))
    mortar["weapons"] = [{"name": "mortar", "class": "mortar"}]
    assert fits(mortar, candidate(bombing)) < THRESHOLD


def test_merge_a_statement_joins_an_event_the_gazetteer_could_not_place_by_its_name():
    unplaced = dict(JERMUK, lat=None, lon=None, country=None, precision=None, name="Sugapa")
    event = record(location=unplaced, sub="Attack", kind="Violence against civilians", sides=(None, None),
                   sentence="Gunmen shot two workers in Sugapa.")
    claim = {"reference": True, "date": event["date"], "date_told": "on 13 September",
             "location": dict(JERMUK, name="Sugapa"), "evidence": [{"field": "location", "start": 0, "end": 1,
                                                                  "text": "shooting two soldiers in Sugapa"}]}
    assert fits(claim, candidate(event)) >= THRESHOLD
    elsewhere = dict(claim, location=dict(JERMUK, name="Timika"))
    assert fits(elsewhere, candidate(event)) is None
    # the same name placed at two namesakes (the checkpost's district and a village across the border)
    district = dict(JERMUK, name="Jani Khel", country="PK", lat=32.985, lon=70.604, precision="district")
    event = record(location=district, sub="Armed clash", kind="Battles", sides=("Pakistan", None),
                   sentence="Militants attacked the Jani Khel checkpost.")
    namesake = dict(JERMUK, name="Jani Khel", country="AF", lat=32.763, lon=68.397, precision="town")
    assert fits(dict(claim, location=namesake), candidate(event)) >= THRESHOLD


def test_merge_a_machete_massacre_is_the_attack_another_source_tells_without_weapons():
    attack = record(sub="Armed clash", kind="Battles", sides=(None, None),
                    sentence="Militiamen attacked the displaced persons site near Jermuk; peacekeepers repelled them.")
    machetes = record(sub="Attack", kind="Violence against civilians", sides=(None, None),
                      sentence="Militiamen killed displaced people with machetes at the site near Jermuk.")
    machetes["weapons"] = [{"name": "machete", "class": "bladed weapon"}]
    assert fits(machetes, candidate(attack)) >= THRESHOLD


def test_merge_a_place_one_report_names_beside_its_own_counts_as_nearby():
    goris = {"name": "Goris", "country": "AM", "admin1": "Syunik", "lat": 39.5111, "lon": 46.3386, "precision": "town"}
    village = {"name": "Khnatsakh", "country": "AM", "admin1": "Syunik", "lat": 39.4516, "lon": 46.2920, "precision": "town"}
    ministry = record(location=village, sub="Attack", kind="Violence against civilians", sides=("Azerbaijan", "Armenia"),
                      sentence="Azerbaijani units fired on farm workers at Khnatsakh; a man was taken to Goris.")
    ministry["places_named"] = ["Goris"]
    wire = record(location=goris, told="on Saturday", sub="Attack", kind="Violence against civilians",
                  sentence="A farmer was wounded when troops fired on his tractor near the town of Goris.")
    assert fits(wire, candidate(ministry)) >= THRESHOLD
    ministry["places_named"] = []  # two towns 8 km apart, neither naming the other: two incidents
    assert fits(wire, candidate(ministry)) < THRESHOLD


def test_merge_a_country_guessed_for_an_unknown_village_vetoes_nothing():
    shebekino = {"name": "Shebekino", "country": "RU", "admin1": "Belgorod", "lat": 50.4, "lon": 36.89, "precision": "town"}
    guessed = {"name": "Lenina Street", "country": "UA", "lat": None, "lon": None, "precision": None}
    told = {"name": "Lenina Street", "country": "UA", "lat": None, "lon": None, "precision": "country"}
    wire = record(location=shebekino, sub="Air/drone strike", sides=("Ukraine", None), killed=2,
                  sentence="A Ukrainian drone hit a car in Shebekino, killing two men.")
    post = record(location=guessed, sub="Air/drone strike", sides=("Ukraine", None), killed=2,
                  sentence="A Ukrainian drone struck a passenger car on Lenina Street; two men died.")
    assert fits(post, candidate(wire)) >= THRESHOLD
    assert fits(record(location=told, sub="Air/drone strike", sides=("Ukraine", None), killed=2), candidate(wire)) is None


@pytest.mark.parametrize("a, b, same", [
    ("Jisr ash-Shugur", "Jisr Al-Shoghour", True),
    ("Pul-e Khumri", "Pul-i-Khumri", True),
    ("Khan Yunis", "Khan Younis", True),
    ("Culiacan", "Culiacán", True),
    ("Tera", "Tara", False),  # short names: two towns
    ("Gaza", "Goris", False),
    ("Ad Daraj", "Daraj", True),  # an article, whatever the length
    ("Ywa Thit", "Ywathit", True),  # a space
    ("Al-Khuwei", "Al-Khiwai", True),  # other vowels
    ("Thiban", "Dhiban", True),  # "th" and "dh"
    ("Kadugli", "Kaduqli", True),
    ("Bakhmut", "Makhnovka", False),
    ("Kherson", "Khartoum", False),
    ("Kidal", "Kadel", False),  # short: the consonants are not enough
    ("Bokkos Local Government Area", "Bokkos", True),  # a feature word written as part of the name
    ("Yei County", "Yei", True),
    ("Rhoe IDP", "Rhoe", True),
])
def test_merge_a_place_spelled_another_way_is_the_same_place(a, b, same):
    from ceasefire.store.merge import _place_score

    unplaced = {"country": None, "lat": None, "lon": None, "precision": None}
    assert _place_score(dict(unplaced, name=a), dict(unplaced, name=b)) == (3.0 if same else -1.0)


def test_merge_two_names_the_gazetteer_places_nowhere_count_against_one_incident():
    unplaced = {"country": None, "lat": None, "lon": None, "precision": None}
    raid = record(location=dict(unplaced, name="Lotimor"), sub="Abduction/forced disappearance",
                  kind="Violence against civilians", sides=(None, None), told="on Sunday",
                  sentence="Armed youths raided cattle camps and abducted children.")
    other = record(location=dict(unplaced, name="Kangen"), sub="Attack", kind="Violence against civilians",
                   sides=(None, None), told="on Sunday", sentence="Gunmen attacked a cattle camp.")
    same_place = record(location=dict(unplaced, name="Lotimor"), sub="Attack", kind="Violence against civilians",
                        sides=(None, None), told="on Sunday", sentence="Gunmen attacked a cattle camp.")
    # +3 against -1, and -1 for nothing in common but the type and the day
    assert fits(same_place, candidate(raid)) - fits(other, candidate(raid)) == pytest.approx(5.0)


def test_merge_a_crackdown_told_as_a_protest_by_one_source_and_an_attack_by_another_is_one_incident():
    rights_group = record(sub="Excessive force against protesters", kind="Protests", sides=("Armenia", None), killed=3,
                          sentence="Police opened fire on marchers outside the town hall in Jermuk, killing three.")
    wire = record(sub="Attack", kind="Violence against civilians", sides=("Armenia", None), killed=3,
                  sentence="Security forces shot dead three demonstrators outside the town hall in Jermuk.")
    assert fits(wire, candidate(rights_group)) >= THRESHOLD
    # in another town the same day it is another incident; a base set up is never a protest
    assert fits(record(location=GNDEVAZ, sub="Attack", kind="Violence against civilians", sides=("Armenia", None)),
                 candidate(rights_group)) < THRESHOLD
    assert fits(record(sub="Headquarters or base established", kind="Strategic developments", sides=("Armenia", None)),
                 candidate(rights_group)) is None
    # mass arrests at the march are the same incident told by the police
    arrests = record(sub="Arrests", kind="Strategic developments", sides=("Armenia", None),
                     sentence="Police detained 40 marchers outside the town hall in Jermuk.")
    assert fits(arrests, candidate(rights_group)) >= THRESHOLD


def test_merge_a_town_named_beside_another_far_away_in_the_same_country_is_context_not_the_place():
    bukavu = dict(JERMUK, name="Bukavu", country="CD", lat=-2.49, lon=28.84, precision="town")
    uvira = dict(JERMUK, name="Uvira", country="CD", lat=-3.39, lon=29.14, precision="town")
    capture = record(location=bukavu, sub="Armed clash", kind="Battles", sides=("M23", None),
                     sentence="M23 rebels fought their way into Bukavu.")
    clash = dict(record(location=uvira, sub="Armed clash", kind="Battles", sides=("DR Congo", None),
                        sentence="Soldiers who fled Bukavu clashed with militiamen in Uvira."), places_named=["Bukavu"])
    assert fits(clash, candidate(capture)) is None  # 100 km apart in one country: another incident
    # the same name abroad is a namesake the gazetteer chose: the place named beside it tells where it is
    daraj = dict(JERMUK, name="Daraj", country="LY", lat=30.15, lon=10.45, precision="town")
    gaza = dict(JERMUK, name="Gaza City", country="PS", lat=31.5, lon=34.47, precision="town")
    strike = record(location=daraj, sub="Air/drone strike", sides=(None, None), sentence="An air strike hit Daraj.")
    told = dict(record(location=gaza, sub="Air/drone strike", sides=(None, None),
                       sentence="An air strike hit a school in al-Daraj in Gaza City."), places_named=["al-Daraj"])
    assert fits(told, candidate(strike)) >= THRESHOLD


def test_merge_looting_in_a_raid_is_the_attack_another_source_tells():
    raid = record(sub="Attack", kind="Violence against civilians", sides=("Islamic State", None), killed=4,
                  sentence="Insurgents raided the village of Jermuk, beheading four civilians.")
    looting = record(sub="Looting/property destruction", kind="Strategic developments", sides=("Islamic State", None),
                     sentence="Insurgents looted shops and burned houses in Jermuk.")
    assert fits(looting, candidate(raid)) >= THRESHOLD
    handover = record(sub="Non-violent transfer of territory", kind="Strategic developments", sides=("Islamic State", None),
                      sentence="Troops withdrew from Jermuk and the insurgents took it over.")
    capture = record(sub="Non-state actor overtakes territory", kind="Battles", sides=("Islamic State", None),
                     sentence="Insurgents captured Jermuk after the troops pulled out.")
    assert fits(handover, candidate(capture)) >= THRESHOLD


def test_merge_a_follow_up_that_tells_no_date_may_come_four_days_late():
    strike = record(killed=2)
    for days, joins in ((3, True), (4, True), (5, False)):
        late = (dt.date.fromisoformat(strike["date"]) + dt.timedelta(days=days)).isoformat()
        follow_up = record(date=late, told=None, killed=3,
                           sentence="The toll from the shelling of Jermuk by Azerbaijani artillery rose to three.")
        found = fits(follow_up, candidate(strike))
        assert (found is not None and found >= THRESHOLD) is joins, days


def test_merge_a_report_with_no_place_and_no_side_has_only_the_type_and_the_day_in_common():
    # a clash somewhere unnamed, told the day after, does not join a clash in Lebanon on the type alone
    nabatieh = dict(JERMUK, name="Nabatieh", country="LB", lat=33.38, lon=35.48, precision="town")
    strike = record(location=nabatieh, sub="Armed clash", kind="Battles", sides=("Israel", "Hezbollah"),
                    sentence="Israeli troops clashed with Hezbollah fighters near Nabatieh.")
    nowhere = {"name": None, "country": None, "lat": None, "lon": None, "precision": None}
    lone = record(date="2022-09-14", told=None, location=nowhere, sub="Armed clash", kind="Battles", sides=(None, None),
                  sentence="Gunmen attacked an army post at dawn.")
    assert fits(lone, candidate(strike)) < THRESHOLD
    # the same report naming a side of the event is tied to it: +1 for the side, and no -1
    tied = dict(lone, actor1={"name": "Hezbollah forces", "side": "Hezbollah"})
    assert fits(tied, candidate(strike)) - fits(lone, candidate(strike)) == pytest.approx(2.0)
    assert fits(tied, candidate(strike)) >= THRESHOLD


def test_merge_a_province_split_since_the_gazetteer_s_admin1_holds_its_towns():
    # GeoNames files Djugu under the DR Congo's former Eastern Province; reports name Ituri, split from it in 2015
    djugu = dict(JERMUK, name="Djugu", country="CD", admin1="Eastern", lat=1.92, lon=30.5, precision="town")
    ituri = dict(JERMUK, name="Ituri", country="CD", admin1="Ituri", lat=None, lon=None, precision="region")
    kalemie = dict(djugu, name="Kalemie", admin1="Katanga", lat=-5.95, lon=29.19)
    attack = record(location=djugu, sub="Attack", kind="Violence against civilians", sides=("CODECO", "DR Congo"),
                    sentence="CODECO militiamen attacked a displacement camp near Djugu.")
    told = record(location=ituri, sub="Attack", kind="Violence against civilians", sides=("CODECO", "DR Congo"),
                  sentence="CODECO militiamen attacked a displacement camp in Ituri province.")
    assert fits(told, candidate(attack)) >= THRESHOLD
    assert fits(told, candidate(record(location=kalemie, sub="Attack", kind="Violence against civilians",
                                       sides=("CODECO", "DR Congo")))) is None  # Katanga's town is not in Ituri
