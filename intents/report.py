"""Render an EvaluationReport as plain text for staff."""

from __future__ import annotations

from intents.evaluation import CLARIFY_LABEL, NONE_LABEL, EvaluationReport, Rate


def _pct(rate: Rate) -> str:
    return f"{100 * rate.rate:5.1f}%  ({rate.hits}/{rate.total})"


def render(report: EvaluationReport) -> str:
    lines: list[str] = [f"Cases: {report.cases}", "", "Accuracy by kind of message"]
    names = {
        "in_scope": "in scope (right service)",
        "out_of_scope": "out of scope rejected",
        "emergency": "emergency recall",
        "multi": "two or more services found",
    }
    for group, rate in report.groups.items():
        lines.append(f"  {names.get(group, group):30s} {_pct(rate)}")
    lines.append(f"  {'false emergencies':30s} {report.false_emergencies}")
    lines.append(f"  {'clarifying questions asked':30s} {report.clarifications}")

    lines += ["", "Per service              precision  recall      F1  cases"]
    shown = {s: m for s, m in report.per_service.items() if m.support or m.precision}
    averages = [("(micro average)", report.micro), ("(macro average)", report.macro)]
    for service, m in [*shown.items(), *averages]:
        lines.append(
            f"  {service:22s} {100 * m.precision:8.1f}% {100 * m.recall:6.1f}%"
            f" {100 * m.f1:6.1f}%  {m.support:5d}"
        )

    lines += ["", "Confusion matrix (rows: expected, columns: got)"]
    columns = sorted({c for row in report.confusion.values() for c in row}, key=_label_order)
    rows = sorted(report.confusion, key=_label_order)
    width = max([len(c) for c in columns + rows] + [6])
    lines.append("  " + " " * width + " " + " ".join(f"{c[:width]:>{width}s}" for c in columns))
    for row in rows:
        counts = " ".join(f"{report.confusion[row].get(c, 0) or '.':>{width}}" for c in columns)
        lines.append(f"  {row:{width}s} {counts}")

    if report.per_tag:
        lines += ["", "Accuracy by tag"]
        for tag, rate in report.per_tag.items():
            lines.append(f"  {tag:30s} {_pct(rate)}")

    lines += ["", f"Misclassified ({len(report.misses)})"]
    for o in report.misses:
        expect = o.case.expected_label
        if isinstance(o.case.expect, tuple):
            expect = "+".join(o.case.expect)
        got = "+".join(o.result.intents) if len(o.result.intents) > 1 else o.predicted_label
        if o.result.candidates:
            got += f" ({' or '.join(o.result.candidates)})"
        ranked = sorted(o.result.scores.items(), key=lambda kv: -kv[1])
        scores = ", ".join(f"{k} {v:.2f}" for k, v in ranked)
        lines.append(f"  {o.case.text!r}")
        lines.append(f"      expected {expect}, got {got}; scores: {scores or 'none'}")
    return "\n".join(lines)


def _label_order(label: str) -> tuple[int, str]:
    special = {NONE_LABEL: 2, CLARIFY_LABEL: 3, "emergency": 1, "multi": 4}
    return (special.get(label, 0), label)
