"""One vocabulary for both languages: the Irish entries joined to the English ones.

The classifier matches Irish with exactly the machinery it uses for English. Before that, every
Irish entry is demutated word by word ("mo chógas" -> "mo cógas", "an t-ospidéal" ->
"an ospidéal"), so it meets a message word that the lexicon demutates the same way. The words of
the Irish vocabulary are kept apart as well: the lexicon tries Irish readings of a message word
only towards them, and language detection counts them as Irish.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from intents.irish import demutate, demutate_phrase
from intents.normalise import fold, words
from intents.vocabulary import (
    EmergencyVocabulary,
    IrishLanguageVocabulary,
    LanguageVocabulary,
    Vocabulary,
)


def with_irish(vocabulary: Vocabulary) -> Vocabulary:
    """``vocabulary`` with each Irish list added, demutated, to its English counterpart.

    English words borrowed into Irish entries ("pian sa chest") are not demutated.
    """
    language = vocabulary.language
    irish = language.irish
    english = english_words(vocabulary)

    def _phrases(entries: Iterable[str]) -> tuple[str, ...]:
        return tuple(demutate_phrase(entry, english) for entry in entries)

    def _weights(entries: Iterable[tuple[str, float]]) -> tuple[tuple[str, float], ...]:
        return tuple((demutate_phrase(term, english), weight) for term, weight in entries)

    def _emergency(ours: EmergencyVocabulary, theirs: EmergencyVocabulary) -> EmergencyVocabulary:
        return EmergencyVocabulary(
            danger=(*ours.danger, *_phrases(theirs.danger)),
            self_harm=(*ours.self_harm, *_phrases(theirs.self_harm)),
            danger_alone=(*ours.danger_alone, *_phrases(theirs.danger_alone)),
            not_emergency=(*ours.not_emergency, *_phrases(theirs.not_emergency)),
            past_time=(*ours.past_time, *_phrases(theirs.past_time)),
            past_time_before=(*ours.past_time_before, *_phrases(theirs.past_time_before)),
        )

    services = tuple(
        replace(
            service,
            phrases=(*service.phrases, *_phrases(service.irish.phrases)),
            keywords=(*service.keywords, *_weights(service.irish.keywords)),
        )
        for service in vocabulary.services
    )
    merged = replace(
        language,
        common_words=(*language.common_words, *_phrases(irish.stop_words)),
        spellings=(
            *language.spellings,
            *((_word(wrong), demutate_phrase(right)) for wrong, right in irish.spellings),
        ),
        negation=(*language.negation, *_phrases(irish.negation)),
        negation_exceptions=(*language.negation_exceptions, *_phrases(irish.negation_exceptions)),
        scope_breaks=(*language.scope_breaks, *_phrases(irish.scope_breaks)),
        only_cues=(*language.only_cues, *_phrases(irish.only_cues)),
        helper_words=(*language.helper_words, *_phrases(irish.helper_words)),
        offer_cues=(*language.offer_cues, *_phrases(irish.offer_cues)),
        request_cues=(*language.request_cues, *_phrases(irish.request_cues)),
        possessives=(*language.possessives, *_phrases(irish.possessives)),
        neutral_phrases=(*language.neutral_phrases, *_phrases(irish.neutral_phrases)),
        out_of_scope=(*language.out_of_scope, *_weights(irish.out_of_scope)),
        emergency=_emergency(language.emergency, irish.emergency),
    )
    return Vocabulary(services, merged)


def negation_frames(vocabulary: Vocabulary) -> tuple[str, ...]:
    """The Irish two-part negation cues, demutated ("níl | ní + ag teastáil | uaim")."""
    english = english_words(vocabulary)
    return tuple(demutate_phrase(f, english) for f in vocabulary.language.irish.negation_frames)


def irish_words(vocabulary: Vocabulary) -> frozenset[str]:
    """Every word of the Irish vocabulary, folded and demutated: what Irish readings aim at."""
    irish = vocabulary.language.irish
    english = english_words(vocabulary)
    texts: list[str] = []
    for service in vocabulary.services:
        texts += service.irish.phrases
        texts += [keyword for keyword, _ in service.irish.keywords]
    texts += _all_lists(irish)
    return frozenset(
        word if word in english else demutate(word)
        for text in texts
        for word in words(text.replace("+", " ").replace("|", " "))
        if word.isalpha()
    )


def english_words(vocabulary: Vocabulary) -> frozenset[str]:
    """Every word of the English vocabulary, folded (for language detection)."""
    language = vocabulary.language
    texts: list[str] = [*language.common_words]
    for service in vocabulary.services:
        texts += service.phrases
        texts += [keyword for keyword, _ in service.keywords]
    texts += _all_lists(_english_only(language))
    return frozenset(
        word
        for text in texts
        for word in words(text.replace("+", " ").replace("|", " "))
        if word.isalpha()
    )


def _english_only(language: LanguageVocabulary) -> IrishLanguageVocabulary:
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
    ]


def _word(text: str) -> str:
    return demutate(fold(text).strip())
