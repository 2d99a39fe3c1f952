"""The plain-English parser without a database: a small hand-built vocabulary, checked rule by rule."""

from __future__ import annotations

from datetime import date

import pytest

from assetgraph.graph.ask import AskVocabulary, PlaceName, parse_question, stem, tokenise
from assetgraph.graph.errors import InvalidQueryError
from assetgraph.graph.taxonomy import TermNode, Vocabulary

MONDAY = date(2026, 11, 2)


def _node(kind: str, node_id: str, name: str, *synonyms: str, **extra: object) -> TermNode:
    terms = tuple(dict.fromkeys(t.lower() for t in (name, *synonyms)))
    return TermNode(kind=kind, id=node_id, name=name, synonyms=synonyms, terms=terms, **extra)  # type: ignore[arg-type]


VOCABULARY = AskVocabulary(
    vocabulary=Vocabulary.from_nodes(
        [
            _node("need", "isolation", "Isolation and loneliness", "loneliness", "lonely"),
            _node("need", "befriending", "Befriending", "befriending", parent_id="isolation"),
            _node("need", "carers", "Support for carers", "carers", "carer"),
            _node("need", "bereavement", "Bereavement", "bereavement", "grief", "widowed"),
            _node("need", "nature", "Nature", "gardening", "allotment"),
            _node("moment", "bereavement", "Bereavement", "bereaved", "widowed", "grief", raises=("isolation",)),
            _node("audience", "carers", "Carers", "carers", "carer"),
            _node("audience", "older-people", "Older people", "older people", "elderly"),
            _node("activity", "gardening", "Gardening", "gardening", "allotment"),
            _node("activity", "walking", "Walking group", "walking group", "walking football"),
            _node("activity", "football", "Football", "football", "walking football"),
        ]
    ),
    places=(
        PlaceName(kind="gp", code="P1", name="Park Medical Practice", level=None, lat=53.0, lon=-2.0),
        PlaceName(kind="gp", code="P2", name="West Timperley Medical Centre", level=None, lat=53.1, lon=-2.1),
        PlaceName(kind="gp", code="P3", name="Timperley Health Centre (Westwood)", level=None, lat=53.2, lon=-2.2),
        PlaceName(kind="area", code="E05000001", name="Timperley North", level="ward", lat=53.4, lon=-2.4),
        PlaceName(kind="area", code="E05000002", name="Timperley Central", level="ward", lat=53.2, lon=-2.2),
        PlaceName(kind="area", code="E05000003", name="Stretford & Humphrey Park", level="ward", lat=53.5, lon=-2.5),
        PlaceName(kind="area", code="E08000009", name="Trafford", level="lad", lat=53.4, lon=-2.3),
    ),
)


def read(question: str) -> dict[str, object]:
    return parse_question(question, vocabulary=VOCABULARY, today=MONDAY).params


def test_tokens_keep_their_place_in_the_text() -> None:
    text = "Men's group & café at 6:30pm"
    tokens = sorted(tokenise(text), key=lambda t: t[1])
    assert [t[0] for t in tokens] == ["Men's", "group", "and", "café", "at", "6:30", "pm"]
    assert all(text[start:end] in {word, "&"} for word, start, end in tokens)
    assert [stem(w) for w in ("groups", "activities", "class", "bus", "men")] == [
        "group",
        "activity",
        "class",
        "bus",
        "men",
    ]


@pytest.mark.parametrize(
    ("question", "radius"),
    [
        ("within a mile of WA14 2DD", 1609),
        ("within half a mile of WA14 2DD", 805),
        ("within 1.5 km of WA14 2DD", 1500),
        ("within 500m of WA14 2DD", 500),
        ("under two miles from WA14 2DD", 3219),
        ("a 15 minute walk from WA14 2DD", 1200),
        ("within walking distance of WA14 2DD", 1000),
        ("within 100 miles of WA14 2DD", 50000),
    ],
)
def test_distances(question: str, radius: int) -> None:
    assert read(question) == {"near": "postcode:WA14 2DD", "radius_m": radius}


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("after 6pm", {"open_after": "18:00"}),
        ("after 6", {"open_after": "18:00"}),
        ("after 18:30", {"open_after": "18:30"}),
        ("before 9.30am", {"open_before": "09:30"}),
        ("at noon", {"open_at": "12:00"}),
        ("at 2", {"open_at": "14:00"}),
        ("from 7pm onwards", {"open_after": "19:00"}),
        ("between 10 and 12", {"open_after": "10:00", "open_before": "12:00"}),
        ("in the morning", {"open_before": "12:00"}),
        (
            "on weekday evenings",
            {"open_on": ["monday", "tuesday", "wednesday", "thursday", "friday"], "open_after": "18:00"},
        ),
        ("today", {"open_on": ["monday"]}),
        ("tomorrow afternoon", {"open_on": ["tuesday"], "open_after": "12:00", "open_before": "17:00"}),
        ("on Tuesdays or Thursdays", {"open_on": ["tuesday", "thursday"]}),
    ],
)
def test_days_and_times(question: str, expected: dict[str, object]) -> None:
    assert read(f"groups {question} near WA14 2DD") == {"near": "postcode:WA14 2DD", **expected}


def test_gp_practice_names_are_matched_fuzzily_and_by_coverage() -> None:
    assert read("near Park Medical")["near"] == "gp:P1"
    assert read("near the park medicl practise")["near"] == "gp:P1"
    assert read("Park Medical Practice patients who are lonely")["near"] == "gp:P1"
    # All three words are in P3's name; P2 lacks "health": the name covered most wins.
    assert read("near Timperley Health Centre")["near"] == "gp:P3"


def test_wards_need_an_anchor_word_and_shared_names_use_the_centre() -> None:
    both = parse_question("gardening in Timperley", vocabulary=VOCABULARY, today=MONDAY)
    assert both.params["near"] == f"{(53.4 + 53.2) / 2:.6f},{(-2.4 - 2.2) / 2:.6f}"
    assert "Timperley Central, Timperley North" in both.recognised[-1].detail
    assert read("in Stretford")["near"] == "area:E05000003"
    assert "near" not in read("Stretford gardening")
    whole = parse_question("gardening in Trafford", vocabulary=VOCABULARY, today=MONDAY)
    assert "near" not in whole.params and whole.not_understood == ()


def test_kind_priority_and_need_cues() -> None:
    assert read("carers near P12345") == {"near": "gp:P12345", "audience": ["carers"]}
    assert read("help with carers near P12345") == {"near": "gp:P12345", "need": ["carers"]}
    assert read("gardening near P12345") == {"near": "gp:P12345", "activity": ["gardening"]}
    assert read("widowed near P12345") == {"near": "gp:P12345", "moment": ["bereavement"]}
    assert read("grief support near P12345") == {"near": "gp:P12345", "need": ["bereavement"]}
    # One phrase naming two activities asks for either.
    assert read("walking football near P12345") == {"near": "gp:P12345", "activity": ["football", "walking"]}


def test_longest_phrase_wins_and_everyday_words_help() -> None:
    assert read("older people near P12345") == {"near": "gp:P12345", "audience": ["older-people"]}
    assert read("older men near P12345") == {"near": "gp:P12345", "audience": ["older-people"]}
    # "men" is an everyday word only when the graph has the audience "men": here it has not.
    interpretation = parse_question("older men near P12345", vocabulary=VOCABULARY, today=MONDAY)
    assert interpretation.not_understood == ("men",)


def test_filter_words() -> None:
    assert read("free unused step-free groups near P12345") == {
        "near": "gp:P12345",
        "cost": ["free"],
        "accessible": ["step-free"],
        "usage": "unused",
    }
    assert read("cheap wheelchair accessible groups near P12345") == {
        "near": "gp:P12345",
        "cost": ["free", "low"],
        "accessible": ["wheelchair"],
    }
    assert read("least used groups near P12345")["sort"] == "least_used"


def test_quoted_text_searches_names_and_places_are_taken_once() -> None:
    interpretation = parse_question('"Trussell Trust" near M33 7XZ or WA14 2DD', vocabulary=VOCABULARY, today=MONDAY)
    assert interpretation.params == {"near": "postcode:M33 7XZ", "q": "Trussell Trust"}
    assert any("ignored" in r.became for r in interpretation.recognised)
    assert interpretation.notes


def test_unknown_words_are_listed_as_typed_and_stop_words_are_not() -> None:
    interpretation = parse_question(
        "Something for my Grumpy lonely neighbour near M33", vocabulary=VOCABULARY, today=MONDAY
    )
    assert interpretation.params == {"near": "postcode:M33", "need": ["isolation"]}
    assert interpretation.not_understood == ("Grumpy", "neighbour")


def test_near_me_is_explained_and_no_place_is_reported() -> None:
    interpretation = parse_question("lonely people near me", vocabulary=VOCABULARY, today=MONDAY)
    assert interpretation.params == {"need": ["isolation"]}
    assert not interpretation.has_place
    assert any("near me" in note for note in interpretation.notes)


def test_recognised_phrases_are_in_the_order_of_the_question() -> None:
    interpretation = parse_question("free gardening near Park Medical on Tuesdays", vocabulary=VOCABULARY, today=MONDAY)
    assert [r.phrase for r in interpretation.recognised] == ["free", "gardening", "Park Medical", "Tuesdays"]
    assert [r.became for r in interpretation.recognised] == [
        "cost=free",
        "activity=gardening",
        "near=gp:P1",
        "open_on=tuesday",
    ]


@pytest.mark.parametrize("question", ["", "   ", "x" * 501])
def test_empty_or_long_questions_are_refused(question: str) -> None:
    with pytest.raises(InvalidQueryError) as error:
        parse_question(question, vocabulary=VOCABULARY, today=MONDAY)
    assert error.value.parameter == "q"


def test_the_request_carries_every_parameter() -> None:
    interpretation = parse_question(
        "free walking group near P12345 within 1 km on Tuesdays after 6pm", vocabulary=VOCABULARY, today=MONDAY
    )
    request = interpretation.request(limit=5)
    assert request.near == "gp:P12345" and request.radius_m == 1000
    assert request.activities == ("walking",) and request.costs == ("free",)
    assert request.open_on == ("tuesday",) and request.open_after == "18:00" and request.limit == 5
