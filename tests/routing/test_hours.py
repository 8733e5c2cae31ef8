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
    ["9-5pm", "9-5", "9am-5", "nine to five", "9am-5am", "13pm-2pm", "9am-1pm, 12pm-5pm", "25:00-26:00", ""],
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
    assert table.messages.months[0].en == "January"
    assert ConversationFacts().area is None


# ----- issue 17.3: through the night, 24 hours, special hours; 17.1: the sentence -----------
from routing.hours import SpecialHours, open_intervals, parse_special_key  # noqa: E402
from routing.hours_text import ENGLISH, describe  # noqa: E402

EVERY_DAY = tuple([(TimeRange(_t(9), _t(17)),)] * 7)


def test_through_the_night_and_24_hours_parse() -> None:
    assert parse_day_hours("8pm-8am") == (TimeRange(_t(20), _t(8)),)
    assert parse_day_hours("9am-5pm, 8pm-8am") == (TimeRange(_t(9), _t(17)), TimeRange(_t(20), _t(8)))
    assert parse_day_hours("20:00-00:00") == (TimeRange(_t(20), dt.time.max),)
    assert parse_day_hours("24 hours a day") == (TimeRange(_t(0), dt.time.max),)
    with pytest.raises(HoursFormatError) as caught:
        parse_day_hours("8pm-8am, 9am-5am")
    assert caught.value.why


def test_open_through_the_night_says_until_8am_tomorrow(router: Router) -> None:
    night = Schedule("night", "", tuple([(TimeRange(_t(20), _t(8)),)] * 7))
    now = dt.datetime(2026, 12, 23, 22, 0, tzinfo=DUBLIN)
    status = status_at(night, now)
    assert status.open_now and status.closes_at == dt.datetime(2026, 12, 24, 8, 0, tzinfo=DUBLIN)
    assert router._status_text(status, now) == "Open now until 8am tomorrow."
    early = dt.datetime(2026, 12, 24, 7, 0, tzinfo=DUBLIN)  # still the night that began yesterday
    assert router._status_text(status_at(night, early), early) == "Open now until 8am."
    assert describe(night) == "8pm to 8am, 7 days a week"


def test_until_midnight_and_round_the_clock(router: Router) -> None:
    late = Schedule("late", "", tuple([(TimeRange(_t(18), dt.time.max),)] * 7))
    now = dt.datetime(2026, 12, 23, 22, 0, tzinfo=DUBLIN)
    assert router._status_text(status_at(late, now), now) == "Open now until midnight."
    assert describe(late) == "6pm to midnight, 7 days a week"
    always = Schedule("always", "", tuple([(TimeRange(_t(0), dt.time.max),)] * 7))
    status = status_at(always, now)
    assert status.open_now and status.closes_at is None
    assert router._status_text(status, now) == ""  # the hours line says it all
    assert describe(always) == "24 hours a day, 7 days a week"
    weekdays = Schedule("wd", "", tuple([(TimeRange(_t(0), dt.time.max),)] * 5 + [()] * 2))
    status = status_at(weekdays, now)
    assert status.closes_at == dt.datetime(2026, 12, 26, 0, 0, tzinfo=DUBLIN)
    assert router._status_text(status, now) == "Open now until midnight Friday."
    assert describe(weekdays) == "Monday to Friday 24 hours"


CHRISTMAS = Schedule(
    "helpline",
    "",
    EVERY_DAY,
    frozenset({dt.date(2026, 12, 25), dt.date(2026, 12, 26)}),
    (
        SpecialHours(dt.date(2026, 12, 24), dt.date(2026, 12, 24), (TimeRange(_t(10), _t(14)),)),
        SpecialHours(dt.date(2026, 12, 21), dt.date(2027, 1, 3), (TimeRange(_t(10), _t(16)),)),
        SpecialHours(dt.date(2026, 12, 31), dt.date(2026, 12, 31), ()),
    ),
    ("public_holidays",),
)


@pytest.mark.parametrize(
    ("day", "hours"),
    [
        (dt.date(2026, 12, 20), (TimeRange(_t(9), _t(17)),)),  # before the range: weekly
        (dt.date(2026, 12, 22), (TimeRange(_t(10), _t(16)),)),  # the range
        (dt.date(2026, 12, 24), (TimeRange(_t(10), _t(14)),)),  # a single date wins
        (dt.date(2026, 12, 25), ()),  # a closed date wins over a range
        (dt.date(2026, 12, 31), ()),  # a single special date "closed"
        (dt.date(2027, 1, 4), (TimeRange(_t(9), _t(17)),)),
    ],
)
def test_special_hours_precedence(day: dt.date, hours: tuple[TimeRange, ...]) -> None:
    assert CHRISTMAS.ranges_on(day) == hours


def test_christmas_eve_status_and_sentence(router: Router) -> None:
    now = dt.datetime(2026, 12, 24, 11, 0, tzinfo=DUBLIN)
    assert router._status_text(status_at(CHRISTMAS, now), now) == "Open now until 2pm."
    assert describe(CHRISTMAS, ENGLISH, dt.date(2026, 12, 18)) == (
        "9am to 5pm, 7 days a week (closed on public holidays). Special hours: "
        "21 December to 3 January 10am to 4pm; 24 December 10am to 2pm; 31 December closed"
    )
    assert describe(CHRISTMAS, ENGLISH, dt.date(2026, 11, 1)) == (
        "9am to 5pm, 7 days a week (closed on public holidays)"
    )


def test_special_keys() -> None:
    assert parse_special_key("2026-12-24") == (dt.date(2026, 12, 24),) * 2
    assert parse_special_key("2026-12-21 to 2027-1-3") == (dt.date(2026, 12, 21), dt.date(2027, 1, 3))
    with pytest.raises(ValueError):
        parse_special_key("Christmas")


@pytest.mark.parametrize(
    ("weekly", "sentence"),
    [
        (EVERY_DAY, "9am to 5pm, 7 days a week"),
        (tuple([(TimeRange(_t(9), _t(17)),)] * 5 + [()] * 2), "Monday to Friday 9am to 5pm"),
        (
            tuple([(TimeRange(_t(10), _t(13)), TimeRange(_t(14), _t(16)))] * 5
                  + [(TimeRange(_t(10), _t(12)),), ()]),
            "Monday to Friday 10am to 1pm and 2pm to 4pm, Saturday 10am to 12pm",
        ),
        (
            tuple([(TimeRange(_t(9), _t(17)),)] * 3 + [(TimeRange(_t(9), _t(13)),)]
                  + [(TimeRange(_t(9), _t(17)),)] + [(TimeRange(_t(11), _t(15)),)] * 2),
            "Monday to Wednesday and Friday 9am to 5pm, Thursday 9am to 1pm, "
            "Saturday and Sunday 11am to 3pm",
        ),
        (tuple([()] * 7), "closed"),
    ],
    ids=["every-day", "weekdays", "sessions-and-saturday", "mixed", "closed"],
)
def test_hours_sentence_is_made_from_the_hours(
    weekly: tuple[tuple[TimeRange, ...], ...], sentence: str
) -> None:
    assert describe(Schedule("x", "", weekly)) == sentence


def test_changing_the_hours_changes_the_sentence() -> None:
    """The issue's case: hours changed to 10am-4pm, citizens must not still read 9am to 5pm."""
    from routing.loader import load_text
    from tests.routing.conftest import FIXTURES
    from tests.routing.fakes import keyword_factory

    text = (FIXTURES / "valid.yaml").read_text(encoding="utf-8").replace(
        "  helpline:\n    every_day: 9am-5pm", "  helpline:\n    every_day: 10am-4pm"
    )
    table = load_text(text, "x.yaml", classifier_factory=keyword_factory)
    assert table.helpline.schedule is not None
    assert table.helpline.schedule.description == "10am to 4pm, 7 days a week (closed on public holidays)"


def test_closed_dates_given_one_by_one_are_named_when_near() -> None:
    schedule = Schedule("x", "", EVERY_DAY, frozenset({dt.date(2026, 12, 24)}),
                        closed_days=(dt.date(2026, 12, 24),))
    assert describe(schedule, ENGLISH, dt.date(2026, 12, 20)) == "9am to 5pm, 7 days a week (closed on 24 December)"
    assert describe(schedule, ENGLISH, dt.date(2026, 6, 1)) == "9am to 5pm, 7 days a week"


def test_open_intervals_merge_back_to_back_days() -> None:
    always = Schedule("always", "", tuple([(TimeRange(_t(0), dt.time.max),)] * 7))
    (interval,) = open_intervals(always, dt.date(2026, 1, 5), 3)
    assert interval[1] - interval[0] == dt.timedelta(days=4)
