"""The call-back form: a small state machine in the conversation's state.

Steps: name, phone, area (skipped when the conversation already knows it), need, consent;
then the referral is committed (``bot/referrals/service.py``) before the citizen is given a
reference. The form lives in ``state["form"]``:
``{"service", "step", "values", "submission", "touched", "misses"}``.

What it never does: store an answer that is really something else. A phone number or a
question is not a name; a new request, a question or "actually forget it" leaves the form
with a short note and is answered as usual; an emergency never reaches it (the emergency
check runs first and clears the form). An unfinished form expires after
``IDLE_SECONDS`` without a message and never swallows a later visit's request.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any, Literal

from routing.localized import ENGLISH
from routing.phones import Phone, parse_phone
from routing.referrals import ReferralConfig

from .words import fold, starts_with, yes_or_no

IDLE_SECONDS = 30 * 60
MAX_NAME = 100
MAX_NEED = 500
MIN_NEED = 3
STEPS = ("name", "phone", "area", "need", "consent")
FORM = "form"
# What the citizen already said, kept for a call-back they may ask for next (a live chat
# nobody took, or asked for out of hours): the form starts with it as the need.
CARRIED_NEED = "need_so_far"

# Wording the routing file may leave out (older files): used only when its key is missing.
DEFAULT_TEXTS = {  # (the routing file has these; used only when an older file lacks them)
    "cancel_hint": "You can type cancel to stop at any time.",
    "left_form": "OK, I've stopped the call-back request. Nothing has been shared.",
    "expired": "",
}
DEFAULT_TEXTS_GA = {
    "cancel_hint": "Is féidir leat cealaigh a scríobh chun stopadh am ar bith.",
    "left_form": "Ceart go leor, stop mé an t-iarratas ar ghlaoch ar ais. Níor roinneadh aon rud.",
}
# Extra ways of saying yes and no, besides the routing file's ``words``.
_EXTRA_YES = (
    "yes", "yes please", "yeah", "yep", "ok", "okay", "sure", "grand", "go on", "go on so",
    "please do", "fine", "thats fine", "that's grand", "sound", "do", "aye", "certainly",
    "of course", "no problem", "absolutely", "correct", "right", "tá", "is ea", "sea",
    "tá go maith", "ceart go leor", "cinnte", "déan", "déan é", "maith go leor", "ar aghaidh leat",
)
_EXTRA_NO = (
    "no", "nope", "no thanks", "no thank you", "dont", "do not", "not", "níl", "ná", "ní hea",
    "ná déan", "níl go raibh maith agat", "níor mhaith",
)
_NAME_PREFIX = re.compile(
    r"^\s*(?:my name is|my names|my name's|name is|name's|i am|i'm|im|it's|its|this is|"
    r"call me|is mise|mise|is é m'ainm|is é mo ainm|m'ainm is ea|m'ainm)\s+",
    re.IGNORECASE,
)
_QUESTION_START = re.compile(
    r"^\s*(?:what|when|where|why|who|how|which|can|could|would|will|is|are|do|does|did|"
    r"should|may|cad|conas|cathain|cá|cen|cén|an bhfuil|an féidir)\b",
    re.IGNORECASE,
)
# The start of "forget it": the citizen is moving on (folded: no fadas or apostrophes).
_MOVING_ON = (
    "actually", "forget it", "forget that", "leave it", "dont bother", "never mind", "no wait",
    "hang on", "changed my mind",
    "dean dearmad", "na bac", "fag e", "fag sin", "fan go foill", "dathraigh me mintinn",
)
_PHONE_CANDIDATE = re.compile(r"\+?\(?\d[\d\s().\-]{5,}\d")


def carry_need(state: dict[str, Any], text: str, now: float) -> None:
    """Keep what the citizen said for a call-back they may ask for in the next half hour."""
    if text.strip():
        state[CARRIED_NEED] = {"text": text.strip()[:MAX_NEED], "at": now}


def carried_need(state: dict[str, Any], now: float) -> str | None:
    """What :func:`carry_need` kept (and forget it), unless it is older than the form's
    idle time."""
    kept = state.pop(CARRIED_NEED, None)
    if not isinstance(kept, dict) or now - float(kept.get("at") or 0) > IDLE_SECONDS:
        return None
    text = kept.get("text")
    return text if isinstance(text, str) and text else None


def yes_words() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Everyday ways of saying yes and no (English and Irish), for short answers."""
    return _EXTRA_YES, _EXTRA_NO


def find_phone(text: str) -> Phone | None:
    """An Irish mobile or landline a person can be rung on, anywhere in ``text`` ("my
    number is 087 123 4567"): not 112/999, Freephone, 0818 or 116 numbers."""
    candidates = [text.strip(), *(m.group(0) for m in _PHONE_CANDIDATE.finditer(text))]
    for candidate in candidates:
        phone = parse_phone(candidate.strip())
        if phone is None or not phone.uri.startswith("tel:+353"):
            continue
        national = "0" + phone.uri[len("tel:+353") :]
        if re.fullmatch(r"08[35679]\d{7}", national):
            return phone
        if re.fullmatch(r"0[1-9]\d{6,8}", national) and not national.startswith("08"):
            return phone
    return None


def looks_like_question(text: str) -> bool:
    return "?" in text or bool(_QUESTION_START.match(text))


def _digits(text: str) -> int:
    return sum(c.isdigit() for c in text)


def clean_name(text: str) -> str | None:
    """The name in ``text`` ("my name is Mary Walsh" -> "Mary Walsh"), or None when the
    text is not a name: empty, too long, a phone number, a question, or a sentence."""
    value = _NAME_PREFIX.sub("", text.strip()).strip(" .,!")
    if not value or len(value) > MAX_NAME:
        return None
    if _digits(value) >= 3 or looks_like_question(text) or "@" in value:
        return None
    if len(value.split()) > 5:
        return None  # a sentence, not a name
    return value


@dataclass(slots=True)
class Signals:
    """What the rest of the bot made of the message, for the form to judge an answer by."""

    services: tuple[str, ...] = ()  # services the message asks for (classifier)
    act: str | None = None  # small talk / talk to a person / ...
    topic: str | None = None  # another council matter ...


Result = Literal["asked", "cancelled", "left", "declined", "done", "expired"]


@dataclass(slots=True)
class Step:
    """What the form did with one message: ``texts`` to say (with ``buttons``), and the
    outcome; for ``done`` the collected ``values``; for ``declined`` the service."""

    result: Result
    texts: list[str] = field(default_factory=list)
    buttons: tuple[str, ...] = ()
    values: dict[str, Any] = field(default_factory=dict)


class CallbackForm:
    """The form's rules over one routing table's ``referrals`` wording, in one language
    (its questions and buttons; answers are understood in either)."""

    def __init__(
        self, config: ReferralConfig, area_names: tuple[str, ...], language: str = ENGLISH
    ) -> None:
        self.config = config
        self.area_names = area_names
        self.language = language
        m = config.messages
        # Both languages' button labels are answers, whichever language the form is in.
        yes, no = m["consent_yes"], m["consent_no"]
        self.yes = (*config.words.get("yes", ()), yes.en, yes.ga or yes.en, *_EXTRA_YES)
        self.no = (*config.words.get("no", ()), no.en, no.ga or no.en, *_EXTRA_NO)

    def _m(self, key: str, **values: Any) -> str:
        found = self.config.messages.get(key)
        if found is not None:
            text = found.in_(self.language)
        else:
            defaults = DEFAULT_TEXTS_GA if self.language != ENGLISH else {}
            text = defaults.get(key) or DEFAULT_TEXTS.get(key, "")
        return text.format(**values) if values else text

    def _buttons(self) -> tuple[str, str]:
        return (self._m("consent_yes"), self._m("consent_no"))

    # ---- starting ------------------------------------------------------------------------
    def start(
        self,
        state: dict[str, Any],
        service: str,
        *,
        area: str | None,
        town: str | None,
        now: float,
        need: str | None = None,
    ) -> Step:
        values: dict[str, Any] = {"service": service, "area": area, "town": town}
        if need:
            values["need"] = need[:MAX_NEED]
        state[FORM] = {
            "service": service,
            "step": "name",
            "values": values,
            "submission": uuid.uuid4().hex,
            "touched": now,
            "misses": 0,
        }
        return Step("asked", [self._m("ask_name")])

    @staticmethod
    def active(state: dict[str, Any], now: float) -> dict[str, Any] | None:
        """The form in progress, or None (none, or expired: then it is removed)."""
        form = state.get(FORM)
        if not isinstance(form, dict):
            return None
        if now - float(form.get("touched") or 0) > IDLE_SECONDS:
            state.pop(FORM, None)
            return None
        return form

    # ---- one answer ----------------------------------------------------------------------
    def answer(self, state: dict[str, Any], text: str, signals: Signals, now: float) -> Step:
        form = state[FORM]
        form["touched"] = now
        words = self.config.words
        if text and starts_with(text, words.get("cancel", ())):
            state.pop(FORM, None)
            return Step("cancelled", [self._m("cancelled")])
        if text and starts_with(text, words.get("restart", ())):
            values = form["values"]
            return self.start(
                state, form["service"], area=values.get("area"), town=values.get("town"), now=now
            )
        step = form["step"]
        handler = getattr(self, f"_on_{step}")
        result: Step = handler(form, text.strip(), signals)
        if result.result == "left":
            state.pop(FORM, None)
        elif result.result in ("done", "declined"):
            state.pop(FORM, None)
        return result

    def _leave_for(self, text: str, signals: Signals, *, service_is_answer: bool) -> bool:
        """The message is something else than an answer: a request, a question, a wish to
        talk to a person or to stop."""
        if signals.act in ("talk_to_person", "end_chat", "goodbye"):
            return True
        if signals.topic:
            return True
        if signals.services and not service_is_answer:
            return True
        folded = fold(text)
        if folded.startswith(_MOVING_ON):
            return True
        return False

    def _retry(self, form: dict[str, Any], key: str, **values: Any) -> Step:
        form["misses"] = int(form.get("misses") or 0) + 1
        texts = [self._m(key, **values), self._m("cancel_hint")]
        return Step("asked", [" ".join(t for t in texts if t)])

    def _next(self, form: dict[str, Any]) -> Step:
        """Ask the next question the form still needs."""
        values = form["values"]
        form["misses"] = 0
        if "name" not in values:
            form["step"] = "name"
            return Step("asked", [self._m("ask_name")])
        if "phone" not in values:
            form["step"] = "phone"
            return Step("asked", [self._m("ask_phone", name=values["name"])])
        if not values.get("area") and not values.get("town"):
            form["step"] = "area"
            return Step("asked", [self._m("ask_area")], buttons=self.area_names)
        if "need" not in values:
            form["step"] = "need"
            return Step("asked", [self._m("ask_need")])
        form["step"] = "consent"
        who = self.config.plan(values["service"]).who.in_(self.language)
        texts = [
            self._m("ask_consent", service=who),
            self._m("privacy_notice", link=self.config.privacy_link),
        ]
        return Step("asked", ["\n\n".join(texts)], buttons=self._buttons())

    def _left(self) -> Step:
        return Step("left", [self._m("left_form")])

    def _on_name(self, form: dict[str, Any], text: str, signals: Signals) -> Step:
        if self._leave_for(text, signals, service_is_answer=False):
            return self._left()
        name = clean_name(text)
        if name is None:
            return self._retry(form, "name_invalid")
        form["values"]["name"] = name
        return self._next(form)

    def _on_phone(self, form: dict[str, Any], text: str, signals: Signals) -> Step:
        phone = find_phone(text)
        if phone is not None:
            form["values"]["phone"] = phone.display.strip() if parse_phone(text.strip()) else _national(phone)
            return self._next(form)
        if self._leave_for(text, signals, service_is_answer=False):
            return self._left()
        return self._retry(form, "phone_invalid")

    def _on_area(self, form: dict[str, Any], text: str, signals: Signals) -> Step:
        # The handler resolves a known place before calling this (values["area"] set);
        # anything else is kept as the town the citizen gave, unless it is something else.
        if self._leave_for(text, signals, service_is_answer=False):
            return self._left()
        if not text or looks_like_question(text):
            return self._retry(form, "ask_area")
        form["values"]["town"] = text[:MAX_NAME]
        return self._next(form)

    def set_area(self, form: dict[str, Any], area_id: str, town: str | None) -> Step:
        form["values"]["area"] = area_id
        if town:
            form["values"]["town"] = town
        return self._next(form)

    def _on_need(self, form: dict[str, Any], text: str, signals: Signals) -> Step:
        if self._leave_for(text, signals, service_is_answer=True) and not signals.services:
            return self._left()
        if len(text) < MIN_NEED:
            return self._retry(form, "need_invalid")
        form["values"]["need"] = text[:MAX_NEED]
        return self._next(form)

    def _on_consent(self, form: dict[str, Any], text: str, signals: Signals) -> Step:
        answer = yes_or_no(text, self.yes, self.no)
        if answer is True:
            values = dict(form["values"])
            values["submission"] = form["submission"]
            return Step("done", values=values)
        if answer is False:
            return Step("declined", values={"service": form["service"], **form["values"]})
        if self._leave_for(text, signals, service_is_answer=False):
            return self._left()
        step = self._retry(form, "consent_unclear")
        step.buttons = self._buttons()
        return step

    def resume(self, form: dict[str, Any]) -> Step:
        """Ask the current question again (after a button that belongs to no step)."""
        return self._next(form)


def _national(phone: Phone) -> str:
    """``tel:+353871234567`` -> ``087 123 4567``: a number found inside a sentence."""
    national = "0" + phone.uri[len("tel:+353") :]
    if national.startswith("08"):
        return f"{national[:3]} {national[3:6]} {national[6:]}"
    return f"{national[:3]} {national[3:6]} {national[6:]}" if len(national) == 10 else national
