"""What the classifier says about one message: the contract the rest of the bot relies on."""

from __future__ import annotations

from dataclasses import dataclass, field

EMERGENCY = "emergency"


@dataclass(frozen=True, slots=True)
class Classification:
    """The outcome of classifying one citizen message.

    ``language`` is the language the message is written in (intents/language.py): ``"ga"``
    (Irish), ``"en"`` (English), or ``None`` when it does not say ("ok", a name, a number),
    and the bot keeps the conversation's language.

    ``intent`` is a service id, ``"emergency"``, or ``None`` (not understood or out of scope).
    ``intents`` lists every service the message asks for, in the order asked (empty for
    emergencies and out-of-scope messages).
    ``candidates`` is set, with ``intent`` None, when two services scored too close to call:
    the bot asks "Did you mean A or B?".
    ``emergency_kind`` is set with ``intent == "emergency"``: ``"self_harm"`` or ``"danger"``
    (medical emergency, fire, intruder ...), so the reply can lead with the right number.
    ``score`` is the evidence for ``intent`` (the sum of its matched phrase and keyword weights;
    a service needs ``min_score``, 0.75 by default) and 1.0 for emergencies. ``scores`` holds
    every service's evidence and ``evidence`` the vocabulary entries that matched (keys
    ``not:ID`` and ``offer:ID`` for negated words and for needs that were offered as help, and
    ``explained:ID`` for weak words of a service inside a need another service's cue describes).
    ``possible_emergency`` is True when a weak or ambiguous danger cue was found that is not
    an emergency ("someone is at the back door and it's dark"): lead with "If someone is in
    danger now, ring 112 or 999" and still give the best service. Never set for emergencies.
    ``act`` is a conversation act (greeting, thanks, goodbye, acknowledgement, help, robot,
    number, open_now, anyone_there, request_status, talk_to_person, end_chat: the names under
    ``language.acts``) and ``topic`` another matter (council, covid, scam, outside_mayo: the
    names under ``language.topics``); both only with ``intent`` None and no ``candidates``.
    """

    text: str
    intent: str | None
    intents: tuple[str, ...] = ()
    score: float = 0.0
    candidates: tuple[str, ...] = ()
    emergency_kind: str | None = None
    possible_emergency: bool = False
    act: str | None = None
    topic: str | None = None
    scores: dict[str, float] = field(default_factory=dict)
    evidence: dict[str, tuple[str, ...]] = field(default_factory=dict)
    language: str | None = None

    @property
    def is_emergency(self) -> bool:
        return self.intent == EMERGENCY

    def as_json(self) -> dict[str, object]:
        """The stable JSON shape of ``python -m intents classify --json``."""
        return {
            "text": self.text,
            "language": self.language,
            "intent": self.intent,
            "intents": list(self.intents),
            "score": round(self.score, 2),
            "candidates": list(self.candidates),
            "emergency_kind": self.emergency_kind,
            "possible_emergency": self.possible_emergency,
            "act": self.act,
            "topic": self.topic,
        }
