from __future__ import annotations

import datetime as dt

import pytest

from routing.hours import DUBLIN, HoursFormatError, Schedule, TimeRange, format_time, parse_day_hours, status_at
from routing.router import Router


def _t(h: int, m: int = 0) -> dt.time:
    return dt.time(h, m)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9am-5pm", ((9, 0), (17, 0))),
        ("9am to 5pm", ((9, 0), (17, 0))),
        ("9:30am - 1pm", ((9, 30), (13, 0))),
        ("09:00-17:00", ((9, 0), (17, 0))),
        ("12pm-1pm", ((12, 0), (13, 0))),
        ("9AM–5PM", ((9, 0), (17, 0))),
    ],
    ids=["simple", "to", "minutes", "24h", "midday", "en-dash-caps"],
)
def test_parse_single_range(text: str, expected: tuple[tuple[int, int], tuple[int, int]]) -> None:
    (r,) = parse_day_hours(text)
    assert (r.start, r.end) == (_t(*expected[0]), _t(*expected[1]))


def test_parse_two_sessions_closed_and_24_hours() -> None:
    assert parse_day_hours("9am-1pm, 2pm-5pm") == (
        TimeRange(_t(9), _t(13)),
        TimeRange(_t(14), _t(17)),
    )
    assert parse_day_hours("closed") == ()
    assert parse_day_hours("24 hours") == (TimeRange(_t(0), dt.time.max),)


@pytest.mark.parametrize(
    "text",
    ["9-5pm", "9-5", "9am-5", "nine to five", "5pm-9am", "13pm-2pm", "9am-1pm, 12pm-5pm", "25:00-26:00", ""],
    ids=["no-am", "bare", "no-pm", "words", "backwards", "13pm", "overlap", "25h", "empty"],
)
def test_malformed_hours(text: str) -> None:
    with pytest.raises(HoursFormatError):
        parse_day_hours(text)


WEEKDAYS_9_5 = Schedule(
    "office",
    "Mon-Fri 9-5",
    tuple([(TimeRange(_t(9), _t(17)),)] * 5 + [()] * 2),
    frozenset({dt.date(2026, 12, 25), dt.date(2026, 12, 28)}),
)


@pytest.mark.parametrize(
    ("now", "open_now", "when"),
    [
        (dt.datetime(2026, 12, 23, 10, 0, tzinfo=DUBLIN), True, dt.datetime(2026, 12, 23, 17, 0)),
        (dt.datetime(2026, 12, 23, 17, 0, tzinfo=DUBLIN), False, dt.datetime(2026, 12, 24, 9, 0)),
        (dt.datetime(2026, 12, 23, 8, 59, tzinfo=DUBLIN), False, dt.datetime(2026, 12, 23, 9, 0)),
        # Christmas Day (closed date) then a weekend, then 28th (closed date): opens the 29th
        (dt.datetime(2026, 12, 25, 11, 0, tzinfo=DUBLIN), False, dt.datetime(2026, 12, 29, 9, 0)),
        # naive times are Irish time; UTC input is converted (summer: Dublin = UTC+1)
        (dt.datetime(2026, 7, 1, 16, 30), True, dt.datetime(2026, 7, 1, 17, 0)),
        (dt.datetime(2026, 7, 1, 16, 30, tzinfo=dt.timezone.utc), False, dt.datetime(2026, 7, 2, 9, 0)),
    ],
    ids=["open", "at-closing", "before-opening", "bank-holiday", "naive-is-dublin", "utc-converted"],
)
def test_status_at(now: dt.datetime, open_now: bool, when: dt.datetime) -> None:
    status = status_at(WEEKDAYS_9_5, now)
    assert status.open_now is open_now
    got = status.closes_at if open_now else status.opens_at
    assert got == when.replace(tzinfo=DUBLIN)


def test_never_open_gives_no_reopening_time() -> None:
    closed = Schedule("x", "closed", tuple([()] * 7))
    assert status_at(closed, dt.datetime(2026, 1, 5, 12, tzinfo=DUBLIN)).opens_at is None


@pytest.mark.parametrize(
    ("t", "text"), [(_t(9), "9am"), (_t(17, 30), "5:30pm"), (_t(12), "12pm"), (_t(0), "12am")]
)
def test_format_time(t: dt.time, text: str) -> None:
    assert format_time(t) == text


# ----- through the router, with the fixture table ---------------------------------------


def _groceries_in(router: Router, area: str, now: dt.datetime) -> str:
    from routing.reply import ConversationFacts

    reply = router.respond("grocery shopping", ConversationFacts(area=area), now)
    (contact,) = reply.contacts
    return contact.status + " | " + contact.out_of_hours


def test_open_contact_says_until_when(router: Router) -> None:
    now = dt.datetime(2026, 12, 23, 11, 0, tzinfo=DUBLIN)  # Wednesday
    assert _groceries_in(router, "castlebar", now) == "Open now until 1pm. | "


def test_lunch_break_reopens_today(router: Router) -> None:
    now = dt.datetime(2026, 12, 23, 13, 30, tzinfo=DUBLIN)
    assert _groceries_in(router, "castlebar", now) == (
        "Closed now. Opens today at 2pm. | ALONE: 0818 222 024, 8am to 8pm. Emergencies: 112 or 999."
    )


def test_bank_holiday_evening_offers_only_what_is_open(router: Router) -> None:
    # 25 Dec 2026 20:00: volunteers closed until Monday 28th, ALONE closed at 8pm.
    now = dt.datetime(2026, 12, 25, 20, 0, tzinfo=DUBLIN)
    assert _groceries_in(router, "castlebar", now) == (
        "Closed now. Opens Monday at 10am. | Emergencies: 112 or 999."
    )


def test_christmas_eve_closed_date_and_saturday_hours(router: Router) -> None:
    now = dt.datetime(2026, 12, 24, 10, 0, tzinfo=DUBLIN)  # listed closed date, Thursday
    assert _groceries_in(router, "castlebar", now).startswith("Closed now. Opens Monday at 10am.")
    saturday = dt.datetime(2027, 1, 2, 11, 0, tzinfo=DUBLIN)
    assert _groceries_in(router, "castlebar", saturday).startswith("Open now until 12pm.")


def test_reopening_more_than_a_week_away_names_the_date(router: Router) -> None:
    from routing.reply import ConversationFacts

    table = router.table
    long_closure = Schedule("x", "x", tuple([()] * 7), frozenset())
    assert status_at(long_closure, dt.datetime(2026, 1, 1, tzinfo=DUBLIN)).opens_at is None
    status = status_at(
        Schedule("x", "x", ((TimeRange(_t(9), _t(17)),),) + ((),) * 6,
                 frozenset({dt.date(2026, 12, 28)})),
        dt.datetime(2026, 12, 24, 10, 0, tzinfo=DUBLIN),
    )
    assert status.opens_at == dt.datetime(2027, 1, 4, 9, 0, tzinfo=DUBLIN)
    text = router._status_text(status, dt.datetime(2026, 12, 24, 10, 0, tzinfo=DUBLIN))
    assert text == "Closed now. Opens Monday 4 January at 9am."
    assert table.messages.months[0] == "January"
    assert ConversationFacts().area is None
