"""The hours sentence citizens read ("9am to 5pm, 7 days a week (closed on public holidays)"),
made from the hours themselves so it can never disagree with them.

Table-driven per language: ``HOURS_WORDS`` holds each language's connecting words and how it
writes a time ("9am" / "9 r.n."); day and month names come from the routing file's
``messages.days``/``months`` (in English and Irish), and the names of closed-date lists from
``messages.closed_dates_names``. The Irish reads "ó 9 r.n. go 5 i.n., 7 lá na seachtaine (dúnta
ar laethanta saoire poiblí)".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from routing.hours import Schedule, TimeRange

UPCOMING_DAYS = 14  # special hours and closed dates this close are spelled out


@dataclass(frozen=True, slots=True)
class HoursWords:
    range: str  # "{start} to {end}"
    sessions: str  # joins two sessions of one day: " and "
    every_day: str  # "{hours}, 7 days a week"
    day_hours: str  # "{days} {hours}": "Monday to Friday 9am to 5pm"
    day_run: str  # "{first} to {last}"
    pair: str  # joins two days or items: " and "
    items: str  # joins groups: ", "
    all_day: str  # "24 hours"
    always: str  # "24 hours a day, 7 days a week"
    closed: str  # a schedule with no hours at all
    closed_on: str  # " (closed on {what})"
    special: str  # ". Special hours: {items}"
    special_items: str  # "; "
    date: str  # "{day} {month}"
    date_run: str  # "{first} to {last}"
    midnight: str  # "midnight"
    tomorrow_time: str  # "{time} tomorrow" is "{time} {tomorrow}"
    time_day: str  # "5pm Friday"
    noon: str  # 12:00
    morning: str  # "{time}am": a time before noon
    afternoon: str  # "{time}pm": a time after noon
    minutes: str  # "{hour}:{minute:02d}": a time that is not on the hour


HOURS_WORDS: dict[str, HoursWords] = {
    "en": HoursWords(
        range="{start} to {end}",
        sessions=" and ",
        every_day="{hours}, 7 days a week",
        day_hours="{days} {hours}",
        day_run="{first} to {last}",
        pair=" and ",
        items=", ",
        all_day="24 hours",
        always="24 hours a day, 7 days a week",
        closed="closed",
        closed_on=" (closed on {what})",
        special=". Special hours: {items}",
        special_items="; ",
        date="{day} {month}",
        date_run="{first} to {last}",
        midnight="midnight",
        tomorrow_time="{time} {tomorrow}",
        time_day="{time} {day}",
        noon="12pm",
        morning="{time}am",
        afternoon="{time}pm",
        minutes="{hour}:{minute:02d}",
    ),
    # Irish as public bodies write it: "ó 9 r.n. go 5 i.n." (roimh nóin, iarnóin), "Dé Luain go
    # Dé hAoine", "an 25 Nollaig", "dúnta ar laethanta saoire poiblí".
    "ga": HoursWords(
        range="ó {start} go {end}",
        sessions=" agus ",
        every_day="{hours}, 7 lá na seachtaine",
        day_hours="{days} {hours}",
        day_run="{first} go {last}",
        pair=" agus ",
        items=", ",
        all_day="24 uair an chloig",
        always="24 uair an chloig sa lá, 7 lá na seachtaine",
        closed="dúnta",
        closed_on=" (dúnta ar {what})",
        special=". Uaireanta speisialta: {items}",
        special_items="; ",
        date="an {day} {month}",
        date_run="{first} go dtí {last}",
        midnight="meán oíche",
        tomorrow_time="{time} {tomorrow}",
        time_day="{time} {day}",
        noon="meán lae",
        morning="{time} r.n.",
        afternoon="{time} i.n.",
        minutes="{hour}.{minute:02d}",
    ),
}


@dataclass(frozen=True, slots=True)
class Calendar:
    """Day and month names (from ``messages:``), the names of closed-date lists and the
    connecting words of one language."""

    days: tuple[str, ...]
    months: tuple[str, ...]
    words: HoursWords = HOURS_WORDS["en"]
    # closed_dates list id -> what the sentence calls it ("public holidays"); a list not
    # named here is called by its id with spaces ("public_holidays" -> "public holidays").
    closed_names: Mapping[str, str] = field(default_factory=dict)


ENGLISH = Calendar(
    ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    (
        "January", "February", "March", "April", "May", "June", "July", "August",
        "September", "October", "November", "December",
    ),
)
# Days as Irish uses them in a sentence ("Osclaíonn sé Dé Luain", "Dé Luain go Dé hAoine").
IRISH = Calendar(
    ("Dé Luain", "Dé Máirt", "Dé Céadaoin", "Déardaoin", "Dé hAoine", "Dé Sathairn", "Dé Domhnaigh"),
    (
        "Eanáir", "Feabhra", "Márta", "Aibreán", "Bealtaine", "Meitheamh", "Iúil", "Lúnasa",
        "Meán Fómhair", "Deireadh Fómhair", "Samhain", "Nollaig",
    ),
    HOURS_WORDS["ga"],
    {"public_holidays": "laethanta saoire poiblí"},
)
CALENDARS = {"en": ENGLISH, "ga": IRISH}


def clock(t: dt.datetime | dt.time, words: HoursWords = HOURS_WORDS["en"]) -> str:
    """A time as ``words``' language writes it: 9am, 5:30pm, 12pm / 9 r.n., 5.30 i.n., meán lae."""
    hour, minute = t.hour, t.minute
    if hour == 12 and minute == 0:
        return words.noon
    h12 = hour % 12 or 12
    time = str(h12) if minute == 0 else words.minutes.format(hour=h12, minute=minute)
    return (words.morning if hour < 12 else words.afternoon).format(time=time)


_STOP_AFTER_ABBREVIATION = re.compile(r"(\b[ri]\.n\.)\.")


def tidy(text: str) -> str:
    """One full stop after a time that ends with one: "ag 9 r.n.." -> "ag 9 r.n."."""
    return _STOP_AFTER_ABBREVIATION.sub(r"\1", text) if ".n.." in text else text


def time_words(t: dt.time, words: HoursWords) -> str:
    if t == dt.time.max:
        return words.midnight
    return clock(t, words)


def ranges_words(ranges: Sequence[TimeRange], words: HoursWords) -> str:
    if len(ranges) == 1 and ranges[0].all_day:
        return words.all_day
    return words.sessions.join(
        words.range.format(start=time_words(r.start, words), end=time_words(r.end, words))
        for r in ranges
    )


def date_words(day: dt.date, cal: Calendar) -> str:
    return cal.words.date.format(day=day.day, month=cal.months[day.month - 1])


def _join(items: list[str], words: HoursWords) -> str:
    if len(items) <= 1:
        return "".join(items)
    return words.items.join(items[:-1]) + words.pair + items[-1]


def _day_runs(days: list[int], cal: Calendar) -> str:
    """[0, 1, 2, 3, 4] -> "Monday to Friday"; [5, 6] -> "Saturday and Sunday"."""
    runs: list[list[int]] = []
    for d in days:
        if runs and runs[-1][-1] == d - 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    parts = []
    w = cal.words
    for run in runs:
        if len(run) == 1:
            parts.append(cal.days[run[0]])
        elif len(run) == 2:
            parts.append(cal.days[run[0]] + w.pair + cal.days[run[1]])
        else:
            parts.append(w.day_run.format(first=cal.days[run[0]], last=cal.days[run[-1]]))
    return _join(parts, w)


def weekly_words(weekly: Sequence[tuple[TimeRange, ...]], cal: Calendar) -> str:
    w = cal.words
    if all(day == weekly[0] for day in weekly):
        if not weekly[0]:
            return w.closed
        if len(weekly[0]) == 1 and weekly[0][0].all_day:
            return w.always
        return w.every_day.format(hours=ranges_words(weekly[0], w))
    groups: dict[tuple[TimeRange, ...], list[int]] = {}
    for index, ranges in enumerate(weekly):
        if ranges:
            groups.setdefault(ranges, []).append(index)
    items = [
        w.day_hours.format(days=_day_runs(days, cal), hours=ranges_words(ranges, w))
        for ranges, days in groups.items()
    ]
    return w.items.join(items) if items else w.closed


def describe(schedule: Schedule, cal: Calendar = ENGLISH, today: dt.date | None = None) -> str:
    """The hours sentence: weekly hours, what it closes on, and (with ``today``) special
    hours and closed dates in the next two weeks."""
    w = cal.words
    text = weekly_words(schedule.weekly, cal)
    closed = [cal.closed_names.get(name) or name.replace("_", " ") for name in schedule.closed_lists]
    soon = today + dt.timedelta(days=UPCOMING_DAYS) if today else None
    if today is not None and soon is not None:
        closed += [date_words(d, cal) for d in sorted(schedule.closed_days) if today <= d <= soon]
    if closed:
        text += w.closed_on.format(what=_join(closed, w))
    if today is not None and soon is not None:
        upcoming = [s for s in schedule.special if s.last >= today and s.first <= soon]
        if upcoming:
            items = []
            for s in sorted(upcoming, key=lambda s: (s.first, s.last)):
                when = date_words(s.first, cal)
                if not s.single:
                    when = w.date_run.format(first=when, last=date_words(s.last, cal))
                hours = ranges_words(s.ranges, w) if s.ranges else w.closed
                items.append(w.day_hours.format(days=when, hours=hours))
            text += w.special.format(items=w.special_items.join(items))
    return text
