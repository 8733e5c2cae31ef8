"""Does Snowball's Irish stemmer earn its place next to intents/irish.py's own demutation?

    /path/to/venv-with-snowballstemmer/bin/python bench/irish_stemmer_compare.py

Needs `pip install snowballstemmer pyyaml rapidfuzz jsonschema` in a scratch virtualenv (it is
not a project dependency). Builds the shipped classifier twice, once with our demutation and
once with Snowball's Irish stemmer in its place (for vocabulary words and, gated the same way,
for message words), and compares accuracy on the Irish and English labelled sets, the time per
message and what each does to sample words.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import intents.bilingual  # noqa: E402
import intents.irish  # noqa: E402
import intents.language  # noqa: E402
import intents.lexicon  # noqa: E402
from intents.classifier import Classifier  # noqa: E402
from intents.evaluation import LabelledCase, evaluate  # noqa: E402
from intents.vocabulary import Vocabulary  # noqa: E402

DATA = REPO / "tests" / "intents" / "data"
IRISH = ["irish_dev", "round2_irish"]
ENGLISH = ["heldout", "probe", "blind", "realistic"]
SAMPLE = (
    "chógas gcógas cógais bhfuil dtí ngual tsiopadóireacht siopadóireachta t-ospidéal "
    "tospidéal hospidéal béilí oibrithe cuairteanna cúnamh tachtadh the shopping phone chemist"
).split()


def cases(name: str, irish: bool) -> list[LabelledCase]:
    raw = yaml.safe_load((DATA / f"{name}_messages.yaml").read_text(encoding="utf-8"))["cases"]
    found = [LabelledCase.from_mapping(c, n) for n, c in enumerate(raw, 1)]
    return [c for c in found if ("irish" in c.tags) == irish]


def _ours(word: str) -> str:
    """Our reading of a message word: prefixes dropped, demutated, else the first gated form."""
    plain = intents.irish.strip_prefixes(word)
    demutated = intents.irish.demutate(plain)
    forms = intents.irish.readings(plain)
    return demutated if demutated != plain else f"{plain} (or {'/'.join(forms[:2])})"


def build() -> Classifier:
    data = yaml.safe_load((REPO / "config" / "routing.yaml").read_text(encoding="utf-8"))
    return Classifier(Vocabulary.from_mapping(data["services"], data["language"]))


def run(label: str) -> None:
    start = time.perf_counter()
    classifier = build()
    built = (time.perf_counter() - start) * 1e3
    print(f"{label} (built in {built:.0f} ms)")
    for names, irish in ((IRISH, True), (ENGLISH, False)):
        for name in names:
            report = evaluate(cases(name, irish), classifier.classify, classifier.services)
            groups = report.groups
            print(
                f"  {name:14} in scope {groups['in_scope'].rate:6.1%}"
                f"  emergency {report.emergency_recall.rate:6.1%}"
                f"  false emergencies {report.false_emergencies}"
            )
    texts = [c.text for n in IRISH for c in cases(n, True)]
    times = []
    for text in texts:  # cold: each message first seen by a fresh classifier
        begin = time.perf_counter()
        classifier.classify(text)
        times.append(time.perf_counter() - begin)
    print(f"  Irish messages, cold: median {statistics.median(times) * 1e6:.0f} us")


def main() -> None:
    run("hand-written demutation (intents/irish.py)")
    print("  " + ", ".join(f"{w}->{_ours(w)}" for w in SAMPLE))
    try:
        import snowballstemmer
    except ImportError:
        print("snowballstemmer is not installed: skipped")
        return
    stemmer = snowballstemmer.stemmer("irish")
    begin = time.perf_counter()
    for _ in range(100):
        for word in SAMPLE:
            stemmer.stemWord(word)
    per_word = (time.perf_counter() - begin) / (100 * len(SAMPLE)) * 1e6
    print(f"  snowball: {per_word:.1f} us per word; "
          + ", ".join(f"{w}->{stemmer.stemWord(w)}" for w in SAMPLE))
    # Snowball in place of demutate, everywhere demutate is used.
    for module in (intents.irish, intents.bilingual, intents.language, intents.lexicon):
        if hasattr(module, "demutate"):
            module.demutate = stemmer.stemWord  # type: ignore[attr-defined]
    run("Snowball Irish stemmer (snowballstemmer) in its place")


if __name__ == "__main__":
    main()
