"""Search building blocks without a database: the Lucene query, times, days and cursors."""

from __future__ import annotations

import pytest

from assetgraph.graph.errors import InvalidQueryError
from assetgraph.graph.model import Weekday
from assetgraph.graph.queries import (
    SortOrder,
    build_text_query,
    decode_cursor,
    encode_cursor,
    lucene_escape,
    parse_clock,
    parse_days,
)


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("walking", "+(walking walking*)"),
        ("Knit & Natter", "+(knit knit*) +(natter natter*)"),
        ('walk AND (" OR [*', "+(walk walk*) +(and and*) +or"),
        ("St Mary's", "+st +(mary's mary's*)"),
        ("a:b\\c/d", "+a +b +c +d"),
    ],
)
def test_text_query_keeps_only_words(text: str, query: str) -> None:
    assert build_text_query(text) == query


def test_lucene_escape_escapes_every_special_character() -> None:
    assert lucene_escape('+-&|!(){}[]^"~*?:\\/') == '\\+\\-\\&\\|\\!\\(\\)\\{\\}\\[\\]\\^\\"\\~\\*\\?\\:\\\\\\/'


@pytest.mark.parametrize("text", ["", "!!!", "   ", "* ? ~"])
def test_text_without_words_is_refused(text: str) -> None:
    with pytest.raises(InvalidQueryError) as error:
        build_text_query(text)
    assert error.value.parameter == "q"


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("18:30", 1110), ("6pm", 1080), ("6:30pm", 1110), ("12am", 0), ("12pm", 720), ("9", 540), ("24:00", 1440)],
)
def test_clock(text: str, minutes: int) -> None:
    assert parse_clock(text, parameter="open_at") == minutes


@pytest.mark.parametrize("text", ["25:99", "13pm", "12:60", "noonish", "", "24:30", "0am"])
def test_bad_clock_names_the_parameter(text: str) -> None:
    with pytest.raises(InvalidQueryError) as error:
        parse_clock(text, parameter="open_after")
    assert error.value.parameter == "open_after"


def test_days() -> None:
    assert parse_days(["Tuesdays", "tue", "weekend"]) == [Weekday.TUESDAY, Weekday.SATURDAY, Weekday.SUNDAY]
    assert len(parse_days(["weekdays"])) == 5
    with pytest.raises(InvalidQueryError) as error:
        parse_days(["funday"])
    assert error.value.parameter == "open_on"


def test_cursor_round_trip_and_refusals() -> None:
    cursor = encode_cursor(sort=SortOrder.DISTANCE, key=(12.5, "asset:1"), fingerprint="abc")
    assert decode_cursor(cursor, sort=SortOrder.DISTANCE, fingerprint="abc") == (12.5, "asset:1")
    for sort, fingerprint in ((SortOrder.LEAST_USED, "abc"), (SortOrder.DISTANCE, "other")):
        with pytest.raises(InvalidQueryError) as error:
            decode_cursor(cursor, sort=sort, fingerprint=fingerprint)
        assert error.value.parameter == "cursor" and error.value.code == "invalid_cursor"
    for bad in ("", "%%%", "bm90IGpzb24", cursor[:-3]):
        with pytest.raises(InvalidQueryError):
            decode_cursor(bad, sort=SortOrder.DISTANCE, fingerprint="abc")
