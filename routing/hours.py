"""Opening hours in Irish time: parse "9am-5pm", and say whether a contact is open now."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

DUBLIN = ZoneInfo("Europe/Dublin")
DAY_KEYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
GROUP_KEYS = {"every_day": range(7), "weekdays": range(5), "weekends": range(5, 7)}

_TIME_12 = r"(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)"
_TIME_24 = r"(\d{1,2})[:.](\d{2})"
_RANGE_12 = re.compile(rf"^{_TIME_12}\s*(?:-|–|to)\s*{_TIME_12}$", re.IGNORECASE)
_RANGE_24 = re.compile(rf"^{_TIME_24}\s*(?:-|–|to)\s*{_TIME_24}$")


class HoursFormatError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class TimeRange:
    start: dt.time
    end: dt.time  # dt.time.max for "until midnight"

    def contains(self, t: dt.time) -> bool:
        return self.start <= t < self.end


@dataclass(frozen=True, slots=True)
class Schedule:
    """Weekly hours (index 0 = Monday) and dates when closed all day."""

    id: str
    description: str
    weekly: tuple[tuple[TimeRange, ...], ...]
    closed_dates: frozenset[dt.date] = frozenset()

    def ranges_on(self, day: dt.date) -> tuple[TimeRange, ...]:
        if day in self.closed_dates:
            return ()
        return self.weekly[day.weekday()]


@dataclass(frozen=True, slots=True)
class OpenStatus:
    open_now: bool
    closes_at: dt.datetime | None = None  # when open
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
    """Parse "9am-5pm", "9am-1pm, 2pm-5pm", "09:00-17:00", "closed" or "24 hours"."""
    cleaned = text.strip().lower()
    if cleaned == "closed":
        return ()
    if cleaned in ("24 hours", "24h", "open 24 hours"):
        return (TimeRange(dt.time(0, 0), dt.time.max),)
    ranges = []
    for part in re.split(r"\s*(?:,|\band\b)\s*", cleaned):
        m12 = _RANGE_12.match(part)
        m24 = _RANGE_24.match(part)
        if m12:
            g = m12.groups()
            start = _hhmm(g[0], g[1], g[2], text)
            end = _hhmm(g[3], g[4], g[5], text)
            if end == dt.time(0, 0):
                end = dt.time.max
        elif m24:
            g = m24.groups()
            start = _hhmm(g[0], g[1], None, text)
            end = _hhmm(g[2], g[3], None, text)
        else:
            raise HoursFormatError(text)
        if end <= start:
            raise HoursFormatError(text)
        ranges.append(TimeRange(start, end))
    ranges.sort(key=lambda r: r.start)
    for a, b in zip(ranges, ranges[1:]):
        if b.start < a.end:
            raise HoursFormatError(text)
    return tuple(ranges)


def hours_problem(text: str) -> str:
    return (
        f'"{text}" is not a valid time range — write it like 9am-5pm, 9:30am-1pm, '
        "09:00-17:00, 9am-1pm, 2pm-5pm or closed"
    )


def status_at(schedule: Schedule, now: dt.datetime) -> OpenStatus:
    """Is ``schedule`` open at ``now`` (any timezone; naive means Irish time)?"""
    local = now.astimezone(DUBLIN) if now.tzinfo else now.replace(tzinfo=DUBLIN)
    today = local.date()
    for r in schedule.ranges_on(today):
        if r.contains(local.time().replace(tzinfo=None)):
            return OpenStatus(True, closes_at=_at(today, r.end))
    for offset in range(0, 61):
        day = today + dt.timedelta(days=offset)
        for r in schedule.ranges_on(day):
            opens = _at(day, r.start)
            if opens > local:
                return OpenStatus(False, opens_at=opens)
    return OpenStatus(False)


def _at(day: dt.date, t: dt.time) -> dt.datetime:
    if t == dt.time.max:
        return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0), DUBLIN)
    return dt.datetime.combine(day, t, DUBLIN)


def format_time(t: dt.datetime | dt.time) -> str:
    """9am, 5:30pm, 12pm (midday), 12am (midnight)."""
    hour, minute = t.hour, t.minute
    suffix = "am" if hour < 12 else "pm"
    h12 = hour % 12 or 12
    return f"{h12}{suffix}" if minute == 0 else f"{h12}:{minute:02d}{suffix}"
