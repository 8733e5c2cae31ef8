"""Issue 18: a whole conversation in Irish through the HTTP endpoint, answered in Irish.

The real app on a copy of the shipped routing file where groceries has a contact for one
area (so the bot asks the area) and "bia" (food) is also a hot-meals word (so it asks which
service): the shipped file never asks either. Every reply to an Irish message is scanned for
English: no sentence of the English table, no English card label or button.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from aiohttp.test_utils import TestClient, TestServer

from bot.referrals.codes import find_reference
from bot.referrals.staff_card import card_facts, staff_card_for
from bot.storage import staff as staff_store
from bot.web.app import RUNTIME, STORAGE, STORE, create_app
from config.settings import Settings
from routing.translations import citizen_texts
from routing.yaml_lines import parse
from tests.referrals.support import Citizen, suggested
from tests.support.connector import ConnectorStandIn

from .conftest import SHIPPED, Clock, World

HELPLINE = "094 906 4660"
KEY = "emulator/conversations/{}"
LANGUAGE_BUTTONS = {"Gaeilge", "English"}  # each language's own name, in any reply


def irish_variant(directory: Path) -> Path:
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    services = {s["id"]: s for s in data["services"]}
    services["hot_meals"]["irish"]["keywords"]["bia"] = 0.8  # "bia": groceries or hot meals?
    services["groceries"]["contacts"].insert(0, {"contact": "county_helpline", "area": "castlebar"})
    path = directory / "routing.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
async def world(tmp_path: Path, connector: ConnectorStandIn) -> AsyncIterator[World]:
    clock = Clock()
    settings = Settings(
        routing_file=irish_variant(tmp_path), reload_interval=60, database=tmp_path / "h.db"
    )
    async with TestClient(TestServer(create_app(settings, clock=clock), host="127.0.0.1")) as client:
        yield World(client, connector, clock)


# ---- the English table, for the scan -------------------------------------------------------------
def _english_table() -> tuple[set[str], set[str]]:
    """Sentences (3 words or more) of every English text citizens read, and the short English
    texts (labels, buttons, titles) that have a different Irish version."""
    data, _ = parse(SHIPPED.read_text(encoding="utf-8"))
    sentences: set[str] = set()
    short: set[str] = set()
    for text in citizen_texts(data):
        if text.ga == text.en:
            continue  # a name, the same in both languages ("HSELive")
        short.add(text.en)
        for fragment in re.split(r"\{[a-z_]+\}", text.en):
            for sentence in re.split(r"(?<=[.!?:;])\s+", fragment):
                sentence = sentence.strip(" .,:;!?")
                if len(sentence.split()) >= 3:
                    sentences.add(sentence)
    return sentences, short


ENGLISH_SENTENCES, ENGLISH_SHORT = _english_table()
ENGLISH_CARD_WORDS = {"Phone", "Email", "Hours", "Have ready when you call:"}


def english_in(reply: dict[str, Any]) -> list[str]:
    """Everything English a reply shows: sentences of the English table in its text or card,
    English card labels, English buttons."""
    found = [s for s in ENGLISH_SENTENCES if s in reply.get("text", "")]
    for attachment in reply.get("attachments") or []:
        card = attachment["content"]
        shown = json.dumps(card, ensure_ascii=False)
        found += [s for s in ENGLISH_SENTENCES if s in shown]
        for item in _items(card):
            if item.get("type") == "FactSet":
                found += [f["title"] for f in item["facts"] if f["title"] in ENGLISH_CARD_WORDS]
            if item.get("type") == "TextBlock" and item.get("text") in ENGLISH_CARD_WORDS:
                found.append(item["text"])
            for action in item.get("actions", []):
                title = action["title"]
                if title.startswith("Call ") or title in ENGLISH_SHORT - LANGUAGE_BUTTONS:
                    found.append(title)
        for action in card.get("actions", []):
            if action["title"] in ENGLISH_SHORT - LANGUAGE_BUTTONS:
                found.append(action["title"])
    found += [t for t in suggested(reply) if t in ENGLISH_SHORT - LANGUAGE_BUTTONS]
    return found


def _items(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [card, *card.get("body", [])]


class IrishSpeaker:
    """A citizen who writes in Irish; every reply must be free of English."""

    def __init__(self, citizen: Citizen) -> None:
        self.citizen = citizen
        self.replies: list[dict[str, Any]] = []

    async def say(self, text: str | None = None, **kw: Any) -> dict[str, Any]:
        reply = await self.citizen.say(text, **kw)
        assert english_in(reply) == [], (text, reply.get("text"))
        self.replies.append(reply)
        return reply


def card_of(reply: dict[str, Any]) -> dict[str, Any]:
    (attachment,) = reply["attachments"]
    return attachment["content"]


async def state_of(world: World, conversation: str = "conv-1") -> dict[str, Any]:
    store = world.client.server.app[STORAGE].state
    return (await store.read(KEY.format(conversation))).data


# ---- the conversation ---------------------------------------------------------------------------
async def test_a_whole_conversation_in_irish(world: World) -> None:
    citizen = world.citizen()

    # Until the language is known, the welcome is in both, Irish first; both language buttons.
    welcome = await citizen.say(None, type="conversationUpdate", membersAdded=[{"id": "user-1"}])
    text = welcome["text"]
    assert text.index("Dia duit!") < text.index("Hello!") and HELPLINE in text
    assert text.index("ó 9 r.n. go 5 i.n., 7 lá na seachtaine") < text.index("9am to 5pm")
    buttons = suggested(welcome)
    assert buttons[:2] == ["Gaeilge", "English"] and "Béilí te / Hot meals" in buttons

    gaeilge = IrishSpeaker(citizen)

    # Routing: the contact in Irish, its card labels too; numbers and names as they are.
    routed = await gaeilge.say("Tá oideas agam le bailiú ón bpoitigéir")
    assert routed["text"].startswith("Seo cé atá in ann cabhrú:"), routed["text"]
    card = card_of(routed)
    facts = {f["title"]: f["value"] for i in card["body"] if i["type"] == "FactSet" for f in i["facts"]}
    assert facts["Fón"] == HELPLINE
    assert facts["Uaireanta"].startswith("ó 9 r.n. go 5 i.n., 7 lá na seachtaine")
    texts = [i.get("text") for i in card["body"]]
    assert "Bailiú oideas" in texts and "Bíodh seo réidh agat nuair a ghlaonn tú:" in texts
    actions = [a["title"] for i in card["body"] for a in i.get("actions", [])]
    assert f"Glaoigh ar {HELPLINE}" in actions
    assert (await state_of(world))["language"] == "ga"

    # The area question, answered with an Irish place name (which says no language: still Irish).
    asked = await gaeilge.say("Ba mhaith liom cúnamh leis an siopadóireacht")
    assert asked["text"].startswith("Cén baile nó ceantar ina bhfuil tú?"), asked["text"]
    assert "Caisleán an Bharraigh" in suggested(asked) and "Castlebar" not in suggested(asked)
    answered = await gaeilge.say("Caisleán an Bharraigh")
    assert "(Caisleán an Bharraigh)" in answered["text"], answered["text"]

    # Clarification.
    clarify = await gaeilge.say("bia")
    assert "atá i gceist agat?" in clarify["text"], clarify["text"]
    assert set(suggested(clarify)) == {"Béilí te", "Siopadóireacht agus seachadadh earraí grósaera"}

    # Not understood.
    fallback = await gaeilge.say("Tá mo mhadra ag tafann gach oíche")
    assert fallback["text"].startswith("Tá brón orm, níor thuig mé"), fallback["text"]
    assert "112 nó 999" in fallback["text"] and "Labhair le duine" in suggested(fallback)

    # Other matters: where to go instead, in Irish.
    bins = await gaeilge.say("Cathain a bhailítear an bruscar?")
    assert bins["text"].startswith("Is do thacaíochtaí pobail an líne chabhrach seo.")
    assert "094 902 4444" in bins["text"] and not bins.get("attachments")

    # Small talk.
    hello = await gaeilge.say("Dia duit")
    assert hello["text"].startswith("Dia duit! Inis dom"), hello["text"]
    thanks = await gaeilge.say("go raibh míle maith agat")
    assert thanks["text"].startswith("Tá fáilte romhat"), thanks["text"]
    robot = await gaeilge.say("An róbat thú?")
    assert "cúntóir uathoibríoch" in robot["text"] and "Ar oscailt anois go dtí 5 i.n." in robot["text"]

    # An emergency, in Irish, and a follow-up.
    emergency = await gaeilge.say("Tá tine sa teach!")
    assert emergency["text"] == "Má tá duine i mbaol nó an-tinn, glaoigh ar 112 nó 999 anois."
    calls = [a["title"] for i in card_of(emergency)["body"] for a in i.get("actions", [])]
    assert calls == ["Glaoigh ar 112", "Glaoigh ar 999"]
    after = await gaeilge.say("tá sí ag análú anois")
    assert "glaoigh ar 112 nó 999 anois" in after["text"], after["text"]
    self_harm = await gaeilge.say("Ba mhaith liom bás a fháil")
    assert "Samaritans ar 116 123" in self_harm["text"] and "112 nó 999" in self_harm["text"]


async def test_the_call_back_form_in_irish(world: World) -> None:
    citizen = world.citizen()
    gaeilge = IrishSpeaker(citizen)
    routed = await gaeilge.say("Tá béile te uaim")
    assert "Iarr orthu glaoch ar ais orm" in suggested(routed)
    asked = await gaeilge.say("Iarr orthu glaoch ar ais orm")
    assert "cén t-ainm atá ort?" in asked["text"], asked["text"]
    phone = await gaeilge.say("Máire Ní Mháille")
    assert phone["text"].startswith("Go raibh maith agat, Máire Ní Mháille."), phone["text"]
    wrong = await gaeilge.say("níl fón agam")
    assert "cealaigh" in wrong["text"], wrong["text"]
    area = await gaeilge.say("087 123 4567")
    assert area["text"].startswith("Cén baile nó ceantar"), area["text"]
    assert "Iarthar Mhaigh Eo (Cathair na Mart–Béal an Mhuirthead)" in suggested(area)
    need = await gaeilge.say("Cathair na Mart")
    assert need["text"] == "In abairt amháin, cén cúnamh atá uait?"
    consent = await gaeilge.say("Béile te gach lá don tseachtain seo")
    assert "roinnfidh mé d'ainm" in consent["text"] and "Fógra príobháideachta" in consent["text"]
    assert suggested(consent) == ["Tá, roinn mo shonraí", "Níl, ná roinn iad"]
    confirmed = await gaeilge.say("Tá, roinn mo shonraí")
    reference = find_reference(confirmed["text"])
    assert reference and f"Is é {reference} d'uimhir thagartha." in confirmed["text"]
    assert "Glaofaidh duine ón Líne Chabhrach Tacaíochta Pobail ort ar 087 123 4567 faoi" in confirmed["text"]
    (referral,) = await world.referrals()
    assert referral.language == "ga" and referral.town == "Cathair na Mart"
    # Staff see that the citizen wrote in Irish.
    table = world.client.server.app[STORE].router.table
    card = staff_card_for(referral, table.referrals, table)
    assert card_facts(card)["Language"].startswith("Irish (Gaeilge)")
    status = await gaeilge.say(f"cad a tharla do {reference}?")
    assert f"Cuireadh d'iarratas {reference} chuig duine ón Líne Chabhrach" in status["text"]
    # Claimed on the staff page: the notice that someone will ring is in Irish too.
    storage = world.client.server.app[STORAGE]
    await storage.db.call(
        lambda c: staff_store.claim(c, reference, "Siobhán Ní Bhriain", 1.0, lambda _c: None)
    )
    world.client.server.app[RUNTIME].outbox.wake()
    notices: list[dict[str, Any]] = []
    for _ in range(250):
        notices = [m for m in citizen.replies() if "Dea-scéal" in str(m.get("text") or "")]
        if notices:
            break
        await asyncio.sleep(0.02)
    (notice,) = notices
    assert notice["text"] == (
        f"Dea-scéal: tá d'iarratas {reference} ag Siobhán ón bhfoireann Tacaíochta Pobail, "
        "agus glaofar ort go luath."
    )


# ---- switching ----------------------------------------------------------------------------------
async def test_writing_in_english_switches_back_and_a_place_name_does_not(world: World) -> None:
    citizen = world.citizen()
    irish = await citizen.say("An bhfuil sibh ar oscailt anois?")
    assert irish["text"].startswith("Ar oscailt anois go dtí 5 i.n."), irish["text"]
    assert await state_of(world) == {"language": "ga"}
    # "ok" or a name says no language: the conversation stays Irish.
    ok = await citizen.say("ok")
    assert english_in(ok) == [], ok["text"]
    english = await citizen.say("I live in Béal an Átha and need help with shopping")
    assert english["text"].startswith("Here is who can help:"), english["text"]
    assert "language" not in await state_of(world)  # English is the default: nothing kept
    again = await citizen.say("go raibh maith agat")
    assert again["text"].startswith("Tá fáilte romhat"), again["text"]


async def test_an_english_one_off_question_writes_no_state(world: World) -> None:
    reply = await world.citizen().say("is it open now?")
    assert reply["text"].startswith("Open now until 5pm"), reply["text"]
    assert await state_of(world) == {}


@pytest.mark.parametrize("typed", [False, True], ids=["button", "typed"])
async def test_the_language_buttons(world: World, typed: bool) -> None:
    citizen = world.citizen()
    await citizen.say(None, type="conversationUpdate", membersAdded=[{"id": "user-1"}])

    async def press(value: str, label: str) -> dict[str, Any]:
        return await (citizen.say(label) if typed else citizen.say(None, value={"choice": value}))

    irish = await press("language:ga", "Gaeilge")
    assert irish["text"].startswith("Dia duit!") and "Hello" not in irish["text"]
    assert english_in(irish) == [] and suggested(irish)[-1] == "English"
    assert (await state_of(world))["language"] == "ga"
    routed = await citizen.say("hot meals")  # English words, but a service name: English reply
    assert routed["text"].startswith("Here is who can help:")
    await press("language:ga", "Gaeilge")
    english = await press("language:en", "English")
    assert english["text"].startswith("Hello!") and suggested(english)[-1] == "Gaeilge"
    assert "language" not in await state_of(world)


async def test_an_irish_locale_starts_in_irish(world: World) -> None:
    citizen = world.citizen()
    welcome = await citizen.say(
        None, type="conversationUpdate", membersAdded=[{"id": "user-1"}], locale="ga-IE"
    )
    assert welcome["text"].startswith("Dia duit!") and "Hello" not in welcome["text"]
    assert suggested(welcome)[-1] == "English" and english_in(welcome) == []
    # A message that says no language ("087..."? a place) is answered in Irish: the default.
    reply = await citizen.say("Cathair na Mart", locale="ga-IE")
    assert english_in(reply) == [], reply["text"]
    assert "language" not in await state_of(world)  # Irish is this conversation's default
    english = await citizen.say("I need my prescription collected", locale="ga-IE")
    assert english["text"].startswith("Here is who can help:")
    assert (await state_of(world))["language"] == "en"  # chosen over the locale: kept


# ---- the scan itself ----------------------------------------------------------------------------
def test_the_scan_finds_english() -> None:
    assert "If someone is in danger or seriously ill, call 112 or 999 now" in ENGLISH_SENTENCES
    reply = {
        "text": "Tá brón orm. Sorry, I didn't quite understand that.",
        "attachments": [{"content": {"body": [
            {"type": "FactSet", "facts": [{"title": "Phone", "value": HELPLINE}]},
            {"type": "ActionSet", "actions": [{"title": f"Call {HELPLINE}"}]},
        ]}}],
        "suggestedActions": {"actions": [{"title": "Hot meals"}, {"title": "English"}]},
    }  # fmt: skip
    found = english_in(reply)
    assert "Sorry, I didn't quite understand that" in found
    assert {"Phone", f"Call {HELPLINE}", "Hot meals"} <= set(found) and "English" not in found
