from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from intents.result import Classification
from routing.hours import DUBLIN
from routing.model import RoutingTable
from routing.reply import AREA_PREFIX, SERVICE_PREFIX, TALK_TO_SOMEONE, Choice, ConversationFacts
from routing.router import Router

OPEN = dt.datetime(2026, 12, 23, 11, 0, tzinfo=DUBLIN)  # a Wednesday morning
FACTS = ConversationFacts()


class NoClassifier:
    def classify(self, text: str) -> Classification:
        raise AssertionError(f"button values must not be classified: {text!r}")


def test_welcome_has_wording_buttons_and_helpline(router: Router) -> None:
    reply = router.welcome()
    assert reply.kind == "welcome"
    assert reply.text.startswith("Hello! Tell me what you need. In an emergency, call 112 or 999.")
    assert "- Groceries\n- Prescriptions\n- Hot meals" in reply.text
    assert (
        "You can also ring the County Helpline on 094 906 4660, 9am to 5pm, 7 days a week "
        "(closed on public holidays)." in reply.text
    )
    assert reply.choices == (
        Choice("Groceries", "service:groceries"),
        Choice("Prescriptions", "service:prescriptions"),
        Choice("Hot meals", "service:hot_meals"),
        Choice("Talk to someone", TALK_TO_SOMEONE),
    )


def test_team_intro(router: Router) -> None:
    assert router.team_intro().text == "Hello everyone! Message me directly."


def test_routed_contact_view(router: Router) -> None:
    reply = router.respond("prescription collection please", FACTS, OPEN)
    assert reply.kind == "routed"
    assert reply.intents == ("prescriptions",)
    (c,) = reply.contacts
    assert (c.service_id, c.name, c.phone, c.phone_uri) == (
        "prescriptions", "County Helpline", "094 906 4660", "tel:+353949064660"
    )
    assert c.hours == "9am to 5pm, 7 days a week (closed on public holidays)"
    assert c.open_now and c.status == "Open now until 5pm."
    assert reply.text == (
        "Here is who can help:\n\n"
        "Prescriptions: County Helpline\n"
        "Phone: 094 906 4660\n"
        "Hours: 9am to 5pm, 7 days a week (closed on public holidays)\n"
        "Open now until 5pm."
    )


def test_inline_contact_with_email_and_have_ready(router: Router) -> None:
    reply = router.respond("hot meals", FACTS, OPEN)
    (c,) = reply.contacts
    assert c.email == "meals@example.ie" and c.phone_uri == "tel:+353871234567"
    assert c.have_ready == ("Any dietary needs",)
    assert c.open_now and c.status == ""  # no hours given: always listed as available
    assert "Email: meals@example.ie" in reply.text and "Have ready: Any dietary needs" in reply.text


def test_two_services_give_both_contacts(router: Router) -> None:
    reply = router.respond("hot meals and a prescription", FACTS, OPEN)
    assert reply.kind == "routed"
    assert reply.intents == ("hot_meals", "prescriptions")
    assert [c.service_id for c in reply.contacts] == ["hot_meals", "prescriptions"]
    assert "Meals Service (FIXTURE)" in reply.text and "County Helpline" in reply.text


def test_services_sharing_a_contact_are_listed_once_in_text(router: Router) -> None:
    reply = router.respond("groceries and a prescription", ConversationFacts(area="ballina"), OPEN)
    assert len(reply.contacts) == 2
    assert reply.text.count("094 906 4660") == 1
    assert "Groceries, Prescriptions: County Helpline" in reply.text


@pytest.mark.parametrize(
    "facts",
    [FACTS, ConversationFacts(area="castlebar", awaiting_area_for=("groceries",))],
    ids=["fresh", "awaiting-area"],
)
@pytest.mark.parametrize(
    ("text", "kind_text"),
    [
        ("DANGER my groceries", "If someone is in danger or seriously ill, call 112 or 999 now."),
        ("SELFHARM", "Please call Samaritans free on 116 123, any time. If you are in danger now, call 112 or 999."),
    ],
    ids=["danger", "self-harm"],
)
def test_emergency_first_and_alone(router: Router, facts: ConversationFacts, text: str, kind_text: str) -> None:
    reply = router.respond(text, facts, OPEN)
    assert reply.kind == "emergency"
    assert reply.text == kind_text
    assert reply.choices == ()
    assert all(c.service_id == "emergency" for c in reply.contacts)
    assert reply.facts.awaiting_area_for == ()


def test_emergency_call_buttons(router: Router) -> None:
    reply = router.respond("SELFHARM", FACTS, OPEN)
    assert [(c.name, c.phone_uri) for c in reply.contacts] == [("Samaritans", "tel:116123")]


def test_clarify_offers_both_as_buttons_and_button_resolves(router: Router) -> None:
    reply = router.respond("EITHER groceries hot_meals", FACTS, OPEN)
    assert reply.kind == "clarify"
    assert reply.text == "Did you mean Groceries or Hot meals?"
    assert reply.choices == (Choice("Groceries", "service:groceries"), Choice("Hot meals", "service:hot_meals"))
    answer = router.choose(reply.choices[1].value, reply.facts, OPEN)
    assert answer.kind == "routed" and answer.intents == ("hot_meals",)


def test_ask_area_then_area_button_routes_to_local_contact(router: Router) -> None:
    reply = router.respond("grocery shopping", FACTS, OPEN)
    assert reply.kind == "ask_area"
    assert reply.text.startswith("Which town or area are you in?")
    assert [c.value for c in reply.choices] == [
        "area:ballina", "area:castlebar", "area:claremorris_swinford", "area:west_mayo"
    ]
    assert reply.facts.awaiting_area_for == ("groceries",)
    answer = router.choose(f"{AREA_PREFIX}castlebar", reply.facts, OPEN)
    assert answer.kind == "routed"
    (c,) = answer.contacts
    assert c.name == "Castlebar Shopping Volunteers (FIXTURE)" and c.area == "Castlebar"
    assert answer.facts == ConversationFacts(area="castlebar")


@pytest.mark.parametrize(
    ("answer", "contact"),
    [
        ("Westprt", "West Mayo Shopping Volunteers (FIXTURE)"),
        ("Béal an Mhuirthead", "West Mayo Shopping Volunteers (FIXTURE)"),
        ("i'm in Killala", "County Helpline"),  # Ballina has no local contact: county-wide one
    ],
    ids=["typo", "irish-name", "area-without-local-contact"],
)
def test_typed_area_answer(router: Router, answer: str, contact: str) -> None:
    asked = router.respond("grocery shopping", FACTS, OPEN)
    reply = router.respond(answer, asked.facts, OPEN)
    assert reply.kind == "routed"
    assert [c.name for c in reply.contacts] == [contact]
    assert reply.facts.awaiting_area_for == ()


def test_unrecognised_area_answer_asks_again(router: Router) -> None:
    asked = router.respond("grocery shopping", FACTS, OPEN)
    reply = router.respond("the moon", asked.facts, OPEN)
    assert reply.kind == "ask_area"
    assert reply.text.startswith("Sorry, I didn't recognise that place.")
    assert reply.facts.awaiting_area_for == ("groceries",)


def test_town_in_first_message_counts_and_is_remembered(router: Router) -> None:
    reply = router.respond("grocery shopping for my mam in Cathair na Mart", FACTS, OPEN)
    assert reply.kind == "routed"
    assert reply.contacts[0].name == "West Mayo Shopping Volunteers (FIXTURE)"
    assert reply.facts.area == "west_mayo"
    later = router.respond("groceries again", reply.facts, OPEN)
    assert later.contacts[0].name == "West Mayo Shopping Volunteers (FIXTURE)"


def test_service_without_area_contacts_never_asks(router: Router) -> None:
    assert router.respond("prescription collection", FACTS, OPEN).kind == "routed"


def test_fallback_is_kind_and_offers_helpline_and_buttons(router: Router) -> None:
    reply = router.respond("when are my bins collected", FACTS, OPEN)
    assert reply.kind == "fallback"
    assert reply.text.startswith("Sorry, I didn't understand that.")
    assert "094 906 4660, 9am to 5pm, 7 days a week" in reply.text
    assert [c.value for c in reply.choices][-1] == TALK_TO_SOMEONE
    assert len(reply.choices) == 4


def test_empty_message_is_fallback(router: Router) -> None:
    assert router.respond("", FACTS, OPEN).kind == "fallback"


def test_buttons_never_go_through_the_classifier(table: RoutingTable) -> None:
    router = Router(dataclasses.replace(table, classifier=NoClassifier()))
    assert router.choose(f"{SERVICE_PREFIX}prescriptions", FACTS, OPEN).intents == ("prescriptions",)
    assert router.choose(f"{SERVICE_PREFIX}groceries", FACTS, OPEN).kind == "ask_area"
    assert router.choose(f"{SERVICE_PREFIX}nope", FACTS, OPEN).kind == "fallback"
    assert router.choose(f"{AREA_PREFIX}nowhere", FACTS, OPEN).kind == "fallback"
    noted = router.choose(f"{AREA_PREFIX}ballina", FACTS, OPEN)
    assert noted.text == "Thanks, I'll remember you're in Ballina." and noted.facts.area == "ballina"
    assert router.choose(TALK_TO_SOMEONE, FACTS, OPEN).kind == "talk_to_someone"


def test_talk_to_someone_open_and_closed(router: Router) -> None:
    reply = router.choose(TALK_TO_SOMEONE, FACTS, OPEN)
    assert reply.text.startswith("To talk to a person, ring the County Helpline on 094 906 4660.")
    assert reply.contacts[0].open_now
    closed = router.choose(TALK_TO_SOMEONE, FACTS, dt.datetime(2026, 12, 25, 10, 0, tzinfo=DUBLIN))
    (c,) = closed.contacts
    assert not c.open_now
    assert c.status == "Closed now. Opens Sunday at 9am."
    assert c.out_of_hours == "ALONE: 0818 222 024, 8am to 8pm. Emergencies: 112 or 999."
    assert "While it is closed: ALONE: 0818 222 024, 8am to 8pm. Emergencies: 112 or 999." in closed.text


def test_closed_contact_is_never_shown_as_open(router: Router) -> None:
    reply = router.respond("prescription collection", FACTS, dt.datetime(2026, 12, 26, 21, 0, tzinfo=DUBLIN))
    (c,) = reply.contacts
    assert not c.open_now
    assert "Open now" not in reply.text
    assert "Closed now. Opens tomorrow at 9am." in reply.text
    assert "While it is closed: Emergencies: 112 or 999." in reply.text  # ALONE shut at 8pm


def test_facts_round_trip_through_bot_state(router: Router) -> None:
    asked = router.respond("grocery shopping", FACTS, OPEN)
    restored = ConversationFacts.from_dict(asked.facts.to_dict())
    assert router.respond("Castlebar", restored, OPEN).kind == "routed"


def test_one_router_gives_the_right_status_either_side_of_closing(router: Router) -> None:
    """Routed contacts are computed once per minute: the same router must still say open at
    16:59 and closed at 17:00, and open again the next morning."""
    day = dt.datetime(2026, 12, 23, tzinfo=DUBLIN)
    says = [
        router.respond("prescription collection please", FACTS, day.replace(hour=h, minute=m))
        .contacts[0]
        .open_now
        for h, m in ((16, 59), (16, 59), (17, 0), (16, 59))
    ]
    assert says == [True, True, False, True]
    tomorrow = router.respond("prescription collection please", FACTS, day + dt.timedelta(days=1, hours=10))
    assert tomorrow.contacts[0].open_now


# ----- issue 17.3: paused services and contacts for particular towns -----------------------
from routing.loader import load_text  # noqa: E402
from tests.routing.conftest import FIXTURES  # noqa: E402
from tests.routing.fakes import keyword_factory  # noqa: E402

VALID = (FIXTURES / "valid.yaml").read_text(encoding="utf-8")
PAUSE = (
    "    have_ready: [Any dietary needs]\n"
    "    paused:\n"
    "      from: 2026-12-20\n"
    "      until: 2027-01-06\n"
    '      message: "Hot meals stop over Christmas and start again on 6 January. Ring the helpline for a meal before then."\n'
)


def _router_with(old: str, new: str) -> Router:
    assert VALID.count(old) == 1
    return Router(load_text(VALID.replace(old, new), "x.yaml", classifier_factory=keyword_factory))


def test_paused_service_is_recognised_and_says_what_to_do_instead() -> None:
    router = _router_with("    have_ready: [Any dietary needs]\n", PAUSE)
    reply = router.respond("hot meals please", FACTS, OPEN)
    assert reply.kind == "paused" and reply.intents == ("hot_meals",)
    assert reply.text == (
        "Hot meals: Hot meals stop over Christmas and start again on 6 January. Ring the helpline "
        "for a meal before then.\n\n"
        "You can also ring the County Helpline on 094 906 4660, 9am to 5pm, 7 days a week "
        "(closed on public holidays)."
    )
    assert reply.contacts == () and Choice("Hot meals", "service:hot_meals") in reply.choices
    assert router.choose("service:hot_meals", FACTS, OPEN).kind == "paused"  # buttons too


def test_pause_has_a_start_and_an_end() -> None:
    router = _router_with("    have_ready: [Any dietary needs]\n", PAUSE)
    before = dt.datetime(2026, 12, 19, 11, 0, tzinfo=DUBLIN)
    after = dt.datetime(2027, 1, 6, 11, 0, tzinfo=DUBLIN)
    assert router.respond("hot meals", FACTS, before).kind == "routed"
    assert router.respond("hot meals", FACTS, after).kind == "routed"


def test_a_paused_service_asked_with_another_is_noted_under_the_other() -> None:
    router = _router_with("    have_ready: [Any dietary needs]\n", PAUSE)
    reply = router.respond("prescription collection and hot meals", FACTS, OPEN)
    assert reply.kind == "routed" and reply.intents == ("prescriptions",)
    assert reply.text.endswith(
        "Hot meals: Hot meals stop over Christmas and start again on 6 January. Ring the helpline "
        "for a meal before then."
    )


def test_contact_for_one_town_without_asking_everyone_where_they_live() -> None:
    router = _router_with(
        "    contacts:\n      - name: Meals Service (FIXTURE)",
        "    contacts:\n"
        "      - name: Ballinrobe Meals (FIXTURE)\n"
        '        phone: "094 900 0009"\n'
        "        places: [Ballinrobe, F31]\n"
        "      - name: Meals Service (FIXTURE)",
    )
    anywhere = router.respond("hot meals", FACTS, OPEN)
    assert anywhere.kind == "routed"  # no "which area are you in?"
    assert [c.name for c in anywhere.contacts] == ["Meals Service (FIXTURE)"]
    in_town = router.respond("hot meals in Ballinrobe", FACTS, OPEN)
    assert [c.name for c in in_town.contacts] == ["Ballinrobe Meals (FIXTURE)"]
    assert in_town.facts.place == "ballinrobe" and in_town.facts.area == "claremorris_swinford"
    by_eircode = router.respond("hot meals F31 A2B3", FACTS, OPEN)
    assert [c.name for c in by_eircode.contacts] == ["Ballinrobe Meals (FIXTURE)"]
    neighbour = router.respond("hot meals in Claremorris", FACTS, OPEN)  # same area, other town
    assert [c.name for c in neighbour.contacts] == ["Meals Service (FIXTURE)"]
    remembered = router.respond("hot meals", in_town.facts, OPEN)
    assert [c.name for c in remembered.contacts] == ["Ballinrobe Meals (FIXTURE)"]
    assert ConversationFacts.from_dict(in_town.facts.to_dict()) == in_town.facts
