"""Issue 17.1 and 17.6: what an edit removes, and the one-line summary of what changed."""

from __future__ import annotations

from routing.changes import removals, summary
from routing.yaml_lines import parse
from tests.routing.conftest import SHIPPED

TEXT = SHIPPED.read_text(encoding="utf-8")
DATA = parse(TEXT)[0]
SIZE = len(TEXT.encode())


def _data(text: str) -> dict:  # type: ignore[type-arg]
    data = parse(text)[0]
    assert isinstance(data, dict)
    return data


def test_a_file_cut_before_the_call_back_section_lists_what_went() -> None:
    cut = TEXT[: TEXT.index("# CALLBACK REFERRALS")]
    assert removals(DATA, _data(cut), SIZE, len(cut.encode())) == [
        "the whole section the call-back requests (referrals:)",
        "the whole section the small talk and other matters (conversation:)",
        "the whole section live chat with staff (handoff:)",
        "the whole section the examples (examples:)",
    ]


def test_services_contacts_destinations_and_examples_that_disappear() -> None:
    data = _data(TEXT)
    data["services"] = [s for s in data["services"] if s["id"] != "fuel_delivery"]
    data["referrals"]["destinations"].pop("case_system")
    data["examples"] = data["examples"][1:]
    data["services"][0]["contacts"] = [{"contact": "county_helpline"}, {"contact": "county_helpline", "area": "castlebar"}]
    data["contacts"]["other"] = {"name": "x", "phone": "094 906 4661"}
    assert removals(DATA, data, SIZE, SIZE) == [
        "service fuel_delivery",
        "call-back destination case_system",
        'example "I need my prescription collected"',
    ]
    assert removals(data, DATA, SIZE, SIZE) == [
        "contact other (under contacts:)",
        "contact county_helpline (castlebar) of service prescriptions",
    ]


def test_switching_a_destination_off_and_a_sharp_shrink_count_as_removals() -> None:
    on = _data(TEXT)
    on["referrals"]["destinations"]["staff_channel"]["enabled"] = True
    assert removals(on, DATA, SIZE, int(SIZE * 0.74)) == [
        "call-back destination staff_channel switched off (enabled: false)",
        f"a large part of the file: it shrank from {SIZE / 1024:.0f} KB to {SIZE * 0.74 / 1024:.0f} KB",
    ]


def test_an_ordinary_edit_removes_nothing() -> None:
    edited = TEXT.replace('phone: "094 906 4660"', 'phone: "094 906 4661"')
    assert removals(DATA, _data(edited), SIZE, len(edited.encode())) == []


def test_summary_names_what_changed() -> None:
    edited = _data(TEXT)
    edited["contacts"]["county_helpline"]["phone"] = "094 906 4661"
    edited["opening_hours"]["alone"]["every_day"] = "8am-10pm"
    edited["services"][0]["phrases"].append("my scripts")
    edited["services"][1]["paused"] = {"message": "Back in January."}
    edited["messages"]["welcome"] = "Hello! In an emergency, call 112 or 999."
    assert summary(DATA, edited) == (
        "contacts changed: county_helpline; hours changed: alone; "
        "phrases/keywords: prescriptions +1 -0; pause changed: hot_meals; wording changed: welcome"
    )
    assert summary(DATA, _data(TEXT)) == "no change in content (comments or layout only)"
