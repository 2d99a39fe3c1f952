"""Free-text opening times -> weekly sessions; what is not clearly weekly is skipped."""

from __future__ import annotations

import pytest

from assetgraph.ingest.schedule import parse_sessions

CASES: list[tuple[str | None, list[tuple[str, str, str]]]] = [
    ("Wednesday 10am - 4pm", [("wednesday", "10:00", "16:00")]),
    ("Wednesday 9:30am - 12noon", [("wednesday", "09:30", "12:00")]),
    ("Tues 11am - 2pm, Fri 11.30am -1.30pm", [("tuesday", "11:00", "14:00"), ("friday", "11:30", "13:30")]),
    ("Thursday 1.30 - 3.30pm", [("thursday", "13:30", "15:30")]),
    ("Friday 2 - 4.30pm", [("friday", "14:00", "16:30")]),
    ("Weds 12-2pm", [("wednesday", "12:00", "14:00")]),
    ("Food Bank \u2013 Wednesdays 10am \u2013 12 noon\nEmergency parcels", [("wednesday", "10:00", "12:00")]),
    (
        "Monday - Friday 8am - 4pm. Please ring.",
        [(day, "08:00", "16:00") for day in ("monday", "tuesday", "wednesday", "thursday", "friday")],
    ),
    (
        "Meets Tuesdays, Wednesdays and Fridays, 9.30-11.30am and 12.30-2.30pm.",
        [
            ("tuesday", "09:30", "11:30"),
            ("tuesday", "12:30", "14:30"),
            ("wednesday", "09:30", "11:30"),
            ("wednesday", "12:30", "14:30"),
            ("friday", "09:30", "11:30"),
            ("friday", "12:30", "14:30"),
        ],
    ),
    (
        "Tuesdays & Fridays 12pm - 3pm; 1st Saturday of month 10am - 12noon",
        [("tuesday", "12:00", "15:00"), ("friday", "12:00", "15:00")],
    ),
    ("Tuesday 6pm - 8pm and Sunday 3pm - 5pm", [("tuesday", "18:00", "20:00"), ("sunday", "15:00", "17:00")]),
    ("Meets on Tuesdays 7-9pm.", [("tuesday", "19:00", "21:00")]),
    ("Last Monday of every month 10.30am-12noon.", []),
    ("Meet up on alternate Saturdays 9.15am-12.15pm", []),
    ("Wednesday 7:30pm", []),
    ("Tuesday from 11am", []),
    ("Counselling for young people aged 13 to 25 years.", []),
    ("Not known", []),
    (None, []),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_parse_sessions(text: str | None, expected: list[tuple[str, str, str]]) -> None:
    assert [(s.day.value, s.opens, s.closes) for s in parse_sessions(text)] == expected
