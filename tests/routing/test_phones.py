from __future__ import annotations

import pytest

from routing.phones import parse_phone


@pytest.mark.parametrize(
    ("text", "uri", "display"),
    [
        ("094 906 4660", "tel:+353949064660", "094 906 4660"),
        ("(094) 906-4660", "tel:+353949064660", "094 906 4660"),
        ("+353 94 906 4660", "tel:+353949064660", "094 906 4660"),
        ("+353 (0)94 906 4660", "tel:+353949064660", "094 906 4660"),
        ("+353 (0) 94 9064660", "tel:+353949064660", "094 906 4660"),
        ("00353949064660", "tel:+353949064660", "094 906 4660"),
        ("0949064660", "tel:+353949064660", "094 906 4660"),
        ("094 906 4660 ext 21", "tel:+353949064660;ext=21", "094 906 4660, extension 21"),
        ("094-906-4660 ext. 214", "tel:+353949064660;ext=214", "094 906 4660, extension 214"),
        ("+353 (0)94 906 4660 extension 3", "tel:+353949064660;ext=3", "094 906 4660, extension 3"),
        ("094 906 4660 x12", "tel:+353949064660;ext=12", "094 906 4660, extension 12"),
        ("01 234 5678", "tel:+35312345678", "01 234 5678"),
        ("087 123 4567", "tel:+353871234567", "087 123 4567"),
        ("0871234567", "tel:+353871234567", "087 123 4567"),
        ("0818 222 024", "tel:+353818222024", "0818 222 024"),
        ("1800 700 700", "tel:+3531800700700", "1800 700 700"),
        ("116 123", "tel:116123", "116 123"),
        ("116123", "tel:116123", "116 123"),
        ("112", "tel:112", "112"),
        ("999", "tel:999", "999"),
    ],
    ids=["landline", "brackets", "plus353", "plus353-trunk-zero", "trunk-zero-spaced", "00353",
         "no-spaces", "ext", "ext-dot", "extension-word", "x", "dublin", "mobile",
         "mobile-no-spaces", "0818", "freephone", "samaritans", "samaritans-no-space", "112",
         "999"],
)
def test_valid_irish_numbers_are_shown_in_one_format(text: str, uri: str, display: str) -> None:
    phone = parse_phone(text)
    assert phone is not None
    assert phone.uri == uri
    assert phone.display == display


def test_emergency_numbers_are_known() -> None:
    assert parse_phone("112").is_emergency and parse_phone("999").is_emergency  # type: ignore[union-attr]
    assert not parse_phone("116 123").is_emergency  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "text",
    ["09490", "1122", "094 906 4660 0000", "+44 20 7946 0958", "phone me", "", "087 123 456",
     "1850 123 456", "0800 123 456", "112 ext 4", "0044 20 7946 0958", "\u201c094 906 4660\u201d"],
    ids=["too-short", "not-112", "too-long", "uk", "words", "empty", "short-mobile",
         "discontinued-1850", "uk-style-0800", "emergency-extension", "uk-00", "curly-quotes"],
)
def test_invalid_numbers(text: str) -> None:
    assert parse_phone(text) is None
