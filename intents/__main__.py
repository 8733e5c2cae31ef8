"""Command line: ``python -m intents classify|evaluate``.

    python -m intents classify --json "I need my prescription collected"
    python -m intents classify --json < messages.txt        (one message per line)
    python -m intents evaluate tests/intents/data/heldout_messages.yaml [--json]

The routing file comes from --config, else $ROUTING_FILE, else config/routing.yaml. The
vocabulary lives in that file, which routing/ owns; which function turns the file into a
classifier is configuration of this command (``INTENTS_CLASSIFIER_LOADER``, default
``routing.loader:classifier_from_file``), resolved by name at run time, so nothing in
intents/ depends on routing/.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TextIO

from intents.classifier import Classifier
from intents.evaluation import CaseError, LabelledCase, evaluate
from intents.report import render

DEFAULT_CONFIG = "config/routing.yaml"


class CliError(Exception):
    """Something the user can fix (bad file, bad config): printed without a traceback."""


DEFAULT_LOADER = "routing.loader:classifier_from_file"


def load_classifier(path: str) -> Classifier:
    """The classifier the bot would use for the routing file at ``path``, from the loader
    named by ``INTENTS_CLASSIFIER_LOADER`` (``module:function``; a problem with the file
    comes back as an exception whose text is for staff: FILE:LINE messages)."""
    spec = os.environ.get("INTENTS_CLASSIFIER_LOADER", "").strip() or DEFAULT_LOADER
    module_name, _, name = spec.partition(":")
    try:
        loader = getattr(importlib.import_module(module_name), name)
    except (ImportError, AttributeError) as exc:
        raise CliError(f"INTENTS_CLASSIFIER_LOADER={spec!r} names no function: {exc}") from exc
    try:
        classifier = loader(path)
    except Exception as exc:  # the loader's own error, e.g. routing's ConfigError
        raise CliError(f"{path} has problems:\n{exc}") from exc
    if not isinstance(classifier, Classifier):
        raise CliError(f"{spec} did not return a classifier")
    return classifier


def read_cases(path: str) -> list[LabelledCase]:
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CliError(f"cannot read {path}: {exc}") from exc
    cases: Any = data.get("cases") if isinstance(data, dict) else None
    if not isinstance(cases, list):
        raise CliError(f"{path} must have a 'cases:' list of {{text: ..., expect: ...}} entries")
    try:
        return [LabelledCase.from_mapping(c, n) for n, c in enumerate(cases, 1)]
    except CaseError as exc:
        raise CliError(f"{path}: {exc}") from exc


def _messages(texts: Sequence[str], stdin: TextIO) -> Iterable[str]:
    if texts:
        yield from texts
    else:
        for line in stdin:
            yield line.rstrip("\r\n")


def cmd_classify(args: argparse.Namespace, out: TextIO) -> int:
    classifier = load_classifier(args.config)
    for text in _messages(args.text, sys.stdin):
        result = classifier.classify(text)
        if args.json:
            out.write(json.dumps(result.as_json(), ensure_ascii=False) + "\n")
        else:
            label = ", ".join(result.intents) or result.intent or "none"
            if result.candidates:
                label += f" (too close to call: {' or '.join(result.candidates)})"
            if result.emergency_kind:
                label += f" ({result.emergency_kind})"
            if result.possible_emergency:
                label += " (possible emergency)"
            if result.act or result.topic:
                label += f" [{'act' if result.act else 'topic'}: {result.act or result.topic}]"
            out.write(f"{label}\t{result.score:.2f}\t{text}\n")
        out.flush()
    return 0


def cmd_evaluate(args: argparse.Namespace, out: TextIO) -> int:
    classifier = load_classifier(args.config)
    cases = read_cases(args.file)
    if args.exclude_tag:
        cases = [c for c in cases if not set(c.tags) & set(args.exclude_tag)]
    report = evaluate(cases, classifier.classify, classifier.services)
    if args.json:
        out.write(json.dumps(report.as_json(), ensure_ascii=False) + "\n")
    else:
        out.write(render(report) + "\n")
    return 0


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        default=os.environ.get("ROUTING_FILE") or DEFAULT_CONFIG,
        help="routing file (default: $ROUTING_FILE or config/routing.yaml)",
    )
    common.add_argument("--json", action="store_true", help="print JSON")
    parser = argparse.ArgumentParser(prog="python -m intents", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    classify = commands.add_parser(
        "classify", parents=[common], help="classify messages (arguments, or one per line on stdin)"
    )
    classify.add_argument("text", nargs="*", help="messages; none: read one per line from stdin")
    classify.set_defaults(run=cmd_classify)
    evaluate_cmd = commands.add_parser(
        "evaluate", parents=[common], help="score the classifier on a labelled YAML file"
    )
    evaluate_cmd.add_argument("file", help="YAML file with a cases: list (text, expect, tags)")
    evaluate_cmd.add_argument(
        "--exclude-tag", action="append", default=[], help="leave out cases with this tag"
    )
    evaluate_cmd.set_defaults(run=cmd_evaluate)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.run(args, out or sys.stdout)
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    raise SystemExit(main())
