"""Who is asking for what: a citizen asking for help, or a volunteer offering it.

"Can a volunteer collect my prescription" asks for prescriptions (the volunteer is only the
helper); "I could deliver meals to people" offers help, so it belongs to the helper service
(volunteer groups).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from intents.message import ReadMessage
from intents.phrase_index import Hit, PhraseIndex, phrase_keys

# request cues that may only say whose the need is ("for me", "they bring me the groceries")
_WHOSE = frozenset({"for", "to", "bring", "get"})
_POSSESSIVE_REACH = 3  # "my" counts for a need up to this many words before it ("my mam's tablets")
_HELPER_REACH = 3  # "is there a volunteer scheme": a request cue asking about the helpers


@dataclass(frozen=True, slots=True)
class RoleRules:
    """Cues for offers and requests, and the words that name a helper."""

    helper_service: str | None
    helper_keys: frozenset[str]
    offer_cues: PhraseIndex[str]
    request_cues: PhraseIndex[str]
    possessive_keys: frozenset[str]

    @classmethod
    def build(
        cls,
        helper_service: str | None,
        helper_words: Iterable[str],
        offer_cues: Iterable[str],
        request_cues: Iterable[str],
        possessives: Iterable[str],
    ) -> RoleRules:
        return cls(
            helper_service,
            frozenset(k for w in helper_words for k in phrase_keys(w)),
            PhraseIndex((phrase_keys(p), p) for p in offer_cues),
            PhraseIndex((phrase_keys(p), p) for p in request_cues),
            frozenset(k for w in possessives for k in phrase_keys(w)),
        )

    def names_helper(self, keys: Sequence[str]) -> bool:
        """True when a matched phrase only names a helper ("volunteer"), not a wish to be one."""
        return bool(self.helper_keys) and all(key in self.helper_keys for key in keys)

    def asking(self, keys: tuple[str, ...]) -> list[Hit[str]]:
        """Request cues that ask ("can someone", "I need"), not those that may only say whose
        the need is ("for me", "bring me": "they bring me the groceries" asks for nothing)."""
        return [hit for hit in self.request_cues.find_all(keys) if keys[hit.start] not in _WHOSE]

    def _asks_after_helpers(self, message: ReadMessage, end: int) -> bool:
        """A request cue that asks about the helpers themselves ("is there a volunteer scheme",
        "do ye have a group"): a helper word within ``_HELPER_REACH`` words after it, in its
        clause. Beside an offer it asks where to give the help, not for help."""
        keys = message.keys
        clause = message.clauses[end - 1]
        for position in range(end, min(len(keys), end + _HELPER_REACH)):
            if message.clauses[position] != clause:
                return False
            if keys[position] in self.helper_keys:
                return True
        return False

    def is_offer(self, message: ReadMessage, need_spans: Iterable[tuple[int, int]]) -> bool:
        """An offer cue, and nothing that says the writer is the one in need.

        ``need_spans``: (start, end) of each matched need; a possessive just before it or
        inside it ("collect my prescription") makes it the writer's own need.
        """
        keys = message.keys
        if self.helper_service is None:
            return False
        offers = [
            hit
            for hit in self.offer_cues.find_all(keys)
            # "who can deliver coal?" asks; "members who can deliver" offers
            if not (hit.start > 0 and keys[hit.start - 1] == "who" and message.starts_clause(hit.start - 1))
        ]
        if not offers:
            return False
        # "our group can collect prescriptions": the "our" of an offer cue is who offers
        offering = {i for hit in offers for i in range(hit.start, hit.end)}
        # a request cue inside an offer cue is the offer's own wording: "ar fáil do" in
        # "béilí a chur ar fáil do sheandaoine" (to provide meals to older people) asks nothing
        if any(
            not offering.issuperset(range(hit.start, hit.end))
            and not self._asks_after_helpers(message, hit.end)
            for hit in self.request_cues.find_all(keys)
        ):
            return False
        for start, end in need_spans:
            for position in range(max(0, start - _POSSESSIVE_REACH), end):
                if (
                    position not in offering
                    and keys[position] in self.possessive_keys
                    and message.clauses[position] == message.clauses[start]
                ):
                    return False
        return True
