"""Compare ways of telling Irish from English: accuracy on short and long messages, and speed.

    .venv/bin/python bench/language_compare.py                 # our scorer, with and without vocabulary
    /path/to/venv-with-lingua/bin/python bench/language_compare.py   # adds lingua-language-detector

The lingua run needs `pip install lingua-language-detector pyyaml rapidfuzz jsonschema` in a
scratch virtualenv: lingua is ~96 MB installed and is NOT a project dependency (see the figures
in intents/README.md). Sets:
- tests/intents/data/language_messages.yaml: 169 labelled messages (ga, en, or none when nobody
  could tell), short and long, English sentences naming places in Irish, mixed messages;
- every message of the English labelled sets (all English);
- the Irish labelled sets' messages not tagged "mixed" (all Irish).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from intents.classifier import Classifier  # noqa: E402
from intents.language import detect as detect_builtin  # noqa: E402
from intents.vocabulary import Vocabulary  # noqa: E402

DATA = REPO / "tests" / "intents" / "data"
ENGLISH_SETS = [
    "heldout", "probe", "blind", "blind2", "blind3", "realistic",
    "round2_everyday", "round2_hard", "round2_safety",
]
IRISH_SETS = ["round2_irish", "irish_dev", "irish_check"]
Detector = Callable[[str], "str | None"]


def labelled() -> list[tuple[str, str | None]]:
    cases = yaml.safe_load((DATA / "language_messages.yaml").read_text(encoding="utf-8"))["cases"]
    return [(c["text"], c["lang"]) for c in cases]


def whole_sets() -> list[tuple[str, str | None]]:
    found: list[tuple[str, str | None]] = []
    for name in ENGLISH_SETS:
        for case in yaml.safe_load((DATA / f"{name}_messages.yaml").read_text())["cases"]:
            if "irish" not in (case.get("tags") or []):
                found.append((case["text"], "en"))
    for name in IRISH_SETS:
        for case in yaml.safe_load((DATA / f"{name}_messages.yaml").read_text())["cases"]:
            tags = case.get("tags") or []
            if "irish" in tags and "mixed" not in tags:
                found.append((case["text"], "ga"))
    return found


def vocabulary_detector() -> Detector:
    data = yaml.safe_load((REPO / "config" / "routing.yaml").read_text(encoding="utf-8"))
    classifier = Classifier(Vocabulary.from_mapping(data["services"], data["language"]))
    return classifier.detect_language


def lingua_detector(min_confidence: float) -> Detector | None:
    try:
        from lingua import Language, LanguageDetectorBuilder
    except ImportError:
        return None
    detector = LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.IRISH).build()
    codes = {Language.ENGLISH: "en", Language.IRISH: "ga"}

    def detect(text: str) -> str | None:
        values = detector.compute_language_confidence_values(text)
        if not values or values[0].value < min_confidence:
            return None
        return codes[values[0].language]

    return detect


def score(name: str, detect: Detector, rows: list[tuple[str, str | None]], sets: list[tuple[str, str | None]]) -> None:
    right = sum(detect(text) == lang for text, lang in rows)
    short = [(t, lang) for t, lang in rows if len(t.split()) <= 3]
    short_right = sum(detect(t) == lang for t, lang in short)
    english = [t for t, lang in sets if lang == "en"]
    irish = [t for t, lang in sets if lang == "ga"]
    en_as_ga = sum(detect(t) == "ga" for t in english)
    ga_as_en = sum(detect(t) == "en" for t in irish)
    ga_right = sum(detect(t) == "ga" for t in irish)
    en_right = sum(detect(t) == "en" for t in english)
    texts = [t for t, _ in rows] + [t for t, _ in sets]
    times = []
    for _ in range(3):
        for text in texts:
            start = time.perf_counter()
            detect(text)
            times.append(time.perf_counter() - start)
    print(f"{name}")
    print(f"  labelled set: {right}/{len(rows)} = {right / len(rows):.1%}"
          f"   (1-3 words: {short_right}/{len(short)} = {short_right / len(short):.1%})")
    print(f"  English sets: {en_right}/{len(english)} English = {en_right / len(english):.1%},"
          f" {en_as_ga} called Irish")
    print(f"  Irish sets:   {ga_right}/{len(irish)} Irish = {ga_right / len(irish):.1%},"
          f" {ga_as_en} called English")
    print(f"  median {statistics.median(times) * 1e6:.1f} us per message")
    wrong = [(t, lang, detect(t)) for t, lang in rows if detect(t) != lang]
    for text, lang, got in wrong:
        print(f"    {text!r}: expected {lang}, got {got}")


def main() -> None:
    rows = labelled()
    sets = whole_sets()
    score("function words and spelling only (intents.language.detect)", detect_builtin, rows, sets)
    start = time.perf_counter()
    with_vocabulary = vocabulary_detector()
    print(f"(classifier with detector built in {(time.perf_counter() - start) * 1e3:.0f} ms)")
    score("with the routing file's vocabularies (Classification.language)", with_vocabulary, rows, sets)
    for threshold in (0.0, 0.7):
        start = time.perf_counter()
        lingua = lingua_detector(threshold)
        if lingua is None:
            print("lingua-language-detector is not installed: skipped")
            return
        lingua("warm up")
        print(f"(lingua loaded in {(time.perf_counter() - start) * 1e3:.0f} ms)")
        score(f"lingua-language-detector 2.x, English and Irish, None below {threshold}", lingua, rows, sets)


if __name__ == "__main__":
    main()
