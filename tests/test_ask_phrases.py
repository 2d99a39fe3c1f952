"""The plain-English parser on realistic questions: each expected interpretation is written by hand.

The parser reads the demo graph's vocabulary (needs, moments, audiences, activities, GP practices,
wards). Codes are from the demo pack: P91003 Park Medical Practice, P91004 Altrincham Medical
Practice, P91006 Urmston Group Practice, P91009 Davyhulme Medical Centre, P91019 Partington Central
Surgery; wards E05015259 Urmston, E05015255 Sale Moor, E05015253 Old Trafford, E05015246 Flixton,
E05015254 Sale Central, E05015248 Hale, E05015241 Bowdon, E05015256 Stretford & Humphrey Park.
Lists are compared as sets: "walking football" asks for either activity, in no particular order.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from assetgraph.graph.ask import load_ask_vocabulary, parse_question
from assetgraph.graph.connection import Graph

TODAY = date(2026, 11, 1)  # a Sunday

PHRASES: list[tuple[str, dict[str, Any], list[str]]] = [
    (
        "unused groups near Park Medical Practice that tackle loneliness for older men on Tuesdays",
        {
            "near": "gp:P91003",
            "need": ["isolation"],
            "audience": ["older-people", "men"],
            "open_on": ["tuesday"],
            "usage": "unused",
        },
        [],
    ),
    (
        "free walking groups within a mile of WA14 2DD",
        {"near": "postcode:WA14 2DD", "radius_m": 1609, "activity": ["walking"], "cost": ["free"]},
        [],
    ),
    (
        "something for a recently bereaved carer near M33 7XZ",
        {"near": "postcode:M33 7XZ", "moment": ["bereavement"], "audience": ["carers"]},
        [],
    ),
    ("lonely older people near P91003", {"near": "gp:P91003", "need": ["isolation"], "audience": ["older-people"]}, []),
    ("mental health support near Park Medical", {"near": "gp:P91003", "need": ["mental-wellbeing"]}, []),
    (
        "underused befriending services within 2 km of Altrincham Medical Practice",
        {"near": "gp:P91004", "radius_m": 2000, "need": ["befriending"], "usage": "underused"},
        [],
    ),
    (
        "food banks near M33 7XZ open on Fridays",
        {"near": "postcode:M33 7XZ", "activity": ["food-parcels"], "open_on": ["friday"]},
        [],
    ),
    (
        "step-free exercise classes near postcode WA15 7XR",
        {"near": "postcode:WA15 7XR", "activity": ["exercise-classes"], "accessible": ["step-free"]},
        [],
    ),
    (
        "wheelchair accessible swimming near Urmston",
        {"near": "area:E05015259", "activity": ["swimming"], "accessible": ["wheelchair"]},
        [],
    ),
    (
        "choir for people with dementia near Sale Moor",
        {"near": "area:E05015255", "activity": ["choir"], "audience": ["people-with-dementia"]},
        [],
    ),
    (
        "walking football for men over 50 near WA15 7XR",
        {"near": "postcode:WA15 7XR", "activity": ["football", "walking"], "audience": ["men", "older-people"]},
        [],
    ),
    (
        "knit and natter on Wednesday mornings near M41 0NA",
        {
            "near": "postcode:M41 0NA",
            "activity": ["knit-and-natter"],
            "open_on": ["wednesday"],
            "open_before": "12:00",
        },
        [],
    ),
    ("debt advice near Stretford", {"near": "area:E05015256", "need": ["debt-advice"]}, []),
    ("anything for new mums near M32 9AF", {"near": "postcode:M32 9AF", "moment": ["new-parent"]}, []),
    ("groups open after 6pm near P91003", {"near": "gp:P91003", "open_after": "18:00"}, []),
    (
        "yoga before 10am near WA14 2DD",
        {"near": "postcode:WA14 2DD", "activity": ["yoga"], "open_before": "10:00"},
        [],
    ),
    (
        "tai chi at 2pm on Thursdays near Park Medical Practice",
        {"near": "gp:P91003", "activity": ["yoga"], "open_on": ["thursday"], "open_at": "14:00"},
        [],
    ),
    (
        "free things to do at the weekend near WA15 7XR",
        {"near": "postcode:WA15 7XR", "cost": ["free"], "open_on": ["saturday", "sunday"]},
        [],
    ),
    (
        "support for people with anxiety near Davyhulme Medical Centre",
        {"near": "gp:P91009", "need": ["anxiety-and-depression"]},
        [],
    ),
    ("groups for young carers near M41 0NA", {"near": "postcode:M41 0NA", "need": ["young-carers"]}, []),
    (
        "bereavement support within half a mile of WA14 2DD",
        {"near": "postcode:WA14 2DD", "radius_m": 805, "need": ["bereavement"]},
        [],
    ),
    (
        "recently retired man looking for company near Urmston Group Practice",
        {"near": "gp:P91006", "need": ["befriending"], "moment": ["retirement"], "audience": ["men"]},
        [],
    ),
    ("where can I volunteer near WA15 7XR", {"near": "postcode:WA15 7XR", "volunteering": True}, []),
    ("groups for grumpy old men near P91003", {"near": "gp:P91003", "audience": ["older-people", "men"]}, ["grumpy"]),
    ("cheap gym near M33 7XZ", {"near": "postcode:M33 7XZ", "activity": ["gym"], "cost": ["free", "low"]}, []),
    (
        "low cost swimming for families in Old Trafford",
        {"near": "area:E05015253", "activity": ["swimming"], "audience": ["families"], "cost": ["free", "low"]},
        [],
    ),
    (
        "dementia cafe near WA15 7XR on Friday afternoons",
        {
            "near": "postcode:WA15 7XR",
            "activity": ["community-cafe"],
            "open_on": ["friday"],
            "open_after": "12:00",
            "open_before": "17:00",
        },
        [],
    ),
    ("parkrun near Flixton", {"near": "area:E05015246", "activity": ["athletics-and-running"]}, []),
    (
        "unused allotments near 53.4,-2.3",
        {"near": "53.4,-2.3", "activity": ["gardening"], "usage": "unused"},
        [],
    ),
    ("men's shed near M41", {"near": "postcode:M41", "audience": ["men"]}, ["shed"]),
    ("help with benefits near Partington", {"near": "gp:P91019", "need": ["benefits-advice"]}, []),
    ("stop smoking near WA14 2DD", {"near": "postcode:WA14 2DD", "need": ["stop-smoking"]}, []),
    (
        "esol classes for refugees near M32 9AF",
        {
            "near": "postcode:M32 9AF",
            "need": ["learning-and-skills"],
            "activity": ["learning-courses"],
            "audience": ["refugees-and-asylum-seekers"],
        },
        [],
    ),
    ("lgbt groups near M16 7QB", {"near": "postcode:M16 7QB", "audience": ["lgbtq"]}, []),
    # "Support for carers" is the name of the need carers; the longest phrase wins over the audience "carers".
    ("support for carers near Park Medical Practice", {"near": "gp:P91003", "need": ["carers"]}, []),
    ("a group for carers near Park Medical Practice", {"near": "gp:P91003", "audience": ["carers"]}, []),
    (
        "help with debt for a newly diagnosed woman near WA15 7XR",
        {
            "near": "postcode:WA15 7XR",
            "need": ["money-and-debt"],
            "moment": ["new-diagnosis"],
            "audience": ["women"],
        },
        [],
    ),
    ("things to do after work near Sale Central", {"near": "area:E05015254", "open_after": "18:00"}, []),
    (
        "toddler groups on Monday mornings near M33 4BP",
        {"near": "postcode:M33 4BP", "activity": ["play"], "open_on": ["monday"], "open_before": "12:00"},
        [],
    ),
    (
        "ten minutes walk from WA15 7XR, free coffee mornings",
        {"near": "postcode:WA15 7XR", "radius_m": 800, "activity": ["coffee-morning"], "cost": ["free"]},
        [],
    ),
    (
        "unused bowls clubs in Hale for over 60s",
        {"near": "area:E05015248", "activity": ["bowls"], "audience": ["older-people"], "usage": "unused"},
        [],
    ),
    (
        "quietest walking groups near P91003 for people who are isolated",
        {"near": "gp:P91003", "need": ["isolation"], "activity": ["walking"], "sort": "least_used"},
        [],
    ),
    (
        "recently verified food banks near WA14",
        {"near": "postcode:WA14", "activity": ["food-parcels"], "verified_within_days": 365},
        [],
    ),
    (
        "groups where you can earn time credits near M33 7XZ",
        {"near": "postcode:M33 7XZ", "time_credits": "earn"},
        [],
    ),
    ("nature walks near Bowdon", {"near": "area:E05015241", "activity": ["nature-activities"]}, []),
    (
        "sewing for asylum seekers near M33",
        {"near": "postcode:M33", "activity": ["knit-and-natter"], "audience": ["refugees-and-asylum-seekers"]},
        [],
    ),
    ("xyzzy near M33 7XZ", {"near": "postcode:M33 7XZ"}, ["xyzzy"]),
    ('"Trussell Trust" on Tuesdays', {"q": "Trussell Trust", "open_on": ["tuesday"]}, []),
    (
        "groups between 10am and 2pm near P91003",
        {"near": "gp:P91003", "open_after": "10:00", "open_before": "14:00"},
        [],
    ),
    (
        "Lonely widower in Urmston who likes gardening, Tuesdays or Thursdays",
        {
            "near": "area:E05015259",
            "need": ["isolation"],
            "moment": ["bereavement"],
            "activity": ["gardening"],
            "open_on": ["tuesday", "thursday"],
        },
        ["likes"],
    ),
    (
        "nearest free wifi to Park Medical Practice",
        {"near": "gp:P91003", "cost": ["free"], "sort": "distance"},
        ["wifi"],
    ),
    (
        "groups today near WA15 7XR in the evening",
        {"near": "postcode:WA15 7XR", "open_on": ["sunday"], "open_after": "18:00"},
        [],
    ),
]


def _as_sets(params: dict[str, Any]) -> dict[str, Any]:
    return {key: set(value) if isinstance(value, list) else value for key, value in params.items()}


@pytest.mark.parametrize(("question", "expected", "unknown"), PHRASES, ids=[p[0][:60] for p in PHRASES])
def test_phrasing_is_read_as_written_down(
    demo_graph: Graph, question: str, expected: dict[str, Any], unknown: list[str]
) -> None:
    interpretation = parse_question(question, vocabulary=load_ask_vocabulary(demo_graph), today=TODAY)
    assert _as_sets(interpretation.params) == _as_sets(expected), interpretation.recognised
    assert list(interpretation.not_understood) == unknown


def test_the_table_is_big_enough() -> None:
    assert len(PHRASES) >= 40
    assert len({question for question, _, _ in PHRASES}) == len(PHRASES)
