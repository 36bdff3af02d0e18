"""The common phrasings of the field, one hand-written sentence each."""

from __future__ import annotations

import datetime as dt

import pytest

NOTE = "On 9 May 2020, Azerbaijani forces fired 82mm mortars at Armenian positions near Berd (Tavush), violating the ceasefire. No casualties."


def test_analyst_note_is_coded_completely(one):
    e = one(NOTE, "2020-05-11")
    assert e.sub_event_type == "Shelling/artillery/missile attack"
    assert e.date == dt.date(2020, 5, 9)
    assert (e.actor1.side, e.actor2.side) == ("Azerbaijan", "Armenia")
    assert [(w.name, w.weapon_class) for w in e.weapons] == [("82mm mortar", "mortar")]
    assert e.ceasefire_violation
    assert e.fatalities.best == 0 and e.wounded.best == 0
    assert e.location.name == "Berd" and e.location.admin1 == "Tavush"


@pytest.mark.parametrize(
    "sentence, low, best, high",
    [
        ("Two soldiers were killed when Azerbaijani forces shelled the village.", 2, 2, 2),
        ("At least 14 soldiers were killed in clashes with Azerbaijani forces.", 14, 14, None),
        ("More than 100 people were killed in the shelling of the town by Russian forces.", 101, 101, None),
        ("Dozens of civilians were killed when Russian forces shelled the market.", 24, 24, None),
        ("A soldier was killed by sniper fire from Azerbaijani positions.", 1, 1, 1),
        ("Russian artillery shelled the town, killing 5-8 civilians.", 5, 5, 8),
        ("Russian forces shelled the village, killing three civilians and wounding seven.", 3, 3, 3),
        ("Russian artillery shelled the town. Fatalities: 4.", 4, 4, 4),
        ("Up to 10 soldiers died in the fighting with Ukrainian troops.", None, 10, 10),
        ("Twenty-three fighters were killed in clashes between the army and rebels.", 23, 23, 23),
    ],
)
def test_casualty_figures_in_words_and_digits(one, sentence, low, best, high):
    e = one(sentence)
    assert (e.fatalities.low, e.fatalities.best, e.fatalities.high) == (low, best, high)


def test_killed_and_wounded_are_kept_apart(one):
    e = one("Russian forces shelled the village, killing three civilians and wounding seven.")
    assert e.fatalities.best == 3 and e.wounded.best == 7


def test_pending_figure_has_no_best(one):
    e = one("Azerbaijani forces attacked Armenian positions; two soldiers were killed. "
            "The number of those wounded is being verified.")
    assert e.fatalities.best == 2
    assert e.wounded is None


def test_no_casualties_sets_zero(one):
    e = one("Armenian forces fired at Azerbaijani positions near Tovuz with small arms. No casualties were reported.")
    assert e.fatalities.best == 0 and e.wounded.best == 0


@pytest.mark.parametrize(
    "text",
    [
        "Azerbaijan's defence minister threatened to strike Armenian positions if the provocations continue.",
        "Officials warned that the fighting could escalate into a full-scale war.",
        "No clashes were reported along the line of contact on Tuesday.",
        "The Armenian Ministry of Defense denied that its forces had shelled Azerbaijani positions.",
    ],
)
def test_threats_hypotheticals_and_denials_are_not_events(code, text):
    assert code(text) == []


@pytest.mark.parametrize(
    "phrase, expected",
    [
        ("on Friday", dt.date(2022, 3, 25)),
        ("on Wednesday", dt.date(2022, 3, 23)),
        ("overnight", dt.date(2022, 3, 24)),
        ("yesterday", dt.date(2022, 3, 24)),
        ("on March 24", dt.date(2022, 3, 24)),
        ("on 21 March", dt.date(2022, 3, 21)),
        ("two days ago", dt.date(2022, 3, 23)),
        ("early this morning", dt.date(2022, 3, 25)),
        ("in the early hours of this morning", dt.date(2022, 3, 25)),
        ("before dawn on Wednesday", dt.date(2022, 3, 23)),
    ],
)
def test_relative_dates_count_back_from_publication(one, phrase, expected):
    e = one(f"Azerbaijani forces shelled Armenian positions near Sotk {phrase}, wounding two soldiers.", "2022-03-25")
    assert e.date == expected and e.date_precision == "day"


@pytest.mark.parametrize(
    "text",
    [
        "On Thursday, a day after Azerbaijani forces shelled Armenian positions near Sotk, wounding two soldiers, "
        "villagers counted the damage.",
        "Two days after Azerbaijani forces shelled Armenian positions near Sotk, wounding two soldiers, villagers are "
        "still clearing rubble.",
    ],
)
def test_days_after_date_the_incident_before_the_day_told(one, text):
    e = one(text, "2022-03-25")
    assert e.date == dt.date(2022, 3, 23) and e.date_precision == "day"


def test_a_night_across_two_dates_keeps_both_in_its_evidence(one):
    e = one("On the night of March 23-24, Azerbaijani forces shelled Armenian positions near Sotk, wounding a soldier.")
    assert e.date == dt.date(2022, 3, 23)
    assert [ev.text for ev in e.evidence if ev.field == "date"] == ["March 23-24"]


@pytest.mark.parametrize(
    "text, place",
    [
        ("Ukrainian artillery struck a market in the Kirovsky district of Donetsk, killing 25 civilians.", "Donetsk"),
        ("Ukrainian forces shelled the Tekstilshchik microdistrict of Donetsk, killing 13 people.", "Donetsk"),
        ("An Israeli air strike hit a house in the Shaboura area of Rafah, killing 12 people.", "Rafah"),
        ("Israeli jets struck the Red Sea port of Hodeidah, a day after a drone killed a man in Tel Aviv.", "Hodeidah"),
    ],
)
def test_a_part_of_a_town_is_placed_in_the_town(one, text, place):
    assert one(text).location.name == place


def test_forces_entering_a_city_take_it(one):
    e = one("AFC/M23 forces entered the city of Bukavu on Sunday to liberate the population from insecurity.",
            "2025-02-16")
    assert e.sub_event_type == "Non-state actor overtakes territory" and e.location.name == "Bukavu"


def test_last_week_has_week_precision(one):
    e = one("Russian forces shelled Kherson last week, killing two civilians.", "2022-11-24")
    assert e.date == dt.date(2022, 11, 14) and e.date_precision == "week"


def test_december_report_of_january_news_goes_back_a_year(one):
    e = one("On 30 December, Russian drones struck Kharkiv, wounding four people.", "2023-01-02")
    assert e.date == dt.date(2022, 12, 30)


@pytest.mark.parametrize(
    "text, claimant",
    [
        ("Two soldiers were killed in an Azerbaijani drone strike, the Defense Army said.", "Defense Army"),
        ("According to the Armenian Ministry of Defense, Azerbaijani forces shelled Jermuk.", "Armenian Ministry of Defense"),
        ("Ukraine's General Staff reported that Russian forces shelled Kherson, killing a civilian.", "Ukrainian General Staff"),
    ],
)
def test_attribution_names_who_claims(one, text, claimant):
    assert claimant in one(text).claimed_by


def test_denial_is_recorded_separately(code):
    events = code("Armenian forces shelled Azerbaijani positions near Kalbajar, the Azerbaijani Ministry of Defense said. "
                  "The Armenian Ministry of Defense denied the claim.")
    assert len(events) == 1
    assert "Azerbaijani Ministry of Defense" in events[0].claimed_by
    assert "Armenian Ministry of Defense" in events[0].denied_by


def test_two_dated_incidents_in_one_note_are_two_events(code):
    events = code("On 3 June 2022, Russian forces shelled Kharkiv, killing two civilians. "
                  "On 5 June 2022, Ukrainian forces struck Russian positions near Izium with HIMARS rockets.",
                  "2022-06-06")
    assert [e.date for e in events] == [dt.date(2022, 6, 3), dt.date(2022, 6, 5)]


@pytest.mark.parametrize(
    "text, sub_event",
    [
        ("On 12 May, a Turkish drone strike hit a car near Qamishli, killing two SDF fighters.", "Air/drone strike"),
        ("On 12 May, a roadside bomb exploded under an army truck near Gao, killing three Malian soldiers.", "Remote explosive/landmine/IED"),
        ("On 12 May, a suicide bomber blew himself up at a checkpoint in Mogadishu, killing four police officers.", "Suicide bomb"),
        ("On 12 May, hundreds of people protested peacefully in Yerevan against the border deal.", "Peaceful protest"),
        ("On 12 May, police fired tear gas to disperse protesters in Tbilisi.", "Protest with intervention"),
        ("On 12 May, gunmen abducted 20 villagers in Zamfara state.", "Abduction/forced disappearance"),
        ("On 12 May, police arrested five opposition activists in Baku.", "Arrests"),
        ("On 12 May, Ukrainian air defences shot down 18 Shahed drones over Kyiv region.", "Disrupted weapons use"),
        ("On 12 May, Russian forces took control of the village of Krasnohorivka in Ukraine's Donetsk region after heavy fighting.", "Non-state actor overtakes territory"),
    ],
)
def test_sub_event_types(code, text, sub_event):
    events = code(text, "2023-05-13")
    assert events and events[0].sub_event_type == sub_event


@pytest.mark.parametrize(
    "text, place, country",
    [
        ("Gunmen killed five herders at a cattle camp in Yei County, Central Equatoria, on Sunday, local officials said.",
         "Yei County", "SS"),
        ("Two soldiers were killed when a roadside bomb hit their patrol in Rann, Borno State, in the Muslim-majority north "
         "of Nigeria, on Sunday.", "Rann", "NG"),
    ],
)
def test_a_named_feature_and_a_compound_adjective_are_placed_right(one, text, place, country):
    e = one(text)
    assert (e.location.name, e.location.country) == (place, country)


@pytest.mark.parametrize(
    "text, sub_event, killed",
    [
        # armed groups' and militaries' claims
        ("A martyrdom-seeking brother detonated his explosive belt among a gathering of apostate militiamen "
         "at their base in Baidoa, killing 11 of them.", "Suicide bomb", 11),
        ("Our brother Abu Khattab al-Ansari carried out a martyrdom operation with a car bomb against a "
         "checkpoint of the Nigerian army near Monguno.", "Suicide bomb", None),
        ("An istishhadi of the Caliphate soldiers blew up his vest amid Iraqi army troops in Tarmiyah.", "Suicide bomb", None),
        ("Five PKK terrorists were neutralized in the Hakurk region of northern Iraq, the ministry said.", "Armed clash", 5),
        ("Turkish security forces neutralised two YPG terrorists who opened fire on a base near Tal Abyad.", "Armed clash", 2),
        ("Amba fighters attacked a military checkpoint at Batibo on Monday. Four soldiers neutralised.", "Armed clash", 4),
        ("Our mujahideen struck an enemy convoy on the road between Mandera and Elwak, destroying two vehicles.",
         "Armed clash", None),
        ("The missile force executed an operation this morning using a ballistic missile against a gathering of "
         "mercenaries in Harib, inflicting heavy losses.", "Shelling/artillery/missile attack", None),
        # what fell or hit, with nobody hurt
        ("Several projectiles fell near the berm east of Mahbes on Saturday night, causing no casualties.",
         "Shelling/artillery/missile attack", 0),
        ("Two mortar bombs landed in a field outside Bardarash on Friday evening. No one was killed.",
         "Shelling/artillery/missile attack", 0),
        ("Bullets struck the roof of the school in Aygepar overnight, the mayor said. Nobody was hurt.", "Armed clash", 0),
        # explosions told as news in themselves
        ("Huge explosion just now near Qissa Khwani bazaar in Peshawar, ambulances rushing in.",
         "Remote explosive/landmine/IED", None),
        ("Powerful blast rocks Mizan Chowk in Quetta, many dead and injured taken to the civil hospital.",
         "Remote explosive/landmine/IED", 3),
        # abductions told as people marched or whisked away
        ("Gunmen stormed Kauran Wali village on Friday night and marched 25 residents, mostly women, into the bush.",
         "Abduction/forced disappearance", None),
        ("Villagers in Kankara said bandits whisked away 14 farmers from their fields on Sunday.",
         "Abduction/forced disappearance", None),
    ],
)
def test_claims_posts_and_terse_reports_are_events(one, text, sub_event, killed):
    e = one(text, "2024-06-10")
    assert e.sub_event_type == sub_event
    assert (e.fatalities.best if e.fatalities else None) == killed


@pytest.mark.parametrize(
    "text, sub_event",
    [
        ("Tear gas and live bullets on Azadi Square right now, people are running. #WomanLifeFreedom",
         "Excessive force against protesters"),
        ("Police teargassing the crowd on Kenyatta Avenue as we speak. #OccupyParliament", "Protest with intervention"),
        ("Riot police beat peaceful marchers with batons outside the university in Dhaka tonight.",
         "Protest with intervention"),
        ("Police kettled the peaceful crowd on Liberty Avenue and sprayed pepper spray in our faces, nobody was armed.",
         "Protest with intervention"),
    ],
)
def test_social_posts_about_protests_met_with_force(one, text, sub_event):
    e = one(text, "2024-06-10")
    assert (e.event_type, e.sub_event_type) == ("Protests", sub_event)


@pytest.mark.parametrize(
    "text",
    [
        "Air defence units neutralised two drones over the Belgorod region overnight.",
        "Three drones were neutralized over the Bryansk region, the ministry said.",
    ],
)
def test_neutralised_drones_are_not_deaths(one, text):
    e = one(text, "2024-06-10")
    assert e.sub_event_type == "Disrupted weapons use"
    assert e.fatalities is None


def test_one_figure_for_killed_and_wounded_sets_neither(one):
    e = one("A suicide bomber blew himself up in a mosque in Kandahar, killing and wounding about 50 worshippers.")
    assert e.sub_event_type == "Suicide bomb"
    assert (e.fatalities, e.wounded) == (None, None)


def test_a_post_that_opens_with_its_source_is_claimed_by_it(one):
    e = one("Amaq: A martyrdom-seeker detonated his explosive vest among Iraqi army troops in Tarmiyah.", "2024-06-10")
    assert (e.sub_event_type, e.claimed_by) == ("Suicide bomb", ["Amaq"])


@pytest.mark.parametrize("text, sub", [
    ("Unidentified gunmen shot and killed a shopkeeper in Herat on Sunday.", "Attack"),
    ("Two gunmen shot a teacher dead outside his school in Quetta this morning.", "Attack"),
    ("On 22 July, Azerbaijani units fired from large-calibre weapons at Armenian positions near Sotk.", "Armed clash"),
])
def test_shootings_told_without_a_figure_are_events(one, text, sub):
    assert one(text, "2024-07-23").sub_event_type == sub


def test_a_datelines_date_is_the_day_of_writing_not_of_the_incident(one):
    e = one("GAO, Oct 9 (Sahel Wire) - A drone strike killed six fighters and wounded several, officials said. "
            "The strike on Sunday hit a pick-up truck outside Anderamboukane.", "2024-10-09")
    assert e.date == dt.date(2024, 10, 6)


def test_the_sentences_that_tell_an_event_are_its_notes(one):
    from ceasefire.io import acled_row

    e = one("Russian artillery shelled a school in Novoselivka on Monday, killing two teachers. "
            "Four pupils were wounded by shrapnel.", "2024-06-26")
    notes = [ev.text for ev in e.evidence if ev.field == "notes"]
    assert notes == ["Russian artillery shelled a school in Novoselivka on Monday, killing two teachers.",
                     "Four pupils were wounded by shrapnel."]
    assert acled_row(e, {})["notes"] == " ".join(notes)


@pytest.mark.parametrize("text", [
    "About twenty villagers were taken away by gunmen from Gidan Bawa late on Tuesday.",
    "Bandits carried off eight farmers from their fields near Maru on Saturday.",
    "Armed men took away four engineers of a road construction firm in Bannu on Friday.",
    "Two nurses were whisked away by suspected kidnappers outside the clinic in Auchi on Sunday.",
])
def test_people_taken_away_by_an_armed_agent_are_an_abduction(one, text):
    e = one(text, "2024-06-10")
    assert (e.sub_event_type, e.actor1.name) == ("Abduction/forced disappearance", "Unidentified Armed Group")


@pytest.mark.parametrize("text", [
    "Bandits took away their cattle in Maru on Friday.",
    "The police took away the suspects for questioning in Kano.",
    "Rescue workers carried off the bodies of the victims from the rubble.",
    "The militants threatened to take away the children of anyone who refused to pay.",
    "The rebels denied that their fighters had taken away any aid workers.",
])
def test_goods_the_dead_threats_and_denials_taken_away_are_no_abduction(code, text):
    assert [e.sub_event_type for e in code(text, "2024-06-10")] in ([], ["Looting/property destruction"])


@pytest.mark.parametrize("text, best", [
    ("The army eliminated 30 extremist elements in the forest near Beni on Monday.", 30),
    ("Troops neutralised twelve hostile elements near Diffa on Sunday.", 12),
    ("The armed forces killed several gang members in Croix-des-Bouquets on Monday.", 3),
])
def test_elements_and_gang_members_are_people_beside_a_killing_word(one, text, best):
    e = one(text, "2024-06-11")
    assert e.sub_event_type == "Armed clash" and e.fatalities.best == best


@pytest.mark.parametrize("text", [
    "Soldiers stopped two men who rushed the fence near Rafah on Sunday. The troops eliminated the terrorists.",
    "Gendarmes killed the bandits who had attacked the market in Tera on Saturday.",
])
def test_a_killing_of_fighters_told_without_a_figure_is_a_clash(one, text):
    e = one(text, "2024-06-10")
    assert e.sub_event_type == "Armed clash" and e.fatalities is None


def test_a_killing_of_civilians_told_without_a_figure_is_an_attack(one):
    e = one("Gunmen killed the villagers of Kwall in their fields on Monday.", "2024-06-11")
    assert e.sub_event_type == "Attack" and e.actor1.name == "Unidentified Armed Group"


@pytest.mark.parametrize("text", [
    "#Encounter has started at Dooru, Anantnag. Police and army are on the job.",
    "An encounter broke out between security forces and militants in Shopian district on Friday.",
    "Two militants were killed in a fierce encounter with troops in Kupwara on Friday.",
])
def test_an_encounter_in_indian_english_is_a_gunfight(one, text):
    assert one(text, "2024-06-10").sub_event_type == "Armed clash"


@pytest.mark.parametrize("text", [
    "A chance encounter with the minister at the airport led to a long conversation.",
    "The president recalled his encounter with the rebel leader in Nairobi.",
])
def test_an_encounter_with_a_person_is_no_gunfight(code, text):
    assert code(text, "2024-06-10") == []


@pytest.mark.parametrize("text, best", [
    ("The attack on Ruwi village on Sunday night claimed nine lives, officials said.", 9),
    ("Five lives were lost when gunmen stormed Kasso village on Sunday.", 5),
    ("The raid on the camp near Bama cost the lives of six soldiers on Sunday.", 6),
    ("Police said one fatality was recorded after the raid on Bokkos on Sunday.", 1),
    ("Gunmen killed a shopkeeper in Kwall on Sunday.", 1),
    ("The enemy lost up to 60 servicemen near Robotyne on Sunday.", 60),
])
def test_lives_lost_claimed_and_fatality_are_tolls(one, text, best):
    assert one(text, "2024-06-10").fatalities.best == best


@pytest.mark.parametrize("text", [
    "The governor said no lives were lost in the fire.",
    "Two soldiers lost their legs in the blast, doctors said.",
    "The company lost 300 workers to a rival firm last year.",
    "Hezbollah mourned one of its fighters from Aitaroun who was martyred on the road to Al-Quds.",
    "The Islamic Resistance mourns the martyr Hassan Ali, from Khiam in south Lebanon, who was martyred on the road to Jerusalem.",
])
def test_death_notices_and_other_losses_are_no_toll(code, text):
    assert all(e.fatalities is None or e.fatalities.best == 0 for e in code(text, "2024-06-10"))


def test_a_notice_that_tells_the_strike_keeps_its_toll(one):
    e = one("Hezbollah mourned two of its fighters who were killed in an Israeli drone strike on a car in Aitaroun on Tuesday.",
            "2024-06-10")
    assert e.sub_event_type == "Air/drone strike" and e.fatalities.best == 2


def test_a_missile_that_tore_through_a_building_is_a_strike(one):
    e = one("A Russian missile tore through an apartment block in Zaporizhzhia on Sunday, killing four residents.",
            "2024-06-10")
    assert e.sub_event_type == "Shelling/artillery/missile attack" and e.fatalities.best == 4


def test_a_post_that_tells_artillery_hitting_a_district_now_is_shelling(one):
    e = one("Mykolaiv right now: artillery hitting the Korabelnyi district, smoke over the river. Stay in shelters.",
            "2024-06-10")
    assert e.sub_event_type == "Shelling/artillery/missile attack"


@pytest.mark.parametrize(
    "text",
    [
        "Road accidents killed 12 people on the highway near Kano on Sunday.",
        "Floods killed 40 people in Borno state this week, officials said.",
        "A bus crash claimed nine lives near Quetta on Tuesday.",
        "Seven miners died when a gold mine collapsed in North Darfur on Monday.",
        "Cholera has killed 30 people in the camps around El Fasher since June.",
    ],
)
def test_deaths_from_accidents_floods_and_disease_are_not_conflict_events(code, text):
    assert code(text, "2024-06-10") == []


@pytest.mark.parametrize(
    "text, sub_event, killed",
    [
        ("Two soldiers were killed when their vehicle overturned after hitting a landmine near Gao.",
         "Remote explosive/landmine/IED", 2),
        ("Five people were killed in the crash of an army helicopter shot down by rebels near Goma.",
         "Air/drone strike", 5),
        ("Gunmen killed 12 people in a village near Kano on Sunday.", "Attack", 12),
    ],
)
def test_a_crash_or_an_accident_caused_by_an_attack_is_still_an_event(one, text, sub_event, killed):
    e = one(text, "2024-06-10")
    assert (e.sub_event_type, e.fatalities.best) == (sub_event, killed)
