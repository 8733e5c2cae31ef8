from __future__ import annotations

import pytest

from routing.phones import parse_phone


@pytest.mark.parametrize(
    ("text", "uri"),
    [
        ("094 906 4660", "tel:+353949064660"),
        ("(094) 906-4660", "tel:+353949064660"),
        ("+353 94 906 4660", "tel:+353949064660"),
        ("00353949064660", "tel:+353949064660"),
        ("01 234 5678", "tel:+35312345678"),
        ("087 123 4567", "tel:+353871234567"),
        ("0818 222 024", "tel:+353818222024"),
        ("1800 700 700", "tel:+3531800700700"),
        ("116 123", "tel:116123"),
        ("112", "tel:112"),
        ("999", "tel:999"),
    ],
    ids=["landline", "brackets", "plus353", "00353", "dublin", "mobile", "0818", "freephone",
         "samaritans", "112", "999"],
)
def test_valid_irish_numbers(text: str, uri: str) -> None:
    phone = parse_phone(text)
    assert phone is not None
    assert phone.uri == uri
    assert phone.display == text


@pytest.mark.parametrize(
    "text",
    ["09490", "1122", "094 906 4660 0000", "+44 20 7946 0958", "phone me", "", "087 123 456",
     "1850 123 456", "0800 123 456"],
    ids=["too-short", "not-112", "too-long", "uk", "words", "empty", "short-mobile",
         "discontinued-1850", "uk-style-0800"],
)
def test_invalid_numbers(text: str) -> None:
    assert parse_phone(text) is None
