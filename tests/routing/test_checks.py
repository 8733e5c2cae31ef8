"""The checks behind issue 17 points 1, 3 and 4: declared placeholders and safety words,
advice that sends staff the right way, phones, places, pauses, special hours, destinations."""

from __future__ import annotations

import datetime as dt

import pytest

from routing.loader import check_text
from routing.wording import MESSAGE_RULES, SAFETY_WORDS, text_problems
from tests.routing.conftest import FIXTURES, SHIPPED
from tests.routing.fakes import keyword_factory

VALID = (FIXTURES / "valid.yaml").read_text(encoding="utf-8")
SHIPPED_TEXT = SHIPPED.read_text(encoding="utf-8")
JUNE = dt.date(2026, 6, 1)


def _problems(text: str, today: dt.date = JUNE) -> list[str]:
    checked = check_text(text, "x.yaml", classifier_factory=keyword_factory, today=today)
    return [str(i) for i in checked.issues]


def _warnings(text: str, today: dt.date = JUNE) -> list[str]:
    checked = check_text(text, "x.yaml", classifier_factory=keyword_factory, today=today)
    assert checked.ok, checked.issues
    return [str(i) for i in checked.warnings]


def _edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def _line(text: str, fragment: str) -> int:
    """The line where ``fragment`` (which must be unique in ``text``) starts."""
    assert text.count(fragment) == 1, fragment
    return text[: text.index(fragment)].count("\n") + 1


# ---- placeholders and safety words (17.1) -------------------------------------------------
@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('helpline: "You can also ring the {name} on {phone}, {hours}."',
         'helpline: "You can also ring the {name}, {hours}."',
         "messages.helpline: must keep {phone} — the bot puts the phone number there; add {phone} back into the text"),
        ('welcome: "Hello! Tell me what you need. In an emergency, call 112 or 999."',
         'welcome: Hello! Tell me what you need. In an emergency',
         'messages.welcome: must say "112 or 999" — citizens in danger rely on this text; put it back in'),
        ('text: "Please call Samaritans free on 116 123, any time. If you are in danger now, call 112 or 999."',
         'text: "Please call Samaritans free, any time. If you are in danger now, call 112 or 999."',
         'emergency.self_harm.text: must say "Samaritans on 116 123" — citizens in danger rely on this text; put it back in'),
        ('clarify: "Did you mean {first} or {second}?"', 'clarify: "Did you mean {first}?"',
         "messages.clarify: must keep {second} — the bot puts the second service's name there; add {second} back into the text"),
    ],
    ids=["helpline-phone", "welcome-112", "samaritans", "clarify-second"],
)
def test_declared_placeholders_and_safety_words(old: str, new: str, expected: str) -> None:
    text = _edit(VALID, old, new)
    assert _problems(text) == [f"x.yaml:{_line(text, new)}: {expected}"]


def test_reference_must_stay_in_the_call_back_confirmation() -> None:
    text = _edit(SHIPPED_TEXT, "Your reference is {reference}. ", "")
    assert _problems(text) == [
        f"x.yaml:{_line(text, '    confirmed:') + 1}: referrals.messages.confirmed.en: must keep "
        "{reference} — the bot puts the citizen's reference (MAY-...) there; add {reference} back into the text"
    ]


def test_the_irish_version_keeps_the_same_placeholders() -> None:
    text = _edit(SHIPPED_TEXT, "Is é {reference} d'uimhir thagartha. ", "")
    assert _problems(text) == [
        f"x.yaml:{_line(text, '    confirmed:') + 2}: referrals.messages.confirmed.ga: must keep "
        "{reference} — the bot puts the citizen's reference (MAY-...) there; add {reference} back into the text"
    ]


def test_a_placeholder_typo_is_reported_once() -> None:
    text = _edit(VALID, "ring the {name} on {phone}, {hours}", "ring the {name} on {phnoe}, {hours}")
    assert _problems(text) == [
        f"x.yaml:{_line(text, '{phnoe}')}: messages.helpline: unknown placeholder {{phnoe}} — did you mean {{phone}}?"
    ]


@pytest.mark.parametrize(
    ("text", "ok"),
    [("call 112 now", True), ("ring 999", True), ("ring 9 9 9", True), ("ring 1122", False),
     ("call the guards", False)],
)
def test_emergency_numbers_are_found_however_written(text: str, ok: bool) -> None:
    assert (text_problems(text, MESSAGE_RULES["welcome"]) == []) is ok


def test_samaritans_need_name_and_number() -> None:
    words = SAFETY_WORDS["en"]["samaritans"]
    assert words.found_in("Samaritans, free, on 116123")
    assert not words.found_in("ring 116 123")
    assert not words.found_in("ring the Samaritans")


# ---- phones (17.3) --------------------------------------------------------------------------
def test_emergency_number_outside_emergency_is_an_error() -> None:
    text = _edit(VALID, 'phone: "0818 222 024"', 'phone: "999"')
    line = _line(text, 'phone: "999"\n    hours: alone')
    assert _problems(text) == [
        f'x.yaml:{line}: out_of_hours.alone.phone: "999" is an emergency number — 112 and 999 '
        "belong only under emergency:, where the bot gives them with the emergency reply; give this "
        "contact's own number here"
    ]


def test_phones_as_councils_write_them_are_accepted() -> None:
    text = _edit(VALID, 'phone: "094 900 0001"', 'phone: "+353 (0)94 900 0001 ext 21"')
    checked = check_text(text, "x.yaml", classifier_factory=keyword_factory, today=JUNE)
    assert checked.table is not None
    contact = checked.table.services[0].contacts[1].contact
    assert contact.phone is not None and contact.phone.display == "094 900 0001, extension 21"


# ---- areas and places (17.3, 17.4) --------------------------------------------------------------
@pytest.mark.parametrize(
    ("area", "expected"),
    [
        ("ballinrobe", "Ballinrobe is a town in area claremorris_swinford, not an area — write area: "
                       "claremorris_swinford, or give this contact places: [Ballinrobe] to serve Ballinrobe only"),
        ("westport", "Westport is a town in area west_mayo, not an area — write area: west_mayo, or give "
                     "this contact places: [Westport] to serve Westport only"),
        ("castelbar", '"castelbar" is not defined under areas: — did you mean "castlebar"?'),
        ("galway", '"galway" is not defined under areas: — use one of: ballina, castlebar, '
                   "claremorris_swinford, west_mayo"),
    ],
    ids=["town-not-area", "westport", "typo", "unknown"],
)
def test_area_advice_sends_staff_the_right_way(area: str, expected: str) -> None:
    text = _edit(VALID, "area: castlebar", f"area: {area}")
    assert _problems(text) == [
        f"x.yaml:{_line(text, f'area: {area}')}: services.groceries.contacts[1].area: {expected}"
    ]


def test_no_lookalike_suggestion_for_ids() -> None:
    text = _edit(VALID, "    email: shop@example.ie\n    hours: volunteers", "    email: shop@example.ie\n    hours: voluntary_groups")
    assert _problems(text) == [
        f"x.yaml:{_line(text, 'voluntary_groups')}: contacts.castlebar_shop.hours: \"voluntary_groups\" "
        "is not defined under opening_hours: — use one of: helpline, volunteers, alone"
    ]


def test_a_contact_for_one_town_does_not_make_the_bot_ask_everyone() -> None:
    text = _edit(VALID, "        area: castlebar\n", "        places: [Breaffy, F26]\n")
    checked = check_text(text, "x.yaml", classifier_factory=keyword_factory, today=JUNE)
    assert checked.table is not None
    groceries = checked.table.services[0]
    assert groceries.contacts[1].places == ("breaffy", "F26")
    assert groceries.contacts[1].county_wide is False


@pytest.mark.parametrize(
    ("places", "expected"),
    [
        ("[Breafy]", '"Breafy" is not a town listed under areas: — did you mean "Breaffy"?'),
        ("[Galway]", '"Galway" is not a town listed under areas: — add it to the places of its area under areas: first'),
        ("[F99]", '"F99" is not an Eircode listed under areas: — add it to its area\'s eircodes first'),
    ],
    ids=["typo", "unknown", "eircode"],
)
def test_places_must_be_known(places: str, expected: str) -> None:
    text = _edit(VALID, "        area: castlebar\n", f"        places: {places}\n")
    assert _problems(text) == [
        f"x.yaml:{_line(text, 'places: ' + places)}: services.groceries.contacts[1].places[0]: {expected}"
    ]


# ---- pauses and special hours (17.3) ---------------------------------------------------------
def test_pause_dates_are_checked_and_an_ended_pause_is_a_warning() -> None:
    paused = _edit(
        VALID,
        "    have_ready: [Any dietary needs]",
        "    have_ready: [Any dietary needs]\n"
        "    paused: {from: 2026-12-20, until: 2027-01-06, message: Back on 6 January.}",
    )
    assert _warnings(paused) == []
    assert _warnings(paused, dt.date(2027, 1, 6)) == [
        f"x.yaml:{_line(paused, 'paused:')}: warning: services.hot_meals.paused: the pause ended on "
        "2027-01-06, so the service is running again — remove paused: (or move its until: date)"
    ]
    backwards = paused.replace("from: 2026-12-20", "from: 2027-02-01")
    assert _problems(backwards) == [
        f"x.yaml:{_line(paused, 'paused:')}: services.hot_meals.paused.until: is not after from: "
        "(2027-02-01) — check the dates"
    ]


@pytest.mark.parametrize(
    ("special", "expected"),
    [
        ("{24-12-2026: 10am-2pm}", '"24-12-2026" is not a date or a range of dates — write it like 2026-12-24 or 2026-12-21 to 2027-01-03'),
        ("{2026-12-24: 10am-2am}", '"10am-2am" cannot be used: it ends before it starts — for hours through the night write e.g. 8pm-8am'),
        ("{2027-01-03 to 2026-12-21: 10am-4pm}", '"2027-01-03 to 2026-12-21" ends before it starts — write the earlier date first'),
        ("{2026-12-21 to 2026-12-28: 10am-4pm, 2026-12-27 to 2027-01-03: closed}",
         '"2026-12-27 to 2027-01-03" overlaps "2026-12-21 to 2026-12-28" — a date may be in one range only (a single date inside a range is fine: it wins)'),
    ],
    ids=["date-format", "hours", "backwards", "overlap"],
)
def test_special_hours_are_checked(special: str, expected: str) -> None:
    text = _edit(VALID, "    every_day: 8am-8pm\n", f"    every_day: 8am-8pm\n    special: {special}\n")
    (problem,) = _problems(text)
    assert problem.endswith(expected), problem


def test_description_is_ignored_with_a_warning() -> None:
    text = _edit(VALID, "  alone:\n    every_day: 8am-8pm", '  alone:\n    description: "8am to 8pm"\n    every_day: 8am-8pm')
    assert _warnings(text) == [
        f"x.yaml:{_line(text, 'description:')}: warning: opening_hours.alone.description: is no longer "
        "used: the bot writes the hours sentence itself from the hours, so it always matches them — "
        "remove this line"
    ]


def test_missing_public_holidays_are_a_warning_from_october() -> None:
    only_2026 = _edit(VALID, "public_holidays: [2026-12-25, 2026-12-26, 2027-01-01]", "public_holidays: [2026-12-25, 2026-12-26]")
    assert _warnings(only_2026, dt.date(2026, 9, 30)) == []
    assert _warnings(only_2026, dt.date(2026, 10, 1)) == [
        f"x.yaml:{_line(only_2026, 'public_holidays:')}: warning: closed_dates.public_holidays: has no "
        "dates in 2027 yet — add next year's public holidays before 1 January, or the bot will say the "
        "helpline is open on them"
    ]
    assert _warnings(VALID, dt.date(2026, 10, 1)) == []


# ---- call-back destinations (17.3) -------------------------------------------------------------
def _enable_staff_channel(text: str) -> str:
    return _edit(text, "enabled: false  # placeholder: set the real channel id below, then enable",
                 "enabled: true")


def test_enabled_destination_with_the_placeholder_id_fails() -> None:
    text = _enable_staff_channel(SHIPPED_TEXT)
    problems = _problems(text)
    assert (
        f"x.yaml:{_line(text, 'PASTE-THE-STAFF')}: referrals.destinations.staff_channel.conversation: "
        'is enabled but still holds the placeholder "PASTE-THE-STAFF-CHANNEL-CONVERSATION-ID-HERE" — '
        "put the real channel or chat id here, or set enabled: false"
    ) in problems


def test_enabled_destination_with_a_disabled_fallback_fails() -> None:
    text = _enable_staff_channel(SHIPPED_TEXT).replace(
        '"PASTE-THE-STAFF-CHANNEL-CONVERSATION-ID-HERE"', '"19:abc@thread.tacv2"'
    )
    assert _problems(text) == [
        f"x.yaml:{_line(text, '  fallback: case_system')}: referrals.fallback: \"case_system\" is "
        "disabled, so requests whose destination keeps failing would be lost — enable case_system, "
        "or name an enabled destination here"
    ]
