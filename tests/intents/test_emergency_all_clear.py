"""Issue 13, pass 2: "it is all over now" (``all_clear``), vocabulary written the way messages are
read (``language.spellings``), habits, a caller's story told by a scammer, and "it's an
emergency" beside a need the rules saw.

The wordings are this file's own. The rules are tested alone with a small vocabulary first, so
each test fails for one reason, then with the shipped vocabulary.
"""

from __future__ import annotations

from typing import Any

import pytest

from intents.classifier import Classifier
from intents.lexicon import Respeller
from intents.normalise import stem
from intents.result import EMERGENCY
from intents.vocabulary import Vocabulary

SERVICES: list[dict[str, Any]] = [
    {"id": "groceries", "phrases": ["need shopping"], "keywords": {"shopping": 1.0}},
]


def _small(emergency: dict[str, Any], **language: Any) -> Classifier:
    emergency = {"danger": ["choking", "collapsed"], **emergency}
    return Classifier(Vocabulary.from_mapping(SERVICES, {"emergency": emergency, **language}))


# -- all_clear, alone ---------------------------------------------------------------------------


def test_an_all_clear_explains_the_alarm_before_it_in_another_clause() -> None:
    text = "he was choking on a crust of bread at lunch. he is grand now"
    # resolved only reaches the same clause: the alarm stands
    assert _small({"resolved": ["grand now"]}).classify(text).is_emergency
    assert not _small({"all_clear": ["grand now"]}).classify(text).is_emergency


def test_an_all_clear_leaves_the_alarm_after_it_standing() -> None:
    c = _small({"all_clear": ["grand now"]})
    assert c.classify("the child is grand now but her father collapsed").is_emergency
    assert c.classify("she is grand now. he collapsed").is_emergency


def test_a_denied_all_clear_explains_nothing() -> None:
    c = _small({"all_clear": ["ok now"], "resolved": ["awake now"], "negators": ["not", "isnt"]})
    assert not c.classify("he collapsed but he is ok now").is_emergency
    assert c.classify("he collapsed and he is not ok now").is_emergency
    assert not c.classify("he collapsed but he is awake now").is_emergency
    assert c.classify("he collapsed and he isnt awake now").is_emergency


def test_an_all_clear_reaches_only_so_far_back() -> None:
    c = _small({"all_clear": ["fine now"]})
    near = "he collapsed in the garden. fine now"
    far = "he collapsed in the garden " + "and " * 14 + "fine now"
    assert not c.classify(near).is_emergency
    assert c.classify(far).is_emergency


def test_self_harm_is_never_cleared() -> None:
    c = _small({"self_harm": ["end it all"], "all_clear": ["all good now"]})
    assert c.classify("I am going to end it all tonight, all good now").emergency_kind == "self_harm"


def test_a_denied_resolved_cue_does_not_silence_the_weak_cues() -> None:
    c = _small({"weak": ["chest pain"], "resolved": ["ok now"], "negators": ["not"]})
    assert c.classify("some chest pain since the walk, I need shopping").possible_emergency
    assert not c.classify("some chest pain earlier but ok now, I need shopping").possible_emergency
    assert c.classify("some chest pain and not ok now, I need shopping").possible_emergency


# -- vocabulary respelled as messages are read --------------------------------------------------


def test_respeller_turns_entries_the_way_messages_are_turned() -> None:
    respell = Respeller({"im": "i am", "rang": "ring"})
    assert respell("im not coming back") == "i am not coming back"
    assert respell("a man rang + <bank> | pin") == "a man ring + <bank> | pin"
    assert respell("<im>") == "<im>"  # family names are left alone
    assert not Respeller({})


def test_an_entry_written_with_a_listed_spelling_still_matches() -> None:
    c = _small({"self_harm": ["im never coming home"]}, spellings={"im": "i am"})
    assert c.classify("Im never coming home").emergency_kind == "self_harm"
    assert c.classify("I'm never coming home").emergency_kind == "self_harm"


# -- habits ------------------------------------------------------------------------------------


@pytest.mark.parametrize("word", ["mornings", "evenings", "nights", "weekends", "afternoons"])
def test_plural_times_of_day_keep_their_plural(word: str) -> None:
    assert stem(word) != stem(word[:-1])


# -- the shipped vocabulary ---------------------------------------------------------------------

CLEARED = {
    "crust-fine": "a crust went down the wrong way and she was choking for a second, she's fine now thanks",
    "pan-sorted": "the frying pan went on fire and the kitchen filled with smoke, all sorted now, nobody was hurt",
    "fall-rain": "dad fell off the step this morning and banged his head. he's right as rain now",
    "alarm-false": "the carbon monoxide alarm went off in the night, it was a false alarm",
    "ga-fine": "Thit Mamó ar maidin ach tá gach rud go breá anois",
}
STILL_DANGER = {
    "fine-then-collapse": "the baby is grand now but my husband just collapsed and won't answer me",
    "not-ok": "mam collapsed in the hall and she is not ok now",
    "fine-then-choking": "I'm fine now. my son is choking on a sweet and can't breathe",
}


@pytest.mark.parametrize("text", CLEARED.values(), ids=list(CLEARED))
def test_a_past_scare_that_is_over_is_not_an_emergency(classifier: Classifier, text: str) -> None:
    result = classifier.classify(text)
    assert not result.is_emergency, result.evidence


@pytest.mark.parametrize("text", STILL_DANGER.values(), ids=list(STILL_DANGER))
def test_an_all_clear_does_not_hide_danger_now(classifier: Classifier, text: str) -> None:
    result = classifier.classify(text)
    assert result.intent == EMERGENCY, result.evidence


def test_a_danger_in_a_scammers_story_is_the_scam_led_by_112(classifier: Classifier) -> None:
    text = "a man phoned saying there's a gas leak on the road and he needs my card number to send someone"
    result = classifier.classify(text)
    assert (result.intent, result.topic, result.possible_emergency) == (None, "scam", True)


def test_a_real_danger_beside_the_word_scammer_stays_an_emergency(classifier: Classifier) -> None:
    result = classifier.classify("there's a scammer after breaking in and he has a knife, help")
    assert result.intent == EMERGENCY, result.evidence


def test_a_declared_emergency_beside_a_need_gives_the_service(classifier: Classifier) -> None:
    result = classifier.classify("its an emergency, there's not a sod of turf left and the house is perishing")
    assert result.intent != EMERGENCY and result.possible_emergency, result.evidence


def test_a_habit_is_not_an_emergency(classifier: Classifier) -> None:
    result = classifier.classify("he won't wake up in the mornings without the alarm, can he get a lift to the day centre")
    assert not result.is_emergency, result.evidence
