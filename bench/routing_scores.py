"""Routing scores on every labelled set, one line each: how a classifier change moves them.

    .venv/bin/python bench/routing_scores.py [--config config/routing.yaml] [--sets a,b] [--misses]

Columns: right service (in scope), two or more services found, out of scope not routed,
emergency recall, false emergencies, and the negation and indirect tags. None of these sets is
blind: they are all studied (see tests/intents/data/*_first_run.txt for first runs), so the
figures show regressions and progress, not what unseen messages will get.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from intents.__main__ import load_classifier, read_cases  # noqa: E402
from intents.evaluation import evaluate  # noqa: E402

DATA = REPO / "tests" / "intents" / "data"
SETS = [
    "round2_everyday", "round2_safety", "round2_hard", "round2_irish", "round3_general",
    "round3_safety", "round3_hard", "round3_irish", "classify_dev", "classify_holdout",
    "accuracy_dev", "accuracy_dev2", "accuracy_heldout", "heldout", "probe", "blind", "blind2",
    "blind3", "realistic", "safety_dev", "safety_dev2", "safety_dev3", "safety_heldout",
    "safety2_heldout", "irish_check", "irish_dev", "irish_dev2", "irish_dev3", "irish_dev4",
    "irish_dev5", "irish_dev6", "safety3_dev", "round4_everyday", "round4_irish", "round4_hard",
    "irish4_dev", "safety4_dev", "services5_dev", "round5_en_a", "round5_en_b", "round5_ga_a",
    "round5_ga_b", "round6_en", "round6_ga", "round7_en", "round7_ga", "round8_en", "round8_ga",
    "round9_en", "round9_ga", "safety6_dev", "safety7_dev", "selfharm7_dev", "irish5_dev", "routing7_dev",
]


def _path(name: str) -> Path:
    if name == "dev_set":
        for up in (REPO / "..", REPO / ".." / ".."):
            if (up / "shared" / "data" / "dev_messages.yaml").exists():
                return up / "shared" / "data" / "dev_messages.yaml"
    return DATA / f"{name}_messages.yaml"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", default=str(REPO / "config" / "routing.yaml"))
    parser.add_argument("--sets", default=",".join(["dev_set", *SETS]))
    parser.add_argument("--misses", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    classifier = load_classifier(args.config)
    print(f"built in {(time.perf_counter() - started) * 1000:.0f} ms")
    head = f"{'set':16} " + " ".join(
        f"{h:>15}" for h in ("in scope", "multi", "oos", "emerg")
    ) + f" {'false':>5} {'negation':>15} {'indirect':>15}"
    print(head)
    totals: dict[str, list[int]] = {}
    for name in args.sets.split(","):
        path = _path(name)
        if not path.exists():
            continue
        report = evaluate(read_cases(str(path)), classifier.classify, classifier.services)

        def cell(key: str, rate: object) -> str:
            hits, total = getattr(rate, "hits", 0), getattr(rate, "total", 0)
            sums = totals.setdefault(key, [0, 0])
            sums[0] += hits
            sums[1] += total
            return f"{hits / total:6.1%} {hits}/{total}" if total else "-"

        g = report.groups
        none = type(report.emergency_recall)(0, 0)
        cells = [
            cell("in", g.get("in_scope", none)),
            cell("multi", g.get("multi", none)),
            cell("oos", report.out_of_scope_rejection),
            cell("em", report.emergency_recall),
        ]
        tags = [cell(t[:3], report.per_tag.get(t, none)) for t in ("negation", "indirect")]
        print(f"{name:16}", *(f"{c:>15}" for c in cells), f"{report.false_emergencies:5}",
              *(f"{c:>15}" for c in tags))
        if args.misses:
            for o in report.misses:
                got = "+".join(o.result.intents) or o.result.intent or "none"
                expect = o.case.expect if not isinstance(o.case.expect, tuple) else "+".join(o.case.expect)
                print(f"    {expect} <- {got}: {o.case.text[:150]}")
    print(
        "all sets".ljust(18),
        *(f"{k} {h / t:.1%} ({h}/{t})" for k, (h, t) in totals.items() if t),
    )


if __name__ == "__main__":
    main()
