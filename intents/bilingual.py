"""One vocabulary for both languages: the Irish entries joined to the English ones.

The classifier matches Irish with exactly the machinery it uses for English. Before that, every
Irish entry is demutated word by word ("mo chógas" -> "mo cógas", "an t-ospidéal" ->
"an ospidéal"), so it meets a message word that the lexicon demutates the same way. English
words borrowed into Irish entries ("pian sa chest") stay as written. The words of the Irish
vocabulary are also kept apart: the lexicon tries Irish readings of a message word only
towards them, spelling slips are corrected towards them only in messages in Irish, and language
detection counts them as Irish.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from intents.frames import NegationFrames
from intents.irish import demutate, demutate_phrase
from intents.language import LanguageDetector
from intents.message import ReadMessage
from intents.normalise import fold, words
from intents.roles import RoleRules
from intents.vocabulary import (
    EmergencyVocabulary,
    IrishLanguageVocabulary,
    LanguageVocabulary,
    Vocabulary,
)


_FAMILY = re.compile(r"<\s*[a-z0-9_]+\s*>")  # "<someone>" in an entry names a family, not words


@dataclass(frozen=True, slots=True)
class IrishRules:
    """What the classifier does differently for Irish: detection, roles, negation frames."""

    detector: LanguageDetector
    roles: RoleRules  # for messages in Irish: "mé" (I) is not the possessive "me" (me tablets)
    frames: Callable[[ReadMessage], frozenset[int]]


class Bilingual:
    """The Irish half of a vocabulary, prepared for the classifier."""

    def __init__(self, vocabulary: Vocabulary, place_names: Iterable[str] = ()) -> None:
        self._original = vocabulary
        self._place_names = (*vocabulary.language.irish.place_names, *place_names)
        self.english_words = english_words(vocabulary)
        self.irish_words = irish_words(vocabulary, self.english_words)
        self.vocabulary = self._merged(vocabulary)
        self.frames = self._phrases(vocabulary.language.irish.negation_frames)

    def english_content(self, content: Iterable[str]) -> list[str]:
        """Content words English typing slips may be corrected towards (no Irish-only ones)."""
        return [w for w in content if w in self.english_words or w not in self.irish_words]

    def irish_content(self, content: Iterable[str]) -> list[str]:
        """Content words Irish typing slips may be corrected towards."""
        return [w for w in content if w in self.irish_words]

    def rules(self, negation_scope: int) -> IrishRules:
        language = self.vocabulary.language
        irish = self._original.language.irish
        return IrishRules(
            detector=LanguageDetector(self.irish_words, self.english_words, self._place_names),
            roles=RoleRules.build(
                language.helper_service,
                language.helper_words,
                language.offer_cues,
                language.request_cues,
                [
                    *(
                        p
                        for p in self._original.language.possessives
                        if not set(words(p)) & self.irish_words
                    ),
                    *self._phrases(irish.possessives),
                ],
            ),
            frames=NegationFrames(
                self.frames,
                self._phrases(irish.negation_exceptions),
                language.scope_breaks,
                negation_scope,
            ).negated_positions,
        )

    def _phrases(self, entries: Iterable[str]) -> tuple[str, ...]:
        return tuple(demutate_phrase(entry, self.english_words) for entry in entries)

    def _weights(self, entries: Iterable[tuple[str, float]]) -> tuple[tuple[str, float], ...]:
        return tuple((demutate_phrase(t, self.english_words), w) for t, w in entries)

    def _merged(self, vocabulary: Vocabulary) -> Vocabulary:
        """Each Irish list added, demutated, to its English counterpart."""
        language = vocabulary.language
        irish = language.irish
        services = tuple(
            replace(
                service,
                phrases=(*service.phrases, *self._phrases(service.irish.phrases)),
                keywords=(*service.keywords, *self._weights(service.irish.keywords)),
            )
            for service in vocabulary.services
        )
        spellings = tuple(
            (demutate(fold(wrong).strip()), demutate_phrase(right))
            for wrong, right in irish.spellings
        )
        families = (
            *language.families,
            *((name, self._phrases(phrases)) for name, phrases in irish.families),
        )
        merged = replace(
            language,
            common_words=(*language.common_words, *self._phrases(irish.stop_words)),
            spellings=(*language.spellings, *spellings),
            negation=(*language.negation, *self._phrases(irish.negation)),
            negation_exceptions=(
                *language.negation_exceptions,
                *self._phrases(irish.negation_exceptions),
            ),
            scope_breaks=(*language.scope_breaks, *self._phrases(irish.scope_breaks)),
            only_cues=(*language.only_cues, *self._phrases(irish.only_cues)),
            helper_words=(*language.helper_words, *self._phrases(irish.helper_words)),
            offer_cues=(*language.offer_cues, *self._phrases(irish.offer_cues)),
            request_cues=(*language.request_cues, *self._phrases(irish.request_cues)),
            possessives=(*language.possessives, *self._phrases(irish.possessives)),
            neutral_phrases=(*language.neutral_phrases, *self._phrases(irish.neutral_phrases)),
            out_of_scope=(*language.out_of_scope, *self._weights(irish.out_of_scope)),
            families=families,
            emergency=replace(
                self._emergency(language.emergency, irish.emergency), families=families
            ),
            acts=self._matters(language.acts, irish.acts),
            topics=self._matters(language.topics, irish.topics),
        )
        return replace(vocabulary, services=services, language=merged)

    def _matters(
        self,
        english: tuple[tuple[str, tuple[str, ...]], ...],
        irish: tuple[tuple[str, tuple[str, ...]], ...],
    ) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """Each act's (or topic's) Irish entries, demutated, after its English ones (in the
        English priority order)."""
        extra = dict(irish)
        return tuple((name, (*entries, *self._phrases(extra.get(name, ())))) for name, entries in english)

    def _emergency(
        self, english: EmergencyVocabulary, irish: EmergencyVocabulary
    ) -> EmergencyVocabulary:
        return replace(
            english,
            danger=(*english.danger, *self._phrases(irish.danger)),
            self_harm=(*english.self_harm, *self._phrases(irish.self_harm)),
            danger_alone=(*english.danger_alone, *self._phrases(irish.danger_alone)),
            not_emergency=(*english.not_emergency, *self._phrases(irish.not_emergency)),
            past_time=(*english.past_time, *self._phrases(irish.past_time)),
            past_time_before=(*english.past_time_before, *self._phrases(irish.past_time_before)),
            present_time=(*english.present_time, *self._phrases(irish.present_time)),
            resolved=(*english.resolved, *self._phrases(irish.resolved)),
            all_clear=(*english.all_clear, *self._phrases(irish.all_clear)),
            weak=(*english.weak, *self._phrases(irish.weak)),
            negators=(*english.negators, *self._phrases(irish.negators)),
            negator_links=(*english.negator_links, *self._phrases(irish.negator_links)),
            animals=(*english.animals, *self._phrases(irish.animals)),
            animal_links=(*english.animal_links, *self._phrases(irish.animal_links)),
            animal_joiners=(*english.animal_joiners, *self._phrases(irish.animal_joiners)),
            declared=(*english.declared, *self._phrases(irish.declared)),
            contrast=(*english.contrast, *self._phrases(irish.contrast)),
            recovered=(*english.recovered, *self._phrases(irish.recovered)),
        )


def irish_words(vocabulary: Vocabulary, english: frozenset[str] = frozenset()) -> frozenset[str]:
    """Every word of the Irish vocabulary, folded and demutated (borrowings from ``english``
    as written): what Irish readings of a message word aim at."""
    irish = vocabulary.language.irish
    texts: list[str] = []
    for service in vocabulary.services:
        texts += service.irish.phrases
        texts += [keyword for keyword, _ in service.irish.keywords]
    texts += _all_lists(irish)
    texts += [phrase for _, phrases in irish.families for phrase in phrases]
    texts += [entry for _, entries in (*irish.acts, *irish.topics) for entry in entries]
    return frozenset(
        word if word in english else demutate(word)
        for text in texts
        for word in words(_FAMILY.sub(" ", text).replace("+", " ").replace("|", " "))
        if word.isalpha()
    )


def english_words(vocabulary: Vocabulary) -> frozenset[str]:
    """Every word of the English vocabulary, folded."""
    language = vocabulary.language
    texts: list[str] = [*language.common_words]
    for service in vocabulary.services:
        texts += service.phrases
        texts += [keyword for keyword, _ in service.keywords]
    texts += _all_lists(_english_lists(language))
    return frozenset(
        word
        for text in texts
        for word in words(text.replace("+", " ").replace("|", " "))
        if word.isalpha()
    )


def _english_lists(language: LanguageVocabulary) -> IrishLanguageVocabulary:
    """The English lists in the shape of the Irish ones, so one function lists both."""
    return IrishLanguageVocabulary(
        spellings=language.spellings,
        negation=language.negation,
        negation_exceptions=language.negation_exceptions,
        scope_breaks=language.scope_breaks,
        only_cues=language.only_cues,
        helper_words=language.helper_words,
        offer_cues=language.offer_cues,
        request_cues=language.request_cues,
        possessives=language.possessives,
        neutral_phrases=language.neutral_phrases,
        out_of_scope=language.out_of_scope,
        emergency=language.emergency,
    )


def _all_lists(lists: IrishLanguageVocabulary) -> list[str]:
    emergency = lists.emergency
    return [
        *lists.stop_words,
        *(word for pair in lists.spellings for word in pair),
        *lists.negation,
        *lists.negation_frames,
        *lists.negation_exceptions,
        *lists.scope_breaks,
        *lists.only_cues,
        *lists.helper_words,
        *lists.offer_cues,
        *lists.request_cues,
        *lists.possessives,
        *lists.neutral_phrases,
        *(term for term, _ in lists.out_of_scope),
        *emergency.danger,
        *emergency.self_harm,
        *emergency.danger_alone,
        *emergency.not_emergency,
        *emergency.past_time,
        *emergency.past_time_before,
        *emergency.present_time,
        *emergency.resolved,
        *emergency.all_clear,
        *emergency.weak,
        *emergency.negators,
        *emergency.negator_links,
        *emergency.animals,
        *emergency.animal_links,
        *emergency.animal_joiners,
        *emergency.declared,
        *emergency.contrast,
        *emergency.recovered,
    ]
