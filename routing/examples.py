"""Run the routing file's ``examples:`` and list every message that goes to the wrong place."""

from __future__ import annotations

from dataclasses import dataclass

from intents.result import Classification
from routing.errors import ConfigIssue
from routing.model import RoutingTable
from routing.yaml_lines import LineMap

NONE = "none"
EMERGENCY = "emergency"


@dataclass(frozen=True, slots=True)
class ExampleOutcome:
    index: int
    text: str
    expected: tuple[str, ...]  # service ids, ("emergency",), or () for none
    got: tuple[str, ...]
    clarify: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.clarify and set(self.got) == set(self.expected)


def outcome_of(
    index: int, text: str, expected: tuple[str, ...], result: Classification
) -> ExampleOutcome:
    if result.is_emergency:
        got: tuple[str, ...] = (EMERGENCY,)
    else:
        got = result.intents or ((result.intent,) if result.intent else ())
    return ExampleOutcome(index, text, expected, got, tuple(result.candidates))


def run_examples(table: RoutingTable) -> list[ExampleOutcome]:
    return [
        outcome_of(i, e.text, e.expect, table.classifier.classify(e.text))
        for i, e in enumerate(table.examples)
    ]


def _describe(ids: tuple[str, ...]) -> str:
    return " + ".join(ids) if ids else NONE


def misroute_issue(outcome: ExampleOutcome, file: str, lines: LineMap) -> ConfigIssue:
    if outcome.clarify:
        got = "the bot asks to choose between " + " and ".join(outcome.clarify)
    else:
        got = f"it goes to {_describe(outcome.got)}"
    return ConfigIssue(
        file,
        lines.line_of(("examples", outcome.index)),
        f"examples[{outcome.index}]",
        f'"{outcome.text}" should go to {_describe(outcome.expected)}, but {got}',
    )
