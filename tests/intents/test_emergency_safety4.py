"""English emergency families added on the safety4 branch (issue 13), each checked with wording
of its own (not the safety4 dev batch's), both ways: the indirect emergency is caught, and the
ordinary message that shares its words is not an emergency (and goes to its service)."""

from __future__ import annotations

import pytest

from intents.classifier import Classifier
from intents.result import EMERGENCY

DANGER = {
    # someone inside, and the writer alone, said plainly
    "heard-alone": "I heard a man in the hall and I'm here on my own",
    "sound-no-hear": "footsteps in the back room and I live alone",
    "someone-inside-alone": "there's somebody in the kitchen, I'm by myself and scared",
    # a sudden collapse said plainly
    "dropped-stone": "my uncle went down like a stone at the sink",
    "hit-floor": "grandad just hit the floor beside the range",
    "slid-chair": "she slid off her chair at the table",
    "dropped-middle": "mam just dropped in the middle of the yard",
    # a habit, then "but" and something new
    "habit-but": "his sugar is often low but he's not responding to me",
    "usually-but-slurred": "she's usually a bit vague but this time her speech is slurred and her face dropped",
    "thunderclap": "a headache came on him like a thunderclap, the worst he has ever had",
    "right-arm": "dad is talking gibberish and can't raise his left arm",
}
SELF_HARM = {
    "join-tonight": "tonight I'll join my husband, I miss him too much",
    "join-without": "I'm going to be with my daughter, I can't live without her",
    "done-despair": "I'm finished, I can't face another day like this",
    "done-another": "I give up, I can't take one more day of it",
    "eyes-for-good": "all I want is to close my eyes for good",
}
ORDINARY = {
    "company-hear": ("it would be lovely to hear somebody in the house, I'm on my own", "friendly_call"),
    "join-place": ("I'm going to join my son in Galway for Easter so stop the dinners that week", "hot_meals"),
    "join-not-me": ("my aunt is going to join my mother tonight, could someone get her tablets", "prescriptions"),
    "done-shopping": ("I'm done with the chemist in town, can a volunteer bring my tablets out", "prescriptions"),
    "another-day-rain": ("can't take another day of this wind, any chance of coal delivered", "fuel_delivery"),
    "dropped-in": ("he just dropped in for tea, he's a great neighbour", None),
    "keel": ("who do I ring to get dinners dropped to my father in Keel", "hot_meals"),
    "habit-but-after": ("she gets breathless on the stairs but the doctor knows, she needs a lift to the clinic", "medical_transport"),
    "story-film": ("there was a woman taking an overdose in the film we watched, awful sad", None),
    "story-telly": ("on the telly tonight a man had a stroke in the soap", None),
    "scam-crash": ("a text said my daughter was in a car crash and to send money to a new number", None),
}
# self-harm told as history beside a recovery: lead with 112/999, give the service
RECOVERED = {
    "used-to": ("I used to self harm years ago, I'm doing great now and want to volunteer with a group", "volunteer_groups"),
    "tried-years": ("she tried to take her own life years back, she's on the mend, she'd like a weekly phone call", "friendly_call"),
}
# the same history, but happening again now: still the Samaritans reply
STILL_SELF_HARM = {
    "again-tonight": "I used to self harm and I'm doing better but I'm cutting myself again tonight",
    "recovered-then-now": "years ago I tried to end my life, I'm doing well, but now I want to die",
    "no-recovery": "I used to self harm and I still think of killing myself",
}


@pytest.mark.parametrize("text", DANGER.values(), ids=DANGER.keys())
def test_indirect_danger_is_an_emergency(text: str, classifier: Classifier) -> None:
    result = classifier.classify(text)
    assert result.intent == EMERGENCY, result.evidence


@pytest.mark.parametrize("text", SELF_HARM.values(), ids=SELF_HARM.keys())
def test_veiled_self_harm(text: str, classifier: Classifier) -> None:
    result = classifier.classify(text)
    assert (result.intent, result.emergency_kind) == (EMERGENCY, "self_harm"), result.evidence


@pytest.mark.parametrize(("text", "expect"), ORDINARY.values(), ids=ORDINARY.keys())
def test_ordinary_wording_is_not_an_emergency(text: str, expect: str | None, classifier: Classifier) -> None:
    result = classifier.classify(text)
    assert result.intent != EMERGENCY, result.evidence
    assert result.intent == expect, result.evidence


@pytest.mark.parametrize(("text", "expect"), RECOVERED.values(), ids=RECOVERED.keys())
def test_self_harm_history_with_recovery_gives_the_service(
    text: str, expect: str, classifier: Classifier
) -> None:
    result = classifier.classify(text)
    assert result.intent == expect, result.evidence
    assert result.possible_emergency  # still leads with 112/999


@pytest.mark.parametrize("text", STILL_SELF_HARM.values(), ids=STILL_SELF_HARM.keys())
def test_self_harm_now_beside_a_history_stays_self_harm(text: str, classifier: Classifier) -> None:
    result = classifier.classify(text)
    assert (result.intent, result.emergency_kind) == (EMERGENCY, "self_harm"), result.evidence
