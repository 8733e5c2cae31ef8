"""A naive Bayes model over message words, trained when the classifier is built.

It learns only from the routing file: each service's phrases, keywords (their weight is how
much they count), the word families its cues name, and the file's ``examples:``; "none" learns
from other council business, other matters and conversation acts. Staff teach it by editing
the routing file, as they teach the rules.

The classifier asks it only when the rules route nothing and find no act or other matter:
several weak words together ("scan", "Sligo", "no car") may still say what is wanted. It answers
with the service, its probability and the words that decided (each word's log-likelihood ratio
against the runner-up), so ``routing try`` can say why.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

NONE = "none"
_SMOOTHING = 0.1  # additive smoothing of word counts per class


@dataclass(frozen=True, slots=True)
class ModelGuess:
    """The model's best class, its probability among the classes, and the deciding words."""

    label: str
    probability: float
    words: tuple[str, ...]
    known: int  # message features the model has seen in training


def features(keys: Sequence[str], ignored: frozenset[str]) -> list[str]:
    """Word keys (less the ignored ones) and adjacent pairs of them."""
    kept = [k for k in keys if len(k) > 2 and k not in ignored]
    return kept + [f"{a} {b}" for a, b in zip(kept, kept[1:])]


class NaiveBayes:
    """Multinomial naive Bayes with equal priors; features unseen in training are skipped."""

    def __init__(self, documents: Iterable[tuple[Sequence[str], str, float]]) -> None:
        """``documents``: (features, label, weight) triples."""
        counts: dict[str, dict[str, float]] = {}
        totals: dict[str, float] = {}
        for feats, label, weight in documents:
            row = counts.setdefault(label, {})
            for feature in feats:
                row[feature] = row.get(feature, 0.0) + weight
                totals[label] = totals.get(label, 0.0) + weight
        self.labels = tuple(sorted(counts))
        vocabulary = {f for row in counts.values() for f in row}
        self._log: dict[str, dict[str, float]] = {}  # feature -> label -> log P(feature | label)
        for label in self.labels:
            row = counts[label]
            denominator = totals.get(label, 0.0) + _SMOOTHING * len(vocabulary)
            unseen = math.log(_SMOOTHING / denominator)
            for feature in vocabulary:
                value = math.log((row[feature] + _SMOOTHING) / denominator) if feature in row else unseen
                self._log.setdefault(feature, {})[label] = value
        self.size = len(vocabulary)

    def guess(self, feats: Sequence[str]) -> ModelGuess | None:
        """The most likely label for ``feats`` (None when no feature was seen in training)."""
        known = [f for f in dict.fromkeys(feats) if f in self._log]
        if not known or len(self.labels) < 2:
            return None
        totals = {label: 0.0 for label in self.labels}
        for feature in known:
            for label, value in self._log[feature].items():
                totals[label] += value
        ranked = sorted(totals, key=totals.__getitem__, reverse=True)
        best, runner_up = ranked[0], ranked[1]
        top = totals[best]
        probability = 1.0 / sum(math.exp(v - top) for v in totals.values())
        margin = {f: self._log[f][best] - self._log[f][runner_up] for f in known}
        deciding = tuple(sorted((f for f in known if margin[f] > 0), key=lambda f: -margin[f]))
        return ModelGuess(best, probability, deciding[:4], len(known))
