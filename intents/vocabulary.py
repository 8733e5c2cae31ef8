"""The classifier's vocabulary, read from plain mappings (the routing YAML, already parsed).

This module checks content and reports every problem with its key path, in words a
member of staff editing ``config/routing.yaml`` can act on. It does not read files.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from intents.cues import ANYWHERE, IN_ORDER, entry_parts, family_references
from intents.normalise import words

KeyPath = tuple[str | int, ...]
Problem = tuple[KeyPath, str]

MAX_WEIGHT = 5.0


class VocabularyError(ValueError):
    """The vocabulary has problems; ``problems`` lists every one as (key path, message)."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        lines = [f"{'.'.join(str(p) for p in path) or '(root)'}: {msg}" for path, msg in problems]
        super().__init__("the classifier vocabulary has problems:\n  " + "\n  ".join(lines))


@dataclass(frozen=True, slots=True)
class IrishServiceVocabulary:
    """What citizens say in Irish when they want one service (a service's ``irish:`` block)."""

    phrases: tuple[str, ...] = ()
    keywords: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True, slots=True)
class ServiceVocabulary:
    """What citizens say when they want one service."""

    id: str
    phrases: tuple[str, ...] = ()
    keywords: tuple[tuple[str, float], ...] = ()
    irish: IrishServiceVocabulary = field(default_factory=IrishServiceVocabulary)
    # Needs described without the service's words: cue entries ("<heat_source> + <gone_out>"),
    # each worth a phrase, matched within ``Thresholds.cue_window`` words.
    cues: tuple[str, ...] = ()
    # Whole messages in staff's own words that ask for this service: what the word model
    # (intents/model.py) learns from, beside the phrases and keywords.
    examples: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Numbers that turn evidence into a decision (all configurable under language.thresholds)."""

    min_score: float = 0.75  # a service needs this much evidence to be routed
    secondary_ratio: float = 0.5  # a second service needs this share of the best score too
    secondary_min_score: float = 1.0  # ... and this much evidence ("food" alone is not a request)
    clarify_margin: float = 0.25  # services resting on the same words and this close: ask
    phrase_weight: float = 1.0  # weight of each entry in a service's phrases
    fuzzy_penalty: float = 0.9  # a misspelt word counts this much of its weight
    fuzzy_min_length: int = 5  # shorter words are never spelling-corrected
    offer_bonus: float = 0.5  # evidence an offer of help ("I can", "happy to") adds
    negation_scope: int = 6  # how many words after "not" a negation reaches
    emergency_window: int = 8  # the most words an emergency entry with " + " may spread over
    max_chars: int = 2000  # longer messages are cut to this before classifying
    contrast_min_score: float = 0.5  # enough evidence when another service is turned down
    model_min_probability: float = 0.9  # the word model routes only when this sure
    model_min_words: int = 2  # ... and it knows at least this many of the message's words
    cue_window: int = 8  # the most words a service's cue entry with " + " may spread over


@dataclass(frozen=True, slots=True)
class EmergencyVocabulary:
    """Phrases that mean "call 112/999" (danger) or "call Samaritans" (self_harm).

    An entry may combine parts with " + " (all must appear, anywhere in the message) and
    alternatives with " | " inside a part: "fell | fallen + cant get up".
    """

    danger: tuple[str, ...] = ()
    self_harm: tuple[str, ...] = ()
    danger_alone: tuple[str, ...] = ()  # danger only when (nearly) the whole message: "stroke"
    not_emergency: tuple[str, ...] = ()  # ordinary phrases that contain alarming words
    past_time: tuple[str, ...] = ()  # "last year": near an alarming phrase, it is history
    past_time_before: tuple[str, ...] = ()  # "since my": only counts before the phrase
    present_time: tuple[str, ...] = ()  # "now": between a past cue and the danger, it is now
    resolved: tuple[str, ...] = ()  # "she's ok now": like the past, and no weak cue counts
    # "I'm grand now", "nothing happened thank God": all is well, so (besides what ``resolved``
    # does) it explains the alarms before it even in the next clause ("choking earlier, but
    # I'm grand now"); a partial recovery ("breathing now") belongs in ``resolved`` only.
    all_clear: tuple[str, ...] = ()
    weak: tuple[str, ...] = ()  # weak danger cues: possible_emergency, not the emergency reply
    # "no", "not", "wasn't": just before an alarming phrase (only filler words or negator_links
    # between) they say it is not so: "no smell of gas", "it wasn't a stroke", "the bins not gas".
    negators: tuple[str, ...] = ()
    negator_links: tuple[str, ...] = ()  # "or", "any", "sign of": "no sign of smoke"
    # "the dog had a stroke", "tá stróc ag an gcapall", "thit an bhó": an animal right beside
    # an alarming phrase (only filler words or animal_links between) is who it happened to,
    # so it is no danger to a person (never for self-harm).
    animals: tuple[str, ...] = ()
    animal_links: tuple[str, ...] = ()  # "ag an", "ar an": "tá stróc ag an madra"
    animal_joiners: tuple[str, ...] = ()  # "and", "agus": "the dog and my son fell in"
    # "this is an emergency", "urgent help": an emergency only when nothing else is asked for;
    # beside a service ("the fridge is empty, it's an emergency") it leads with 112/999.
    declared: tuple[str, ...] = ()
    # "but this time", "this is different": between a past cue before an alarm and the alarm,
    # the habit is not what is happening now ("he often gets dizzy, but this time he can't lift
    # his arm"); unlike ``present_time`` it never counts after the alarm ("chest pains, but the
    # doctor knows").
    contrast: tuple[str, ...] = ()
    # "I'm in a good place now", "doing better": with a past cue beside a self-harm wording
    # ("I used to self harm"), the self-harm is history: possible_emergency, not the Samaritans
    # reply, and the service asked for is given.
    recovered: tuple[str, ...] = ()
    families: tuple[tuple[str, tuple[str, ...]], ...] = ()  # language.families, for "<name>"


@dataclass(frozen=True, slots=True)
class IrishLanguageVocabulary:
    """``language.irish``: the Irish counterparts of the English lists, matched the same way.

    Entries are written in plain standard Irish; mutations ("mo chógas", "an t-ospidéal") and
    fadas are optional in messages. ``negation_frames`` are two-part cues that wrap what they
    cancel: "níl | ní + ag teastáil | uaim" cancels "an tsiopadóireacht" in "níl an
    tsiopadóireacht ag teastáil". ``stop_words`` are Irish function words: never spelling-
    corrected, and evidence of Irish for language detection, as are all Irish entries.
    ``place_names`` never count as Irish words when telling Irish from English. ``acts`` are
    Irish ways of saying the English conversation acts ("dia duit", "go raibh maith agat"), by
    the English act's name; ``topics`` the same for other matters ("bosca bruscair").
    """

    stop_words: tuple[str, ...] = ()
    spellings: tuple[tuple[str, str], ...] = ()
    negation: tuple[str, ...] = ()
    negation_frames: tuple[str, ...] = ()
    negation_exceptions: tuple[str, ...] = ()
    scope_breaks: tuple[str, ...] = ()
    only_cues: tuple[str, ...] = ()
    helper_words: tuple[str, ...] = ()
    offer_cues: tuple[str, ...] = ()
    request_cues: tuple[str, ...] = ()
    possessives: tuple[str, ...] = ()
    neutral_phrases: tuple[str, ...] = ()
    out_of_scope: tuple[tuple[str, float], ...] = ()
    emergency: EmergencyVocabulary = field(default_factory=EmergencyVocabulary)
    place_names: tuple[str, ...] = ()
    # Irish word families, named in Irish emergency entries as "<name>" like language.families
    # (their phrases are demutated like every Irish entry).
    families: tuple[tuple[str, tuple[str, ...]], ...] = ()
    acts: tuple[tuple[str, tuple[str, ...]], ...] = ()
    topics: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True, slots=True)
class LanguageVocabulary:
    """Everything beyond the services' own phrases: spelling, negation, roles, emergencies."""

    thresholds: Thresholds = field(default_factory=Thresholds)
    common_words: tuple[str, ...] = ()
    spellings: tuple[tuple[str, str], ...] = ()
    negation: tuple[str, ...] = ()
    negation_at_clause_start: tuple[str, ...] = ()
    negation_exceptions: tuple[str, ...] = ()
    scope_breaks: tuple[str, ...] = ()
    only_cues: tuple[str, ...] = ()
    satisfied_cues: tuple[str, ...] = ()  # "the shopping is sorted": that clause's need is met
    helper_service: str | None = None
    helper_words: tuple[str, ...] = ()
    offer_cues: tuple[str, ...] = ()
    request_cues: tuple[str, ...] = ()
    possessives: tuple[str, ...] = ()
    neutral_phrases: tuple[str, ...] = ()
    filler_words: tuple[str, ...] = ()  # may come and go inside cue phrases ("face is crooked")
    stop_words: tuple[str, ...] = ()  # words the word model ignores ("the", "for", "would")
    emoji: tuple[tuple[str, str], ...] = ()  # emoji read as words: "👍" is "ok"
    out_of_scope: tuple[tuple[str, float], ...] = ()
    emergency: EmergencyVocabulary = field(default_factory=EmergencyVocabulary)
    # Word families ("someone": he, she, mam ...) that cue entries name as "<someone>".
    families: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # Conversation acts (greeting, thanks, talk_to_person ...) and other matters (council,
    # scam ...): name -> cue entries. Only when no service or emergency is asked for, except
    # topics_first, which win over any service ("I live in Galway, can you do my shopping").
    acts: tuple[tuple[str, tuple[str, ...]], ...] = ()
    topics: tuple[tuple[str, tuple[str, ...]], ...] = ()
    topics_first: tuple[str, ...] = ()
    # Cue entries of a topic that win over any service, though the topic's other entries do
    # not: "do ye cover Roscommon" beside a lift asked for ("I'm in London, mam needs ..." is
    # the topic's too, but only when nothing else is asked).
    first_cues: tuple[tuple[str, tuple[str, ...]], ...] = ()
    irish: IrishLanguageVocabulary = field(default_factory=IrishLanguageVocabulary)


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The validated vocabulary the classifier is built from."""

    services: tuple[ServiceVocabulary, ...]
    language: LanguageVocabulary

    @property
    def service_ids(self) -> tuple[str, ...]:
        return tuple(service.id for service in self.services)

    @classmethod
    def from_mapping(
        cls, services: Sequence[Mapping[str, Any]], language: Mapping[str, Any]
    ) -> Vocabulary:
        """Build from parsed YAML; raise VocabularyError listing every problem found."""
        reader = _Reader()
        parsed_services = reader.services(services)
        parsed_language = reader.language(language, {s.id for s in parsed_services})
        families = {name for name, _ in parsed_language.families}
        for index, service in enumerate(parsed_services):
            reader.cue_entries(service.cues, ("services", index, "cues"), families)
        if reader.problems:
            raise VocabularyError(reader.problems)
        return cls(parsed_services, parsed_language)


_LIST_KEYS = (
    "common_words",
    "stop_words",
    "negation",
    "negation_at_clause_start",
    "negation_exceptions",
    "scope_breaks",
    "only_cues",
    "satisfied_cues",
    "helper_words",
    "offer_cues",
    "request_cues",
    "possessives",
    "neutral_phrases",
    "filler_words",
)
_LANGUAGE_KEYS = (
    *_LIST_KEYS, "thresholds", "spellings", "helper_service", "out_of_scope", "emergency",
    "families", "acts", "topics", "topics_first", "first_cues", "emoji",
)
_ALL_LANGUAGE_KEYS = (*_LANGUAGE_KEYS, "irish")  # language.irish: see _Reader.irish_language
_IRISH_LIST_KEYS = (
    "stop_words",
    "negation",
    "negation_frames",
    "negation_exceptions",
    "scope_breaks",
    "only_cues",
    "helper_words",
    "offer_cues",
    "request_cues",
    "possessives",
    "neutral_phrases",
    "place_names",
)
_IRISH_KEYS = (
    *_IRISH_LIST_KEYS, "spellings", "out_of_scope", "emergency", "families", "acts", "topics"
)
_IRISH_SERVICE_KEYS = ("phrases", "keywords")
_EMERGENCY_KEYS = (
    "danger",
    "self_harm",
    "danger_alone",
    "not_emergency",
    "past_time",
    "past_time_before",
    "present_time",
    "resolved",
    "all_clear",
    "weak",
    "negators",
    "negator_links",
    "animals",
    "animal_links",
    "animal_joiners",
    "declared",
    "contrast",
    "recovered",
)
# emergency lists whose entries use + | <family>
_CUE_LISTS = ("danger", "self_harm", "weak", "not_emergency", "declared")


def _known(keys: Sequence[str]) -> str:
    return ", ".join(keys)


@dataclass
class _Reader:
    """Collects problems while reading, so all of them are reported at once."""

    problems: list[Problem] = field(default_factory=list)

    def problem(self, path: KeyPath, message: str) -> None:
        self.problems.append((path, message))

    # -- services -------------------------------------------------------------------------
    def services(self, services: Any) -> tuple[ServiceVocabulary, ...]:
        if not isinstance(services, Sequence) or isinstance(services, (str, bytes)):
            self.problem(("services",), "must be a list of services, each starting '- id: ...'")
            return ()
        if not services:
            self.problem(("services",), "lists no services; add at least one")
        parsed: list[ServiceVocabulary] = []
        seen: dict[str, int] = {}
        for index, service in enumerate(services):
            path: KeyPath = ("services", index)
            if not isinstance(service, Mapping):
                self.problem(path, "each service must be 'key: value' lines (id, phrases ...)")
                continue
            service_id = service.get("id")
            if not isinstance(service_id, str) or not service_id.strip():
                self.problem((*path, "id"), "needs an id, a short name like 'groceries'")
                continue
            if service_id in seen:
                self.problem(
                    (*path, "id"),
                    f"the id '{service_id}' is already used by service number"
                    f" {seen[service_id] + 1};"
                    " each service needs its own id",
                )
            seen[service_id] = index
            phrases = self.phrase_list(service.get("phrases", []), (*path, "phrases"))
            keywords = self.weights(service.get("keywords", {}), (*path, "keywords"))
            irish = self.irish_service(service.get("irish"), (*path, "irish"))
            cues = self.phrase_list(service.get("cues", []), (*path, "cues"))
            examples = self.phrase_list(service.get("examples", []), (*path, "examples"))
            parsed.append(ServiceVocabulary(service_id, phrases, keywords, irish, cues, examples))
        return tuple(parsed)

    # -- language -------------------------------------------------------------------------
    def language(self, language: Any, service_ids: set[str]) -> LanguageVocabulary:
        root: KeyPath = ("language",)
        if language is None:
            language = {}
        if not isinstance(language, Mapping):
            self.problem(root, "must be a set of 'key: value' settings (or left out)")
            return LanguageVocabulary()
        for key in language:
            if key not in _ALL_LANGUAGE_KEYS:
                self.problem(
                    (*root, str(key)),
                    f"'{key}' is not a known language setting;"
                    f" known settings: {_known(_ALL_LANGUAGE_KEYS)}",
                )
        lists = {key: self.phrase_list(language.get(key, []), (*root, key)) for key in _LIST_KEYS}
        helper = language.get("helper_service")
        if helper is not None and helper not in service_ids:
            self.problem(
                (*root, "helper_service"),
                f"'{helper}' is not the id of any service;"
                f" use one of: {_known(sorted(service_ids))}",
            )
            helper = None
        families = self.named_lists(language.get("families", {}), (*root, "families"), None)
        known_families = {name for name, _ in families}
        acts = self.named_lists(language.get("acts", {}), (*root, "acts"), known_families)
        topics = self.named_lists(language.get("topics", {}), (*root, "topics"), known_families)
        topics_first = self.phrase_list(language.get("topics_first", []), (*root, "topics_first"))
        for index, name in enumerate(topics_first):
            if name not in {t for t, _ in topics}:
                self.problem(
                    (*root, "topics_first", index), f"'{name}' is not a topic listed under topics"
                )
        first_cues = self.named_lists(
            language.get("first_cues", {}), (*root, "first_cues"), known_families
        )
        for name, _ in first_cues:
            if name not in {t for t, _ in topics}:
                self.problem((*root, "first_cues", name), f"'{name}' is not a topic listed under topics")
        emergency = self.emergency(
            language.get("emergency", {}), (*root, "emergency"), known_families
        )
        return LanguageVocabulary(
            emoji=self.emoji(language.get("emoji", {}), (*root, "emoji")),
            families=families,
            acts=acts,
            topics=topics,
            topics_first=topics_first,
            first_cues=first_cues,
            thresholds=self.thresholds(language.get("thresholds", {}), (*root, "thresholds")),
            spellings=self.spellings(language.get("spellings", {}), (*root, "spellings")),
            helper_service=helper,
            out_of_scope=self.weights(language.get("out_of_scope", {}), (*root, "out_of_scope")),
            emergency=dataclasses.replace(emergency, families=families),
            irish=self.irish_language(
                language.get("irish"),
                (*root, "irish"),
                known_families,
                {"acts": {a for a, _ in acts}, "topics": {t for t, _ in topics}},
            ),
            **lists,
        )

    def named_lists(
        self, value: Any, path: KeyPath, families: set[str] | None
    ) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """``name: [entries]`` lines; ``families`` None for the families themselves."""
        if value is None:
            return ()
        if not isinstance(value, Mapping):
            self.problem(path, "must be a set of 'name: [phrases]' lines")
            return ()
        result = []
        for name, phrases in value.items():
            if not isinstance(name, str) or not name.replace("_", "").isalnum():
                self.problem((*path, str(name)), "names are lower case words joined by _")
                continue
            entries = self.phrase_list(phrases, (*path, name))
            if families is None:
                for index, phrase in enumerate(entries):
                    if any(mark in phrase for mark in "+|<>~"):
                        self.problem(
                            (*path, name, index),
                            "a family lists plain phrases (no '+', '|', '~' or '<...>')",
                        )
            else:
                self.cue_entries(entries, (*path, name), families)
            result.append((name, entries))
        return tuple(result)

    def cue_entries(self, entries: Sequence[str], path: KeyPath, families: set[str]) -> None:
        """Every part of every entry has words, and every "<name>" is a listed family."""
        for index, entry in enumerate(entries):
            if IN_ORDER in entry and "+" in entry:
                self.problem(
                    (*path, index),
                    "joins parts with both '+' (any order) and '...' (in order); use one",
                )
            for part in entry_parts(entry):
                alternatives = part.strip().removeprefix(ANYWHERE).split("|")
                if not any(words(alt) for alt in alternatives):
                    self.problem(
                        (*path, index),
                        "has an empty part around '+' or '|';"
                        " write e.g. 'fell | fallen + cant get up'",
                    )
            for name in family_references(entry):
                if name not in families:
                    self.problem(
                        (*path, index),
                        f"'<{name}>' is not a word family; add it under language.families"
                        f" (known: {_known(sorted(families)) or 'none yet'})",
                    )

    def emergency(
        self, value: Any, path: KeyPath, families: set[str] | None = None
    ) -> EmergencyVocabulary:
        if value is None:
            return EmergencyVocabulary()
        if not isinstance(value, Mapping):
            self.problem(path, f"must be a set of lists: {_known(_EMERGENCY_KEYS)}")
            return EmergencyVocabulary()
        for key in value:
            if key not in _EMERGENCY_KEYS:
                self.problem(
                    (*path, str(key)),
                    f"'{key}' is not a known emergency list;"
                    f" known lists: {_known(_EMERGENCY_KEYS)}",
                )
        lists = {key: self.phrase_list(value.get(key, []), (*path, key)) for key in _EMERGENCY_KEYS}
        for key in _CUE_LISTS:
            self.cue_entries(lists[key], (*path, key), families or set())
        if value and not (lists["danger"] or lists["self_harm"] or lists["danger_alone"]):
            self.problem(path, "needs at least one phrase under 'danger' or 'self_harm'")
        return EmergencyVocabulary(
            danger=lists["danger"],
            self_harm=lists["self_harm"],
            danger_alone=lists["danger_alone"],
            not_emergency=lists["not_emergency"],
            past_time=lists["past_time"],
            past_time_before=lists["past_time_before"],
            present_time=lists["present_time"],
            resolved=lists["resolved"],
            all_clear=lists["all_clear"],
            weak=lists["weak"],
            negators=lists["negators"],
            negator_links=lists["negator_links"],
            animals=lists["animals"],
            animal_links=lists["animal_links"],
            animal_joiners=lists["animal_joiners"],
            declared=lists["declared"],
            contrast=lists["contrast"],
            recovered=lists["recovered"],
        )

    def thresholds(self, value: Any, path: KeyPath) -> Thresholds:
        if value is None:
            return Thresholds()
        if not isinstance(value, Mapping):
            self.problem(path, "must be a set of 'name: number' settings")
            return Thresholds()
        defaults = Thresholds()
        names = tuple(Thresholds.__dataclass_fields__)
        settings: dict[str, Any] = {}
        for key, number in value.items():
            if key not in names:
                message = f"'{key}' is not a known threshold; known: {_known(names)}"
                self.problem((*path, str(key)), message)
                continue
            default = getattr(defaults, key)
            if isinstance(default, int):
                if isinstance(number, bool) or not isinstance(number, int) or number < 1:
                    message = f"must be a whole number of at least 1 (default {default})"
                    self.problem((*path, key), message)
                    continue
            elif not _is_number(number) or not 0 <= number <= 100:
                message = f"must be a number between 0 and 100 (default {default})"
                self.problem((*path, key), message)
                continue
            settings[key] = number
        return Thresholds(**settings)

    # -- Irish ----------------------------------------------------------------------------
    def irish_service(self, value: Any, path: KeyPath) -> IrishServiceVocabulary:
        if value is None:
            return IrishServiceVocabulary()
        if not isinstance(value, Mapping):
            self.problem(path, "must be 'phrases:' and 'keywords:' in Irish, like the English ones")
            return IrishServiceVocabulary()
        self.unknown_keys(value, path, _IRISH_SERVICE_KEYS, "Irish service setting")
        return IrishServiceVocabulary(
            self.phrase_list(value.get("phrases", []), (*path, "phrases")),
            self.weights(value.get("keywords", {}), (*path, "keywords")),
        )

    def irish_language(
        self,
        value: Any,
        path: KeyPath,
        english_families: Collection[str] = (),
        names: dict[str, set[str]] | None = None,
    ) -> IrishLanguageVocabulary:
        if value is None:
            return IrishLanguageVocabulary()
        if not isinstance(value, Mapping):
            self.problem(path, "must be a set of Irish lists, like the English ones above it")
            return IrishLanguageVocabulary()
        self.unknown_keys(value, path, _IRISH_KEYS, "Irish list")
        lists = {
            key: self.phrase_list(value.get(key, []), (*path, key)) for key in _IRISH_LIST_KEYS
        }
        for index, entry in enumerate(lists["negation_frames"]):
            parts = entry.split("+")
            if len(parts) != 2 or not all(
                any(words(alt) for alt in part.split("|")) for part in parts
            ):
                self.problem(
                    (*path, "negation_frames", index),
                    "needs two parts joined by '+', what opens the frame and what closes it;"
                    " write e.g. 'níl | ní + ag teastáil | uaim'",
                )
        families = self.named_lists(value.get("families", {}), (*path, "families"), None)
        for name, _ in families:
            if name in english_families:
                self.problem(
                    (*path, "families", name),
                    f"'{name}' is already a family under language.families; give the Irish one"
                    " its own name",
                )
        known = {*english_families, *(name for name, _ in families)}
        matters = {}
        for kind, what in (("acts", "an act"), ("topics", "a topic")):
            matters[kind] = self.named_lists(value.get(kind, {}), (*path, kind), known)
            listed = (names or {}).get(kind)
            for name, _ in matters[kind]:
                if listed is not None and name not in listed:
                    self.problem(
                        (*path, kind, name),
                        f"'{name}' is not {what} listed under language: {kind}:;"
                        f" use one of: {_known(sorted(listed))}",
                    )
        return IrishLanguageVocabulary(
            spellings=self.spellings(value.get("spellings", {}), (*path, "spellings")),
            out_of_scope=self.weights(value.get("out_of_scope", {}), (*path, "out_of_scope")),
            emergency=self.emergency(value.get("emergency"), (*path, "emergency"), known),
            families=families,
            acts=matters["acts"],
            topics=matters["topics"],
            **lists,
        )

    def unknown_keys(
        self, value: Mapping[Any, Any], path: KeyPath, known: Sequence[str], what: str
    ) -> None:
        for key in value:
            if key not in known:
                self.problem(
                    (*path, str(key)), f"'{key}' is not a known {what}; known: {_known(known)}"
                )

    # -- shared shapes ----------------------------------------------------------------------
    def phrase_list(self, value: Any, path: KeyPath) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, Sequence) or isinstance(value, (str, bytes)):
            self.problem(path, "must be a list, one entry per line starting with '- '")
            return ()
        phrases: list[str] = []
        seen: set[tuple[str, ...]] = set()
        for index, phrase in enumerate(value):
            if not isinstance(phrase, str):
                self.problem((*path, index), "must be text; put numbers or yes/no words in quotes")
                continue
            normalised = tuple(words(phrase.replace("+", " ").replace("|", " ")))
            if not normalised:
                self.problem((*path, index), "has no letters or digits, so it can never match")
                continue
            if normalised in seen:
                self.problem((*path, index), f"'{phrase}' is listed twice here; remove one")
                continue
            seen.add(normalised)
            phrases.append(phrase)
        return tuple(phrases)

    def weights(self, value: Any, path: KeyPath) -> tuple[tuple[str, float], ...]:
        if value is None:
            return ()
        if not isinstance(value, Mapping):
            self.problem(path, "must be a set of 'word: weight' lines, e.g. 'chemist: 1.0'")
            return ()
        result: list[tuple[str, float]] = []
        for word, weight in value.items():
            key_path = (*path, str(word))
            if not isinstance(word, str) or not words(word):
                self.problem(key_path, "must be a word or phrase with letters in it")
                continue
            if not _is_number(weight) or not 0 < weight <= MAX_WEIGHT:
                self.problem(
                    key_path,
                    f"the weight must be a number above 0 and at most {MAX_WEIGHT:g},"
                    " e.g. 1.0 for a strong word or 0.4 for a hint",
                )
                continue
            result.append((word, float(weight)))
        return tuple(result)

    def emoji(self, value: Any, path: KeyPath) -> tuple[tuple[str, str], ...]:
        if value is None:
            return ()
        if not isinstance(value, Mapping):
            self.problem(path, 'must be a set of \'"emoji": word\' lines, e.g. "👍": ok')
            return ()
        result: list[tuple[str, str]] = []
        for symbol, word in value.items():
            key_path = (*path, str(symbol))
            if not isinstance(symbol, str) or not symbol.strip() or words(symbol):
                self.problem(key_path, "must be an emoji or symbol (no letters), in quotes")
                continue
            if not isinstance(word, str) or not words(word):
                self.problem(key_path, "the meaning must be a word or phrase with letters")
                continue
            result.append((symbol, word))
        return tuple(result)

    def spellings(self, value: Any, path: KeyPath) -> tuple[tuple[str, str], ...]:
        if value is None:
            return ()
        if not isinstance(value, Mapping):
            self.problem(path, "must be a set of 'misspelling: correct spelling' lines")
            return ()
        result: list[tuple[str, str]] = []
        for wrong, right in value.items():
            key_path = (*path, str(wrong))
            if not isinstance(wrong, str) or len(words(wrong)) != 1:
                self.problem(key_path, "the misspelling must be a single word")
                continue
            if not isinstance(right, str) or not words(right):
                self.problem(key_path, "the correct spelling must be a word or phrase with letters")
                continue
            result.append((wrong, right))
        return tuple(result)


def _is_number(value: Any) -> bool:
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )
