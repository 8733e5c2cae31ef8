"""Issue 12.6: the fixed safety suite, with the real classifier and the shipped file."""

from __future__ import annotations

import re

import pytest

from routing.errors import ConfigError
from routing.loader import load_text
from routing.safety import SAFETY_SUITE, SELF_HARM, safety_failures
from tests.routing.conftest import SHIPPED

SHIPPED_TEXT = SHIPPED.read_text(encoding="utf-8")


def test_the_shipped_file_passes_the_suite() -> None:
    table = load_text(SHIPPED_TEXT, "routing.yaml")
    assert safety_failures(table) == []
    assert len(SAFETY_SUITE["en"]) >= 16
    assert sum(c.kind == SELF_HARM for c in SAFETY_SUITE["en"]) >= 6


def _without_emergency_phrases(text: str) -> str:
    """Replace every danger phrase by one harmless entry, as the issue's edit did."""
    start = text.index("    danger: [")
    end = text.index("    self_harm: [")
    return text[:start] + "    danger: [house on fire]\n" + text[end:]


def test_replacing_the_emergency_phrases_is_refused() -> None:
    with pytest.raises(ConfigError) as caught:
        load_text(_without_emergency_phrases(SHIPPED_TEXT), "routing.yaml")
    messages = [i.message for i in caught.value.issues]
    assert any(
        m.startswith('safety check: "my mother collapsed and is not breathing" must get the '
                     "emergency reply (112 or 999), but it gets the")
        for m in messages
    ), messages
    assert all(i.path == "language.emergency" for i in caught.value.issues)


def test_an_emergency_reply_without_112_or_999_is_refused() -> None:
    text = SHIPPED_TEXT.replace(
        'en: "If someone is in danger or seriously ill, call 112 or 999 now."',
        'en: "If someone is in danger or seriously ill, ring your GP."',
    )
    with pytest.raises(ConfigError) as caught:
        load_text(text, "routing.yaml")
    (issue,) = caught.value.issues
    assert issue.path == "emergency.danger.text.en"
    assert issue.message.startswith('must say "112 or 999"')


def test_an_irish_emergency_reply_without_112_or_999_is_refused() -> None:
    """Each language version is checked with its own safety words."""
    text = SHIPPED_TEXT.replace(
        'ga: "Má tá duine i mbaol nó an-tinn, glaoigh ar 112 nó 999 anois."',
        'ga: "Má tá duine i mbaol nó an-tinn, glaoigh ar do dhochtúir."',
    )
    with pytest.raises(ConfigError) as caught:
        load_text(text, "routing.yaml")
    (issue,) = caught.value.issues
    assert issue.path == "emergency.danger.text.ga"
    assert issue.message.startswith('must say "112 nó 999"')


def test_self_harm_reply_must_name_the_samaritans() -> None:
    text = re.sub(r"please call Samaritans free on 116 123, any time, day or night\. ", "", SHIPPED_TEXT)
    with pytest.raises(ConfigError) as caught:
        load_text(text, "routing.yaml")
    (issue,) = caught.value.issues
    assert issue.path == "emergency.self_harm.text.en"
    assert 'must say "Samaritans on 116 123"' in issue.message
