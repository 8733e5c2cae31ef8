from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from rapidfuzz import fuzz

from routing import areas
from routing.model import RoutingTable


@pytest.mark.parametrize(
    ("text", "area"),
    [
        ("I live in Castlebar", "castlebar"),
        ("castlebar", "castlebar"),
        ("im in Castlebr", "castlebar"),  # typo
        ("Caisleán an Bharraigh", "castlebar"),
        ("caislean an bharraigh", "castlebar"),  # without fadas
        ("Béal an Átha", "ballina"),
        ("beal an atha", "ballina"),
        ("Béal Átha na Muice", "claremorris_swinford"),
        ("Tuar Mhic Eadaigh", "claremorris_swinford"),
        ("Clár Chlainne Mhuiris", "claremorris_swinford"),
        ("Cathair na Mart", "west_mayo"),
        ("Béal an Mhuirthead", "west_mayo"),
        ("my dad in Bangor Erris", "west_mayo"),
        ("Iorras", "west_mayo"),
        ("Acaill", "west_mayo"),
        ("Achil island", "west_mayo"),  # typo
        ("Westprt", "west_mayo"),  # typo
        ("my Eircode is F23 X2Y4", "castlebar"),
        ("f26", "ballina"),
        ("F12AK34", "claremorris_swinford"),
        ("Killala", "ballina"),
    ],
)
def test_finds_area(table: RoutingTable, text: str, area: str) -> None:
    match = table.area_matcher.find(text)
    assert match is not None, text
    assert match.area_id == area


@pytest.mark.parametrize(
    "text",
    ["I need my shopping done", "", "hello", "Galway", "D02 X285", "ball", "balance", "my wife"],
    ids=["request", "empty", "hello", "other-county", "dublin-eircode", "short-word",
         "similar-word", "common"],
)
def test_no_area(table: RoutingTable, text: str) -> None:
    assert table.area_matcher.find(text) is None


def test_longest_name_wins_over_its_parts(table: RoutingTable) -> None:
    match = table.area_matcher.find("Bangor Erris")
    assert match is not None and match.matched == "bangor erris"


# ---- the per-length candidate table never leaves out a name a typo could match -------------

_NAME = st.text(alphabet="abcdeilnorst ", min_size=1, max_size=40)
_EDIT = st.tuples(
    st.sampled_from(["insert", "delete", "replace"]), st.integers(0, 60), st.sampled_from("aeis ")
)


def _typed(name: str, edits: list[tuple[str, int, str]]) -> str:
    for kind, position, letter in edits:
        i = position % (len(name) + 1)
        if kind == "insert":
            name = name[:i] + letter + name[i:]
        elif name:
            i = min(i, len(name) - 1)
            name = name[:i] + (letter if kind == "replace" else "") + name[i + 1 :]
    return name


@given(st.lists(_NAME, min_size=1, max_size=12), st.integers(0, 11), st.lists(_EDIT, max_size=8))
@example(["west mayo westport belmullet", "cong"], 0, [("insert", 0, "s")] * 6)  # much longer
def test_fuzzy_choices_keep_every_name_a_typo_could_match(
    names: list[str], pick: int, edits: list[tuple[str, int, str]]
) -> None:
    choices = areas._fuzzy_choices(names)
    typed = _typed(names[pick % len(names)], edits)
    matching = [
        n
        for n in names
        if min(len(n), len(typed)) >= areas._FUZZY_MIN_LEN
        and fuzz.ratio(typed, n) >= areas._FUZZY_CUTOFF
    ]
    assert set(matching) <= set(choices.get(len(typed), []))


def test_remembered_fuzzy_matches_answer_as_the_first_time_and_stay_bounded(
    table: RoutingTable, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fuzzy best match of each word group is remembered; a message seen again gets the
    same area, and the memory is cleared rather than grown past its bound."""
    monkeypatch.setattr(areas, "_FUZZY_MEMO_MAX", 50)
    matcher = areas.AreaMatcher(table.areas)
    texts = ["im in Castlebr", "Westprt please", "near Achil island", "my mam in Ballyhanis"]
    first = [matcher.find(t) for t in texts]
    assert first[0] is not None and first[0].area_id == "castlebar"
    for n in range(200):  # distinct word groups, more than the bound
        matcher.find(f"word{n} other{n} more{n}")
        assert len(matcher._memo) <= 50
    assert [matcher.find(t) for t in texts] == first
