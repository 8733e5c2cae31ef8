"""The shipped routing file on wordings in our own words (none from a labelled set): turning a
service down, needs heard without the service's words, second services, other business, Irish.

Each case failed before the change that added the words or rule it exercises.
"""

from __future__ import annotations

import pytest

from intents.classifier import Classifier


def _check(classifier: Classifier, text: str, intents: tuple[str, ...]) -> None:
    result = classifier.classify(text)
    assert result.intents == intents, (result.intents, result.evidence)


@pytest.mark.parametrize(
    ("text", "intents"),
    [
        pytest.param("I wouldn't be wanting the dinners at all at all, but a bag of coal would be great",
                     ("fuel_delivery",), id="wouldnt-be-wanting"),
        pytest.param("I wasn't ringing about the prescription, it's the shopping", ("groceries",),
                     id="wasnt-ringing-about"),
        pytest.param("Please don't phone me, I'm hard of hearing. Could someone drop out turf",
                     ("fuel_delivery",), id="dont-phone-me-is-no-call"),
        pytest.param("The tablets and the shopping I have, what I'm short of is a lift to Castlebar hospital",
                     ("medical_transport",), id="what-im-short-of-is"),
        pytest.param("The oil came this morning, thank God. Now it's the groceries I'm stuck for",
                     ("groceries",), id="it-came-this-morning"),
        pytest.param("the coal was delivered yesterday, thanks. Now it's my tablets I need collected",
                     ("prescriptions",), id="was-delivered"),
        pytest.param("Mam wouldn't take dinners from anyone, no point. She'd love a chat on the phone though",
                     ("friendly_call",), id="wouldnt-take-no-point"),
        pytest.param("Dinners aren't needed, I can still cook fine, but the coal ran out",
                     ("fuel_delivery",), id="i-can-cook-fine-is-no-offer"),
        pytest.param("My grandkids want to help lonely people, could they volunteer?",
                     ("volunteer_groups",), id="could-they-volunteer"),
    ],
)
def test_a_service_turned_down_in_other_words(
    classifier: Classifier, text: str, intents: tuple[str, ...]
) -> None:
    _check(classifier, text, intents)


@pytest.mark.parametrize(
    ("text", "intents"),
    [
        pytest.param("she's not talked to a soul all week", ("friendly_call",), id="not-talked-to-a-soul"),
        pytest.param("not a stick of firewood left in the house", ("fuel_delivery",), id="not-a-stick-left"),
    ],
)
def test_not_describing_a_need_cancels_nothing(
    classifier: Classifier, text: str, intents: tuple[str, ...]
) -> None:
    _check(classifier, text, intents)


@pytest.mark.parametrize(
    ("text", "intents"),
    [
        pytest.param("I'm foundered in this house", ("fuel_delivery",), id="foundered"),
        pytest.param("the cat is the only one I talk to now", ("friendly_call",), id="only-one-i-talk-to"),
        pytest.param("the house is awful quiet since he passed", ("friendly_call",), id="quiet-house"),
        pytest.param("I haven't said a word to another person since Sunday", ("friendly_call",),
                     id="not-spoken-to-anyone"),
        pytest.param("would anyone bring my husband in for his bloods on Thursday",
                     ("medical_transport",), id="bring-someone-in-for-a-visit"),
        pytest.param("my eyes are too bad for driving now and the follow up is in Galway on the 9th",
                     ("medical_transport",), id="cant-drive-and-a-visit-further-apart"),
        pytest.param("no1 to talk 2", ("friendly_call",), id="texting-no1"),
        pytest.param("hosp appt fri, no way in", ("medical_transport",), id="texting-hosp-appt"),
        pytest.param("she'd love a phone call once a week, and her coal is nearly gone",
                     ("friendly_call", "fuel_delivery"), id="a-regular-call-and-fuel"),
        pytest.param("my hip op is next month and I won't be able to drive after it",
                     ("medical_transport",), id="wont-be-able-to-drive-after"),
        pytest.param("who can deliver a load of turf out to Bellacorick", ("fuel_delivery",),
                     id="who-can-deliver-asks"),
    ],
)
def test_needs_heard_without_the_service_words(
    classifier: Classifier, text: str, intents: tuple[str, ...]
) -> None:
    _check(classifier, text, intents)


@pytest.mark.parametrize(
    ("text", "intents"),
    [
        pytest.param("An bhféadfadh duine éigin na hearraí a fháil dom?", ("groceries",),
                     id="na-hearrai"),
        pytest.param("Teastaíonn builín agus bainne uaim", ("groceries",), id="builin-agus-bainne"),
        pytest.param("Ba mhaith liom obair shaorálach a dhéanamh le grúpa cuidithe",
                     ("volunteer_groups",), id="obair-shaoralach"),
        pytest.param("Is saorálaí mé, cá háit ar féidir liom cuidiú?", ("volunteer_groups",),
                     id="saoralai"),
        pytest.param("Ba bhreá liom greim te a fháil sa tráthnóna", ("hot_meals",), id="greim-te"),
    ],
)
def test_irish_shopping_volunteering_and_meals(
    classifier: Classifier, text: str, intents: tuple[str, ...]
) -> None:
    _check(classifier, text, intents)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Is the chemist in Ballinrobe open on a Saturday?", id="chemist-opening-hours"),
        pytest.param("what time does Aldi shut tonight", id="shop-closing-time"),
        pytest.param("I'd like to give my late husband's clothes to a charity shop", id="charity-shop"),
        pytest.param("Just want to say thank you to the lady who did Mam's shopping all winter",
                     id="thanks-for-past-help"),
        pytest.param("thanks a million to the man who brought Dad's dinners all winter",
                     id="thanks-a-million-to"),
        pytest.param("please don't call me on the mobile, I never hear it. A text is best",
                     id="dont-call-me-is-no-call"),
        pytest.param("is there a grant for insulating the walls", id="insulating-is-not-insulin"),
    ],
)
def test_other_business_is_not_routed(classifier: Classifier, text: str) -> None:
    result = classifier.classify(text)
    assert result.intent is None and not result.candidates, result.evidence


def test_other_business_a_later_all_fine_speaks_of_does_not_count(classifier: Classifier) -> None:
    text = "The smoke alarm was beeping but it was only the battery, all fine. Could someone do a shop for me?"
    _check(classifier, text, ("groceries",))


def test_a_hospital_named_park_is_not_a_parking_question(classifier: Classifier) -> None:
    _check(classifier, "my appointment in Merlin Park", ("medical_transport",))


def test_a_request_beside_an_opening_hours_question_is_still_routed(classifier: Classifier) -> None:
    _check(classifier, "Is the chemist open on Saturday? I need my tablets collected", ("prescriptions",))


@pytest.mark.parametrize(
    ("text", "intents"),
    [
        pytest.param("there's food in the house but he can't be bothered cooking for one",
                     ("hot_meals",), id="food-in-but-no-cooking"),
        pytest.param("he misses the craic at the mart", ("friendly_call",), id="misses-the-craic"),
        pytest.param("I've an endoscopy in Castlebar and they won't let me drive after the sedation",
                     ("medical_transport",), id="procedure-and-not-let-drive"),
        pytest.param("my son brings my shopping every Friday. It's the oil I'm worried about",
                     ("fuel_delivery",), id="brings-my-shopping"),
        pytest.param("we have heat and we have food, it's a lift to the clinic I need",
                     ("medical_transport",), id="we-have-heat-and-food"),
    ],
)
def test_more_needs_met_and_described(
    classifier: Classifier, text: str, intents: tuple[str, ...]
) -> None:
    _check(classifier, text, intents)


def test_thanks_passed_on_is_not_a_request(classifier: Classifier) -> None:
    result = classifier.classify("the meals lady was so good to Dad, please thank her")
    assert result.intent is None, result.evidence
