"""Reference codes, and the checks on the routing file's referral section."""

from __future__ import annotations

import pytest
import yaml

from bot.referrals import codes
from routing.errors import ConfigError
from routing.loader import load_text

from .support import SHIPPED


@pytest.mark.parametrize(
    "text, expected",
    [
        ("what happened to MAY-7K3Q-XN9?", "MAY-7K3Q-XN9"),
        ("may-7k3q-xn9", "MAY-7K3Q-XN9"),
        ("MAY 7K3Q XN9 please", "MAY-7K3Q-XN9"),
        ("MAY7K3QXN9", "MAY-7K3Q-XN9"),
        ("what happened to MAY-7K3Q?", "MAY-7K3Q"),
        ("MAY 7K3Q please", "MAY-7K3Q"),
        ("I may need help", None),
        ("MAY-0O1I-LZ2", None),
        ("mayhem", None),
    ],
    ids=["sentence", "lower", "spaces", "run-together", "old-four", "old-space", "plain-words",
         "ambiguous-chars", "word"],
)
def test_find_reference(text: str, expected: str | None) -> None:
    assert codes.find_reference(text) == expected


def test_codes_are_readable_and_hard_to_guess() -> None:
    seen = set()
    for _ in range(500):
        code = codes.new_reference()
        assert codes.is_reference(code) and codes.find_reference(code.lower()) == code
        assert not set(code[4:].replace("-", "")) & set("0O1IL25SZ6G8B")
        seen.add(code)
    assert len(seen) == 500
    assert len(codes.ALPHABET) ** codes.LENGTH >= 10**9, "at least a billion references"


def _shipped_with(change: object) -> str:
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    change(data["referrals"])  # type: ignore[operator]
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda r: r["default"].update(to=["nowhere"]),
            '"nowhere" is not defined under referrals.destinations',
        ),
        (lambda r: r.update(fallback="nowhere"), '"nowhere" is not defined'),
        (
            lambda r: r["destinations"]["case_system"].update(url="http://example.org/x"),
            "must start with https://",
        ),
        (
            lambda r: r["destinations"]["case_system"].update(secret_env="my secret"),
            "not an environment variable name",
        ),
        (lambda r: r["messages"].update(confirmed="{nmae}"), "unknown placeholder {nmae}"),
        (
            lambda r: r.update(services={"no_such_service": {}}),
            '"no_such_service" is not a service id',
        ),
    ],
    ids=[
        "unknown-destination",
        "unknown-fallback",
        "plain-http",
        "bad-env-name",
        "placeholder",
        "unknown-service",
    ],
)
def test_referral_section_mistakes_are_reported(change: object, message: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_text(_shipped_with(change), "routing.yaml")
    assert message in str(error.value)


def test_shipped_config_sends_requests_to_the_staff_page() -> None:
    """Out of the box call-backs go to the built-in staff page; the Teams channel and the
    webhook are disabled placeholders until IT fills them in."""
    table = load_text(SHIPPED.read_text(encoding="utf-8"), "routing.yaml")
    config = table.referrals
    assert config is not None
    enabled = [d for d in config.destinations.values() if d.enabled]
    assert [(d.id, d.type) for d in enabled] == [("staff_page", "page")]
    assert all(config.offered_for(s.id) for s in table.services)
