"""Issue 18: the routing file in English and Irish. Every citizen-facing text of the shipped
file has its Irish; ``check`` lists a text that lacks it and checks each version with its own
safety words; the router writes every reply in the language asked for, hours sentences and
card labels included."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from routing.hours import Schedule, SpecialHours, TimeRange, parse_day_hours
from routing.hours_text import ENGLISH, HOURS_WORDS, IRISH, clock, describe, tidy
from routing.loader import check_text, load_text
from routing.reply import ConversationFacts
from routing.router import Router
from routing.safety import SAFETY_SUITE, safety_failures
from routing.translations import citizen_texts, untranslated
from routing.yaml_lines import parse
from tests.routing.conftest import FIXTURES, SHIPPED
from tests.routing.fakes import keyword_factory

ROOT = Path(__file__).resolve().parents[2]
SHIPPED_TEXT = SHIPPED.read_text(encoding="utf-8")
VALID = (FIXTURES / "valid.yaml").read_text(encoding="utf-8")
DUBLIN = ZoneInfo("Europe/Dublin")
WEDNESDAY_EVENING = dt.datetime(2026, 11, 25, 21, 30, tzinfo=DUBLIN)
JUNE = dt.date(2026, 6, 1)
# Names that are the same in both languages.
# Texts that read the same in both languages: a name, and the live chat's "{staff}: {text}"
# (a staff member's first name before their own words).
SAME_IN_BOTH = {"HSELive", "{staff}: {text}"}


def _warnings(text: str) -> list[str]:
    checked = check_text(text, "x.yaml", classifier_factory=keyword_factory, today=JUNE)
    assert checked.ok, checked.issues
    return [str(w) for w in checked.warnings]


def _problems(text: str) -> list[str]:
    checked = check_text(text, "x.yaml", classifier_factory=keyword_factory, today=JUNE)
    return [str(i) for i in checked.issues]


# ---- the shipped file --------------------------------------------------------------------------
def test_every_citizen_facing_text_of_the_shipped_file_has_its_irish() -> None:
    data, _ = parse(SHIPPED_TEXT)
    texts = citizen_texts(data)
    assert len(texts) >= 130
    assert untranslated(data) == []
    assert [t.en for t in texts if t.ga == t.en] == sorted(SAME_IN_BOTH)
    assert _warnings(SHIPPED_TEXT) == []


def test_the_shipped_irish_uses_the_standard_terms_and_irish_place_names() -> None:
    data, _ = parse(SHIPPED_TEXT)
    irish = " ".join(t.ga or "" for t in citizen_texts(data))
    for term in ("oideas", "cógas", "phoitigéara", "béilí", "siopadóireacht", "earraí grósaera",
                 "gual", "móin", "síob", "grúpaí deonacha", "éigeandáil"):  # fmt: skip
        assert term in irish.lower(), term
    for place in ("Béal an Átha", "Caisleán an Bharraigh", "Cathair na Mart", "Béal an Mhuirthead"):
        assert place in irish, place


# ---- check -------------------------------------------------------------------------------------
def test_check_lists_a_text_that_has_no_irish() -> None:
    text = SHIPPED_TEXT.replace(
        '\n    title: {en: "Hot meals", ga: "Béilí te"}', '\n    title: "Hot meals"'
    ).replace('    ga: "Seo cé atá in ann cabhrú:"\n', "")
    line = SHIPPED_TEXT[: SHIPPED_TEXT.index('\n    title: {en: "Hot meals"')].count("\n") + 2
    warnings = _warnings(text)
    assert f"x.yaml:{line}: warning: services.hot_meals.title: has no Irish version, so people " \
        'writing in Irish read "Hot meals" in English — write it as {en: "...", ga: "..."} with ' \
        "the Irish beside the English" in warnings
    assert any("messages.routed: has no Irish version" in w for w in warnings)
    assert len(warnings) == 2


def test_an_english_only_file_is_not_warned_about() -> None:
    assert _warnings(VALID) == []


def test_the_irish_version_is_checked_with_irish_safety_words_and_the_same_placeholders() -> None:
    text = VALID.replace(
        '  helpline: "You can also ring the {name} on {phone}, {hours}."',
        '  helpline:\n    en: "You can also ring the {name} on {phone}, {hours}."\n'
        '    ga: "Is féidir leat glaoch ar {name}, {hours}."',
    ).replace(
        '  fallback: "Sorry, I didn\'t understand that. If anyone is in danger, call 112 or 999."',
        '  fallback:\n    en: "Sorry, I didn\'t understand that. If anyone is in danger, call 112 or 999."\n'
        '    ga: "Tá brón orm, níor thuig mé. In éigeandáil, glaoigh ar an otharcharr."',
    )
    assert text != VALID
    problems = _problems(text)
    assert any("messages.helpline.ga: must keep {phone}" in p for p in problems), problems
    assert any('messages.fallback.ga: must say "112 nó 999"' in p for p in problems), problems
    assert not any(".en:" in p for p in problems), problems


@pytest.mark.parametrize(
    "value, expected",
    [
        ('{en: "Hot meals", gae: "Béilí te"}', 'unknown setting "gae" — did you mean "ga"?'),
        ('{ga: "Béilí te"}', '"en" is missing'),
        ("{en: Hot meals, ga: }", "ga: is empty — write the text after the colon"),
        ("[Hot meals, Béilí te]", "should be text, not a list"),
    ],
    ids=["typo", "no-english", "empty-irish", "a-list"],
)
def test_the_shape_of_a_text_is_explained(value: str, expected: str) -> None:
    text = SHIPPED_TEXT.replace(
        '\n    title: {en: "Hot meals", ga: "Béilí te"}', f"\n    title: {value}"
    )
    problems = _problems(text)
    assert any(expected in p for p in problems), problems


def test_check_names_the_irish_safety_messages(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "routing", "check", str(SHIPPED), "--no-regression"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    english, irish = len(SAFETY_SUITE["en"]), len(SAFETY_SUITE["ga"])
    assert (
        f"{english + irish} safety messages ({english} in English, {irish} in Irish) all get the "
        "emergency reply" in done.stdout
    )


def test_the_irish_safety_suite_passes_on_the_shipped_file() -> None:
    table = load_text(SHIPPED_TEXT, "routing.yaml")
    assert safety_failures(table, "ga") == []
    assert len(SAFETY_SUITE["ga"]) >= 9


# ---- hours in Irish ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "t, english, irish",
    [
        (dt.time(9, 0), "9am", "9 r.n."),
        (dt.time(17, 30), "5:30pm", "5.30 i.n."),
        (dt.time(12, 0), "12pm", "meán lae"),
        (dt.time(0, 0), "12am", "12 r.n."),
    ],
)
def test_times(t: dt.time, english: str, irish: str) -> None:
    assert clock(t, HOURS_WORDS["en"]) == english
    assert clock(t, HOURS_WORDS["ga"]) == irish


def _schedule(**days: str) -> Schedule:
    keys = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    weekly = tuple(parse_day_hours(days[k]) if k in days else () for k in keys)
    return Schedule("s", "", weekly)


def test_hours_sentences_in_irish() -> None:
    nine_to_five = parse_day_hours("9am-5pm")
    every_day = Schedule("s", "", (nine_to_five,) * 7, closed_lists=("public_holidays",))
    assert describe(every_day, IRISH) == (
        "ó 9 r.n. go 5 i.n., 7 lá na seachtaine (dúnta ar laethanta saoire poiblí)"
    )
    assert describe(every_day, ENGLISH) == "9am to 5pm, 7 days a week (closed on public holidays)"
    weekdays = {d: "9am-1pm, 2pm-5pm" for d in ("monday", "tuesday", "wednesday", "thursday", "friday")}
    assert describe(_schedule(**weekdays, saturday="10am-12pm"), IRISH) == (
        "Dé Luain go Dé hAoine ó 9 r.n. go 1 i.n. agus ó 2 i.n. go 5 i.n., "
        "Dé Sathairn ó 10 r.n. go meán lae"
    )
    night = Schedule("n", "", (parse_day_hours("8pm-8am"),) * 7)
    assert describe(night, IRISH) == "ó 8 i.n. go 8 r.n., 7 lá na seachtaine"
    always = Schedule("a", "", ((TimeRange(dt.time(0), dt.time.max),),) * 7)
    assert describe(always, IRISH) == "24 uair an chloig sa lá, 7 lá na seachtaine"
    christmas = Schedule(
        "c", "", (nine_to_five,) * 7,
        frozenset({dt.date(2026, 12, 25)}), (SpecialHours(dt.date(2026, 12, 24), dt.date(2026, 12, 24),
                                                          parse_day_hours("10am-2pm")),),
        (), (dt.date(2026, 12, 25),),
    )  # fmt: skip
    assert describe(christmas, IRISH, dt.date(2026, 12, 20)) == (
        "ó 9 r.n. go 5 i.n., 7 lá na seachtaine (dúnta ar an 25 Nollaig). "
        "Uaireanta speisialta: an 24 Nollaig ó 10 r.n. go 2 i.n."
    )


def test_one_full_stop_after_an_irish_time() -> None:
    assert tidy("Osclóidh sé amárach ag 9 r.n..") == "Osclóidh sé amárach ag 9 r.n."
    assert tidy("Open at 9am.") == "Open at 9am."


# ---- the router in Irish -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def shipped() -> Router:
    return Router(load_text(SHIPPED_TEXT, "routing.yaml"))


def test_the_router_writes_in_the_language_asked_for(shipped: Router) -> None:
    irish = shipped.in_("ga")
    assert irish is shipped.in_("ga") and irish.in_("en") is shipped and shipped.in_("xx") is shipped
    reply = irish.respond("hot meals", ConversationFacts(), WEDNESDAY_EVENING)
    assert reply.language == "ga" and reply.title == "Béilí te"
    assert "Dúnta anois. Osclóidh sé amárach ag 9 r.n.\n" in reply.text + "\n", reply.text
    assert "Uaireanta: ó 9 r.n. go 5 i.n., 7 lá na seachtaine" in reply.text
    assert "Bíodh seo réidh agat: D'ainm, do sheoladh agus d'Éirchód; Aon riachtanais aiste bia" in reply.text
    assert (reply.labels.phone, reply.labels.call) == ("Fón", "Glaoigh ar {phone}")
    (contact,) = reply.contacts
    assert contact.name == "Líne Chabhrach Tacaíochta Pobail Chomhairle Contae Mhaigh Eo"
    assert contact.phone == "094 906 4660"
    english = shipped.respond("hot meals", ConversationFacts(), WEDNESDAY_EVENING)
    assert english.language == "en" and english.labels.phone == "Phone" and english.title == "Hot meals"


def test_a_text_without_irish_falls_back_to_english(tmp_path: Path) -> None:
    text = SHIPPED_TEXT.replace(
        '\n    title: {en: "Hot meals", ga: "Béilí te"}', '\n    title: "Hot meals"'
    )
    router = Router(load_text(text, "routing.yaml")).in_("ga")
    reply = router.respond("béile te", ConversationFacts(), WEDNESDAY_EVENING)
    assert reply.title == "Hot meals" and reply.text.startswith("Seo cé atá in ann cabhrú:")


def test_the_bilingual_welcome(shipped: Router) -> None:
    welcome = shipped.welcome(WEDNESDAY_EVENING, bilingual=True)
    paragraphs = welcome.text.split("\n\n")
    assert paragraphs[0].startswith("Dia duit!") and paragraphs[1].startswith("Hello!")
    assert "- Béilí te / Hot meals" in paragraphs[2]
    assert paragraphs[3].startswith("Is féidir leat glaoch freisin") and paragraphs[4].startswith("You can")
    labels = [c.label for c in welcome.choices]
    values = [c.value for c in welcome.choices]
    assert labels[:2] == ["Gaeilge", "English"] and values[:2] == ["language:ga", "language:en"]
    assert "Labhair le duine / Talk to someone" in labels
    irish = shipped.in_("ga").welcome(WEDNESDAY_EVENING)
    assert [c.label for c in irish.choices][-1] == "English" and "Hello" not in irish.text


def test_an_english_only_file_has_no_language_buttons() -> None:
    router = Router(load_text(VALID, "x.yaml", classifier_factory=keyword_factory))
    welcome = router.welcome(bilingual=True)
    assert "language:" not in " ".join(c.value for c in welcome.choices)
    assert welcome.text.startswith("Hello")


def test_try_answers_in_the_language_of_the_message(capsys: pytest.CaptureFixture[str]) -> None:
    from routing.__main__ import main

    at = ["--file", str(SHIPPED), "--at", "25/11/2026 21:30"]
    assert main(["try", *at, "Tá oideas agam le bailiú"]) == 0
    out = capsys.readouterr().out
    assert "Language: Irish (written in Irish)" in out
    assert 'offered for prescriptions as "Iarr orthu glaoch ar ais orm"' in out
    assert "Dúnta anois. Osclóidh sé amárach ag 9 r.n.\n" in out
    assert main(["try", *at, "--language", "ga", "hot meals"]) == 0
    assert "Seo cé atá in ann cabhrú:" in capsys.readouterr().out
    assert main(["try", *at, "--welcome"]) == 0
    welcome = capsys.readouterr().out
    assert welcome.index("Dia duit!") < welcome.index("Hello!")
    assert "Buttons:  Gaeilge | English | Bailiú oideas / Prescription collection" in welcome
