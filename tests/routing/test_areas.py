from __future__ import annotations

import pytest

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
