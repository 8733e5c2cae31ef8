"""English emergency wordings added on the safety3 branch (issue 13), each checked with
wording of its own (not the dev batch's), both ways: the danger is caught, and the ordinary
wording that shares its words is not an emergency."""

from __future__ import annotations

import pytest

from intents.classifier import Classifier
from intents.result import EMERGENCY

DANGER = {
    "down-silent": "grandad is lying at the end of the stairs and he hasn't said a word",
    "no-reply-call": "she's in the armchair and doesn't react when I shake her",
    "breath-stops": "my father's breathing keeps stopping, he's asleep in the bed",
    "blue-shade": "the little one has gone a purple colour",
    "hear-intruder": "I can hear footsteps on the landing and there's no one else home, I'm terrified",
    "hear-downstairs": "heard voices downstairs at 4am",
    "face-odd": "her face looks strange and she suddenly can't lift the cup",
    "chest-killing": "my chest is killing me and I'm all clammy",
    "dementia-gone": "my mother has alzheimers and she disappeared out the back door, it's getting dark",
    "confused-out": "granda's confused and he left the house hours ago, no sign",
    "flood-bed": "the water is coming into the house and my father is bedridden",
    "keep-living": "I don't want to keep living, I'm so tired",
    "staring": "dad is staring at the ceiling and won't answer me at all",
    "not-with-it": "auntie is lying on the landing, eyes open, and she's not with it",
    "snoring": "he's sprawled across the hall floor making a snoring sound",
    "one-side": "her whole body went limp on one side",
    "jaw-arm": "pain in my jaw and down the arm and I'm drenched",
    "understand": "dad suddenly can't understand me when I talk to him",
    "shed-night": "fellas trying to get into the shed, it's 3am",
    "filling-water": "the bungalow is filling with water and my wife can't get up",
    "scald": "my son scalded himself with boiling water from the kettle",
    "think-dead": "I think mam is dead on the floor",
    "letters-pills": "I've written the letters and the pills are counted out",
    "pulse": "her breathing is so shallow and I can't find a pulse",
    "head-knock": "he got a knock on the head off the gate and he's been sick twice and is drowsy",
    "under-tractor": "my brother is pinned under the tractor in the field",
    "pill-count": "I've just swallowed 30 paracetamol",
    "lips-pale": "his lips are pale and he's ice cold and won't talk",
    "smashing": "my partner is smashing up the house and I'm hiding in the bathroom",
    "on-the-floor-a-day": "grandad has been on the floor a day and can't get up",
    "smoke-help": "flames in the window next door and the old man is screaming for help",
    "found-hanging": "I came home and found my brother hanging in the garage",
    "tree-car": "a tree landed on the van and my son is trapped",
    "fever-confused": "the baby is burning up and floppy",
    "quiet-rattly": "she's gone very quiet and her breathing sounds bubbly",
    "goodbye-love-her": "this is goodbye, tell my sister I love her",
    "cant-move-side": "my husband woke and can't move his right side",
    "lean-words": "mam is slumped to one side and her words are muddled",
    "door-night": "somebody keeps hammering on the door and it's 3am",
    "torch-garden": "a torch in the yard at 4am and I'm by myself",
    "bedroom-man": "there's a stranger in the bedroom, I'm in the wardrobe",
    "broke-window": "they smashed the glass in the back door and I can hear them inside",
    "blazing": "the cottage is ablaze and my uncle is still inside",
    "pills-hand": "I can't keep going, I've the tablets in my hand",
    "notice-gone": "no one would notice if I was gone for good",
    "nightie": "dad doesn't know where he is and he walked out in his dressing gown",
    "gas-then-fixed-then-smell": "the boiler was fixed last week but now there's a strong smell of gas and I feel dizzy",
    "toilet-door": "mam's been in the bathroom ages and won't open the door or answer me",
    "rash-glass": "the baby has a rash that doesn't fade when I press a glass on it",
    "coin-throat": "my grandson swallowed a marble and he's gagging",
    "goodbye-phone-off": "my sister sent a message saying goodbye and her phone is switched off",
    "hurt-himself": "my son says he's going to hurt himself and he's locked in his room",
    "ceiling": "the bookcase came down and dad is trapped",
    "floor-after-fall": "grandad is on the kitchen floor after a fall and can't get himself up",
    "pain-for-good": "I only want the pain to end for good now",
    "googling": "I was googling how many pills would do it",
    "after-tonight": "I won't be a burden to anyone after tonight",
    "easier-disappeared": "it'd be better for everyone if I just disappeared",
    "bottle-tablets": "I've a bottle of gin here and all my tablets",
    "dog-letters": "I left the dog with the neighbour and wrote to my kids",
    "do-get-different": "I do get chest pains but this is different, crushing, and I'm sweating",
    "reason-living": "what reason have I to keep living",
}
ORDINARY = {
    "habit-get": (
        "I get a tight chest on the cold mornings, can someone bring my groceries",
        "groceries",
    ),
    "gp-aware": (
        "he's short of breath on the hill, the GP is aware, he'd like a hot dinner",
        "hot_meals",
    ),
    "what-if": ("how would I know if my husband is having a heart attack", None),
    "not-suicidal": ("I'm not suicidal, just very lonely, could someone phone me", "friendly_call"),
    "overdose-info": ("is there overdose awareness training for volunteers", "volunteer_groups"),
    "pet": (
        "my cat collapsed and died last night, I'm heartbroken and would like a chat",
        "friendly_call",
    ),
    "keep-living-in": (
        "I don't want to keep living in the cold, can oil be delivered",
        "fuel_delivery",
    ),
    "hair-grey": ("my hair has gone grey from worry, would love a friendly call", "friendly_call"),
    "hear-radio": (
        "I heard on the radio someone in the council is starting lifts to the clinic",
        "medical_transport",
    ),
    "hear-voice": (
        "I'm on my own since Tom died, I'd love to hear someone's voice in the house",
        "friendly_call",
    ),
    "bed-flu": (
        "I'm stuck in bed with the flu, could someone come up with a bit of shopping",
        "groceries",
    ),
    "ring-no-answer": (
        "mam doesn't answer when I ring her, could a volunteer call in for a chat",
        "friendly_call",
    ),
    "fit-to-drop": (
        "I'm fit to collapse at the end of the day, could meals be brought",
        "hot_meals",
    ),
    "sent-home": (
        "they sent me home from A&E after the chest pain, all fine, can someone get my tablets",
        "prescriptions",
    ),
    "nothing-serious": (
        "I banged my head on the cupboard, nothing serious, but can someone get my groceries",
        "groceries",
    ),
    "drowning-post": (
        "I'm drowning in post since the husband died, would like a phone call",
        "friendly_call",
    ),
    "blue-cold": ("my hands are blue with the cold in this house, need coal", "fuel_delivery"),
    "choking-for": ("I'm choking for a cuppa and a chat with someone", "friendly_call"),
    "always-a": ("is a tight chest always a sign of heart trouble, just wondering", None),
    "tablets-a-day": (
        "I've taken 20 tablets a day since the transplant, can they be delivered",
        "prescriptions",
    ),
    "crushed-bills": ("I'm being crushed by the bills, any help with the oil", "fuel_delivery"),
    "fading-signal": ("the phone battery is fading on me, ring back later", None),
    "hanging-around": ("found the teenagers hanging around the hall again, who do I call", None),
    "fire-lit-help": (
        "the fire is lit and I'm shouting for help with the turf, ha, need a delivery",
        "fuel_delivery",
    ),
    "loved-group": ("bye to you all, I loved the Tuesday club so much", None),
    "wanders-habit": (
        "mam has alzheimers and wanders at night, but the doors are locked, we'd love a sitter",
        None,
    ),
    "sleep-forever": (
        "I'm so tired I could sleep for a week, could someone bring me hot dinners",
        "hot_meals",
    ),
    "grip-kettle": (
        "I can't grip the kettle with my arthritis, could I get hot meals",
        "hot_meals",
    ),
    "torch-window": (
        "I keep a torch by the window at night for the power cuts, can someone drop candles",
        None,
    ),
    "bonfire": (
        "the bonfire was blazing and the kids went in close for sausages, great night",
        None,
    ),
    "gone-by-morning": ("I'll be gone by morning to my sister's so cancel tomorrow's dinner", None),
    "room-snores": (
        "there's a man in my room in the home who snores all night, can I be moved",
        None,
    ),
    "gas-fixed": (
        "we smelt gas this morning but the engineer came and it's fixed now, need briquettes",
        "fuel_delivery",
    ),
    "indigestion": (
        "he had a pain in his chest overnight but the doctor said it was only indigestion, can his tablets be collected",
        "prescriptions",
    ),
    "virus-call": (
        "a man rang to say my computer has a virus and it's an emergency, I hung up on him",
        None,
    ),
    "wall-storm": (
        "the garden wall fell in the storm but nobody was under it, who fixes that",
        None,
    ),
    "might-hurt": (
        "he's afraid he might hurt himself on the ice, can someone do his shopping",
        "groceries",
    ),
    "eyes-tired": (
        "my eyes are rolling with tiredness, could someone bring a hot dinner",
        "hot_meals",
    ),
    "after-a-stroke": (
        "my wife is in Castlebar hospital after a stroke, I need a lift in to visit",
        "medical_transport",
    ),
    "bills-choking": (
        "the bills are choking me this winter, any help with the heating oil",
        "fuel_delivery",
    ),
    "bingo-night": (
        "tonight's the night of the bingo, sorry I can't make it, need a lift next week",
        None,
    ),
    "dosette": ("how many tablets does a dosette box hold, sorry, silly question", "prescriptions"),
    "rushes": (
        "he gets chest pains if he rushes, he has his spray, can someone collect the prescription",
        "prescriptions",
    ),
    "scam-link": ("got a text that my account is compromised and to click the link urgently", None),
}


@pytest.mark.parametrize("text", DANGER.values(), ids=list(DANGER))
def test_safety3_danger_is_caught(text: str, classifier: Classifier) -> None:
    assert classifier.classify(text).intent == EMERGENCY


@pytest.mark.parametrize("text,expect", ORDINARY.values(), ids=list(ORDINARY))
def test_safety3_ordinary_is_not_an_emergency(
    text: str, expect: str | None, classifier: Classifier
) -> None:
    result = classifier.classify(text)
    assert result.intent != EMERGENCY
    assert result.intent == expect
