"""Opening hours in Irish time: parse "9am-5pm", and say whether a contact is open now.

A day's hours are ranges: "9am-5pm", two sessions "9am-1pm, 2pm-5pm", "24 hours", or a
range through the night "8pm-8am" (open until 8am the next morning). Special hours for a
date or a range of dates override the weekly hours:

    precedence: a single special date > a closed date > a special date range > weekly hours

so public holidays inside a special Christmas range stay closed unless given their own date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

DUBLIN = ZoneInfo("Europe/Dublin")
DAY_KEYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
GROUP_KEYS = {"every_day": range(7), "weekdays": range(5), "weekends": range(5, 7)}
HORIZON_DAYS = 60  # how far ahead the next opening is looked for

_TIME_12 = r"(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)"
_TIME_24 = r"(\d{1,2})[:.](\d{2})"
_RANGE_12 = re.compile(rf"^{_TIME_12}\s*(?:-|–|to)\s*{_TIME_12}$", re.IGNORECASE)
_RANGE_24 = re.compile(rf"^{_TIME_24}\s*(?:-|–|to)\s*{_TIME_24}$")
_ALL_DAY = ("24 hours", "24h", "open 24 hours", "24 hours a day", "00:00-24:00", "0:00-24:00")
_SPECIAL_KEY = re.compile(r"^\s*(\d{4}-\d{1,2}-\d{1,2})\s*(?:(?:to|-|–)\s*(\d{4}-\d{1,2}-\d{1,2}))?\s*$")
NOON = dt.time(12, 0)


class HoursFormatError(ValueError):
    def __init__(self, text: str, why: str = "") -> None:
        super().__init__(text)
        self.why = why


@dataclass(frozen=True, slots=True)
class TimeRange:
    """``start`` to ``end`` on one day. ``end`` is dt.time.max for "until midnight"; an
    ``end`` before ``start`` runs through the night to ``end`` the next morning."""

    start: dt.time
    end: dt.time

    @property
    def overnight(self) -> bool:
        return self.end < self.start

    @property
    def all_day(self) -> bool:
        return self.start == dt.time(0, 0) and self.end == dt.time.max


@dataclass(frozen=True, slots=True)
class SpecialHours:
    """Hours for ``first`` to ``last`` (the same date for a single day)."""

    first: dt.date
    last: dt.date
    ranges: tuple[TimeRange, ...]

    @property
    def single(self) -> bool:
        return self.first == self.last


@dataclass(frozen=True, slots=True)
class Schedule:
    """Weekly hours (index 0 = Monday), dates when closed all day, and special hours.

    ``closed_lists`` names the closed_dates lists used (for the hours sentence);
    ``closed_days`` are the dates given one by one. ``description`` is the hours sentence
    without special or upcoming dates (``routing.hours_text`` makes the full one).
    """

    id: str
    description: str
    weekly: tuple[tuple[TimeRange, ...], ...]
    closed_dates: frozenset[dt.date] = frozenset()
    special: tuple[SpecialHours, ...] = ()
    closed_lists: tuple[str, ...] = ()
    closed_days: tuple[dt.date, ...] = ()

    def ranges_on(self, day: dt.date) -> tuple[TimeRange, ...]:
        ranged: SpecialHours | None = None
        for special in self.special:
            if special.first <= day <= special.last:
                if special.single:
                    return special.ranges
                ranged = ranged or special
        if day in self.closed_dates:
            return ()
        if ranged is not None:
            return ranged.ranges
        return self.weekly[day.weekday()]


@dataclass(frozen=True, slots=True)
class OpenStatus:
    open_now: bool
    closes_at: dt.datetime | None = None  # when open (None: open beyond the horizon, 24/7)
    opens_at: dt.datetime | None = None  # when closed: the next opening (None: not within 60 days)


def _hhmm(hour: str, minute: str | None, ampm: str | None, text: str) -> dt.time:
    h, m = int(hour), int(minute or 0)
    if ampm is not None:
        if not 1 <= h <= 12:
            raise HoursFormatError(text)
        h = h % 12 + (12 if ampm.lower() == "pm" else 0)
    if not (0 <= h <= 24 and 0 <= m < 60) or (h == 24 and m):
        raise HoursFormatError(text)
    return dt.time.max if h == 24 else dt.time(h, m)


def parse_day_hours(text: str) -> tuple[TimeRange, ...]:
    """Parse "9am-5pm", "9am-1pm, 2pm-5pm", "09:00-17:00", "8pm-8am", "closed", "24 hours"."""
    cleaned = " ".join(text.strip().lower().split())
    if cleaned == "closed":
        return ()
    if cleaned in _ALL_DAY:
        return (TimeRange(dt.time(0, 0), dt.time.max),)
    ranges = []
    for part in re.split(r"\s*(?:,|\band\b)\s*", cleaned):
        m12 = _RANGE_12.match(part)
        m24 = _RANGE_24.match(part)
        if m12:
            g = m12.groups()
            start = _hhmm(g[0], g[1], g[2], text)
            end = _hhmm(g[3], g[4], g[5], text)
        elif m24:
            g = m24.groups()
            start = _hhmm(g[0], g[1], None, text)
            end = _hhmm(g[2], g[3], None, text)
        else:
            raise HoursFormatError(text)
        if start == dt.time.max:
            raise HoursFormatError(text)
        if end == dt.time(0, 0):
            end = dt.time.max  # "8pm-12am", "20:00-00:00": until midnight
        if end == start:
            raise HoursFormatError(text, "it starts and ends at the same time")
        if end < start and not (start >= NOON and end <= NOON):
            # "9am-5am" is a slip for 9am-5pm; only evening-to-morning runs through the night
            raise HoursFormatError(
                text, "it ends before it starts — for hours through the night write e.g. 8pm-8am"
            )
        ranges.append(TimeRange(start, end))
    ranges.sort(key=lambda r: r.start)
    if sum(r.overnight for r in ranges) > 1 or (
        any(r.overnight for r in ranges) and not ranges[-1].overnight
    ):
        raise HoursFormatError(text, "only the last session of a day can run through the night")
    for a, b in zip(ranges, ranges[1:]):
        if b.start < a.end and not a.overnight:
            raise HoursFormatError(text, "two of its sessions overlap")
    return tuple(ranges)


def parse_special_key(key: str) -> tuple[dt.date, dt.date]:
    """ "2026-12-24" or "2026-12-21 to 2027-01-03" -> (first, last); ValueError otherwise."""
    match = _SPECIAL_KEY.match(key)
    if not match:
        raise ValueError(key)
    first = dt.date.fromisoformat(_iso(match.group(1)))
    last = dt.date.fromisoformat(_iso(match.group(2))) if match.group(2) else first
    return first, last


def _iso(text: str) -> str:
    y, m, d = text.split("-")
    return f"{y}-{int(m):02d}-{int(d):02d}"


def hours_problem(text: str, why: str = "") -> str:
    if why:
        return f'"{text}" cannot be used: {why}'
    return (
        f'"{text}" is not a valid time range — write it like 9am-5pm, 9:30am-1pm, '
        "09:00-17:00, 9am-1pm, 2pm-5pm, 8pm-8am (through the night), 24 hours or closed"
    )


def _interval(day: dt.date, r: TimeRange) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, r.start, DUBLIN)
    if r.end == dt.time.max:
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0), DUBLIN)
    elif r.overnight:
        end = dt.datetime.combine(day + dt.timedelta(days=1), r.end, DUBLIN)
    else:
        end = dt.datetime.combine(day, r.end, DUBLIN)
    return start, end


def open_intervals(
    schedule: Schedule, first: dt.date, days: int
) -> list[tuple[dt.datetime, dt.datetime]]:
    """When ``schedule`` is open from ``first`` for ``days`` days (plus a night begun the day
    before), as merged (start, end) pairs: back-to-back days of "24 hours" are one interval."""
    raw = [
        _interval(day, r)
        for offset in range(-1, days)
        for day in (first + dt.timedelta(days=offset),)
        for r in schedule.ranges_on(day)
    ]
    raw.sort()
    merged: list[tuple[dt.datetime, dt.datetime]] = []
    for start, end in raw:
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def local(now: dt.datetime) -> dt.datetime:
    """``now`` in Irish time (a naive time is taken as Irish time)."""
    return now.astimezone(DUBLIN) if now.tzinfo else now.replace(tzinfo=DUBLIN)


def status_at(schedule: Schedule, now: dt.datetime) -> OpenStatus:
    """Is ``schedule`` open at ``now`` (any timezone; naive means Irish time)?"""
    here = local(now)
    intervals = open_intervals(schedule, here.date(), HORIZON_DAYS + 1)
    horizon = intervals[-1][1] if intervals else None
    for start, end in intervals:
        if start <= here < end:
            return OpenStatus(True, closes_at=None if end == horizon and _runs_on(schedule, end) else end)
        if start > here:
            return OpenStatus(False, opens_at=start)
    return OpenStatus(False)


def _runs_on(schedule: Schedule, end: dt.datetime) -> bool:
    """Whether an interval ending at the horizon really goes on (24/7), not closes there."""
    return bool(schedule.ranges_on(end.date()))


def format_time(t: dt.datetime | dt.time) -> str:
    """9am, 5:30pm, 12pm (midday), 12am (midnight)."""
    hour, minute = t.hour, t.minute
    suffix = "am" if hour < 12 else "pm"
    h12 = hour % 12 or 12
    return f"{h12}{suffix}" if minute == 0 else f"{h12}:{minute:02d}{suffix}"
