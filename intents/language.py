"""Is a message written in Irish or in English? ``detect(text) -> "ga" | "en" | None``.

A small scorer, chosen over a statistical language identifier because it is accurate on one- and
two-word messages ("oideas", "béile te", "gual"), never flips on a place name in an English
sentence, can say "cannot tell" ("ok", a name, a number) and costs a few microseconds (figures in
tests/intents/test_language.py and intents/README.md).

Each word counts once, for the language whose word list holds it and not the other's: function
words of both languages (below), plus, in ``LanguageDetector``, every word of the routing file's
English and Irish vocabularies. A word in both lists ("an", "is", "do", "me") counts for Irish
only when written with its fada ("mé", "ón"). A word in neither is judged by its spelling: a
mutation that English never has ("bhfuil", "gcógas", "mham"), a fada, Irish letter groups and
endings ("-acht", "-aigh"); or letters Irish does not use (k, w, y ...) and English endings
("-ing", "-tion"). Place names never count: the routing file's list, and runs of capitalised
words inside a sentence ("Béal an Átha", "Tuar Mhic Éadaigh"), though the mutation of a place
name after an Irish preposition ("i gCathair na Mart", "go hAcaill") is itself Irish.

The language with more evidence wins; too little evidence, or a tie, is ``None``: the caller keeps
the conversation's language. A message that is mostly English with an Irish word or two is English.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final, Literal

from intents.irish import demutate, readings, strip_prefixes
from intents.normalise import fold, stem

Language = Literal["ga", "en"]
IRISH: Final = "ga"
ENGLISH: Final = "en"

_MIN_EVIDENCE = 1.0  # below this (one ordinary word), nobody can tell
_SPELLING_CUE = 0.5  # what one telling spelling feature is worth
_MAX_SPELLING = 1.0  # ... and all of a word's features together
_FADA_HINT = 0.5  # a word written in both languages, here with a fada: "mé", "ón", "sé"

# Function words and everyday words (folded: no fadas, no apostrophes).
IRISH_FUNCTION_WORDS: Final = frozenset(
    """
    agus ach ag ar le leis lei liom linn libh leo do dom duit di duinn daoibh doibh don
    sa san sna na de o ce
    uaim uait uaidh uaithi uainn uaibh uathu orm ort air uirthi orainn oraibh orthu
    agam agat aige aici againn agaibh acu chugam chugat chuige chuici chugainn chucu chuig
    ta taim taimid nil nilim bhi bhiodh beidh bheidh bheadh bheinn bheimis bionn ata
    ni nior nach gur gurb nar go gan faoi fum fut tar eis roimh thar idir trid tri mar
    se si sibh siad muid sinn iad e i mise tusa eisean ise sinne sibhse iadsan
    mo ar bhur seo sin siud aon gach eile cen cad ceard conas cathain ca cia
    freisin fos anois inniu amarach inne areir aris fein riamh choiche cheana
    ann as amach isteach suas sios thuas thios thall abhus anseo ansin ansiud
    feidir fheidir bhfeidir fheadfadh bhfeadfadh fhead mhaith mhaithe bhrea ba bheith
    teastaionn theastaionn teastail iarraidh bhfuil fhuil raibh nil mbeadh
    duine daoine rud rudai eigin ceart leor maith olc
    dia dhuit duit dhaoibh slan grma ldt buiochas mile thoil
    chun chomh nios
    bliain seachtain la oiche maidin trathnona luan mairt ceadaoin deardaoin aoine
    satharn domhnach
    gaeilge gaelainn gaedhilge
    """.split()
)
ENGLISH_FUNCTION_WORDS: Final = frozenset(
    """
    the a an and or but if so because of to in on at by for with from into about over after as
    before under than then there here this that these those what which who whom whose when
    where why how i you he she it we they me him her us them my your his its our their mine
    yours hers ours theirs myself yourself himself herself ourselves themselves
    is am are was were be been being have has had having do does did doing done
    will would shall should can could may might must not no yes yeah yep nope
    please thanks thank hi hello hey bye goodbye sorry morning evening afternoon night ye
    just only also too very really still again ever never always some any all every each
    no none nothing something anything everything someone somebody anyone anybody everyone
    get got go going gone went come came coming need needs needed want wants wanted like
    help know think see look make take give tell ask said say says let lets
    today tomorrow yesterday week weekend now soon later
    monday tuesday wednesday thursday friday saturday sunday english
    ive id ill youre hes shes its were theyre dont doesnt didnt cant couldnt wont wouldnt
    isnt arent wasnt werent havent hasnt hadnt shouldnt thats theres whats
    """.split()
)

# Said the same way in both languages: no evidence either way.
NEUTRAL_WORDS: Final = frozenset({"ok", "okay", "k", "hmm", "lol", "xx", "x"})
# Mutations English never has at the start of a word, and Irish letter groups and endings.
_IRISH_ONLY_STARTS = ("bhf", "mb", "gc", "nd", "dt", "ng", "bp", "bh", "mh", "dh", "fh", "gh")
_IRISH_ENDINGS = ("acht", "aigh", "aidh", "idh", "adh", "amh", "eoir", "ocht", "ain", "aoi")
_IRISH_GROUPS = ("ao", "bh", "mh", "dh", "fh", "aei", "uai", "eai")
_ENGLISH_LETTERS = frozenset("jkqvwxyz")
_ENGLISH_ENDINGS = ("ing", "tion", "sion", "ness", "ment", "ful", "ous", "ly", "ed", "ies")
_ENGLISH_GROUPS = ("th", "oo", "ee", "ck", "wh", "ou", "ph")
_FADAS = frozenset("\u00e1\u00e9\u00ed\u00f3\u00fa")
# Between the capitalised words of one name: "Béal an Átha", "Tuar Mhic Éadaigh", "Ó Máille".
_NAME_JOINERS = frozenset({"an", "na", "a", "mhic", "mac", "o", "ui", "de", "ni", "nic"})
# A mutated capital: "gCathair", "mBéal", "hAcaill", "bhFear", "dTuar", "nGaoth", "tSionainn".
_MUTATED_CAPITAL = re.compile(r"^(?:bh|[bmgndth])[A-Z\u00c1\u00c9\u00cd\u00d3\u00da]")
# A lenited capital English names never start with: "Mham", "Dhaid", "Bhéal", "Fhionnuala".
_LENITED_CAPITAL = re.compile(r"^[BDFGM]h[aeiou\u00e1\u00e9\u00ed\u00f3\u00fa]")
_WORD = re.compile(r"\w+(?:['\u2019]\w+)*")
# A word, or the end of a sentence.
_PIECE = re.compile(r"\w+(?:['\u2019]\w+)*|[.!?\n]")
_CACHE_LIMIT = 20_000


class LanguageDetector:
    """Tells Irish from English; built once from word lists (the vocabulary's and built-in)."""

    def __init__(
        self,
        irish_words: Iterable[str] = (),
        english_words: Iterable[str] = (),
        place_names: Iterable[str] = (),
    ) -> None:
        irish = IRISH_FUNCTION_WORDS | {fold(w) for w in irish_words}
        english = ENGLISH_FUNCTION_WORDS | {fold(w) for w in english_words}
        self._irish_only = frozenset(irish - english)
        self._english_only = frozenset(english - irish)
        self._both = frozenset(irish & english)
        self._irish = frozenset(irish)
        # English word families: "dinners", "medications", "beats" (Irish ones: readings()).
        english_stems = {stem(w) for w in english}
        self._english_stems = frozenset(english_stems - {stem(w) for w in irish})
        places: dict[str, set[tuple[str, ...]]] = {}
        for name in place_names:
            keys = tuple(demutate(fold(w)) for w in _WORD.findall(strip_prefixes(name)))
            if keys:
                places.setdefault(keys[0], set()).add(keys)
        self._places = {
            first: sorted(names, key=len, reverse=True) for first, names in places.items()
        }
        # Each word as written -> (folded, demutated, Irish evidence, English evidence).
        self._cache: dict[str, tuple[str, str, float, float]] = {}

    def detect(self, text: str) -> Language | None:
        """"ga", "en", or None when the message does not say (too short, a tie, a name)."""
        irish, english = self.scores(text)
        if max(irish, english) < _MIN_EVIDENCE or irish == english:
            return None
        return IRISH if irish > english else ENGLISH

    def scores(self, text: str) -> tuple[float, float]:
        """The evidence for Irish and for English (see the module docstring)."""
        tokens = _tokens(strip_prefixes(text))
        if not tokens:
            return 0.0, 0.0
        cache = self._cache
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        words = []
        for raw, _, _ in tokens:
            known = cache.get(raw)
            if known is None:
                plain = fold(raw)
                known = cache[raw] = (plain, demutate(plain), *self._word(raw, plain))
            words.append(known)
        skip = self._place_positions([w[1] for w in words])
        if not (text.islower() or text.isupper()):  # else capitals say nothing about names
            named = [(raw, w[0], n) for (raw, _, n), w in zip(tokens, words, strict=True)]
            skip |= _name_positions(named)
        irish = english = 0.0
        for index, (raw, _, _) in enumerate(tokens):
            if index in skip:
                # "i gCathair na Mart", "ó Bhéal an Átha", "do Mham": Irish grammar on a name
                # (but the "Mh" of "Béal an Mhuirthead" is part of the name).
                starts_name = index - 1 not in skip
                if starts_name and (_MUTATED_CAPITAL.match(raw) or _LENITED_CAPITAL.match(raw)):
                    irish += 1.0
                continue
            irish += words[index][2]
            english += words[index][3]
        return irish, english

    def _word(self, raw: str, plain: str) -> tuple[float, float]:
        if not plain.isalpha() or plain in NEUTRAL_WORDS:
            return 0.0, 0.0  # "F23", "087", "ok"
        if len(plain) == 1 and raw != "I" and not _has_fada(raw):
            return 0.0, 0.0  # "a", "i", "x": both languages, or neither
        if plain in self._irish_only:
            return 1.0, 0.0
        if plain in self._english_only:
            return 0.0, 1.0
        if plain in self._both:
            if raw == "I":
                return 0.0, 1.0
            return (_FADA_HINT, 0.0) if _has_fada(raw) else (0.0, 0.0)
        if len(plain) < 3:
            return 0.0, 0.0
        if plain.startswith(_IRISH_ONLY_STARTS) or (
            demutate(plain) != plain and demutate(plain) in self._irish
        ):
            return 1.0, 0.0  # "bhfuil", "mham", "gcógas", "chógas"
        if any(form in self._irish for form in readings(plain)):
            return 1.0, 0.0  # "hospidéal", "béilí", "cuairteanna"
        if stem(plain) in self._english_stems:
            return 0.0, 1.0  # "dinners", "medications"
        return _spelling(raw.lower(), plain)

    def _place_positions(self, keys: list[str]) -> set[int]:
        """Positions of the listed place names (``keys``: the words folded and demutated)."""
        if self._places.keys().isdisjoint(keys):
            return set()
        found: set[int] = set()
        for start, key in enumerate(keys):
            for name in self._places.get(key, ()):
                if tuple(keys[start : start + len(name)]) == name:
                    found.update(range(start, start + len(name)))
                    break
        return found


def _tokens(text: str) -> list[tuple[str, str, int]]:
    """(as written, "", sentence number) for each word (folded later, once per new word)."""
    tokens: list[tuple[str, str, int]] = []
    sentence = 0
    for piece in _PIECE.findall(text):
        if piece in ".!?\n":
            if tokens and tokens[-1][2] == sentence:
                sentence += 1
        else:
            tokens.append((piece, "", sentence))
    return tokens


def _name_positions(tokens: list[tuple[str, str, int]]) -> set[int]:
    """Capitalised words that are names: inside a sentence, or starting a run of them."""
    capital = [_is_capitalised(raw) for raw, _, _ in tokens]
    first = [i == 0 or tokens[i][2] != tokens[i - 1][2] for i in range(len(tokens))]
    names: set[int] = set()
    for i, (raw, plain, sentence) in enumerate(tokens):
        if not capital[i] or raw == "I":
            continue
        if not first[i]:
            names.add(i)
            continue
        # A sentence's first word is a name only when the name goes on: "Béal an Átha".
        j = i + 1
        while j < len(tokens) and tokens[j][1] in _NAME_JOINERS and not capital[j]:
            j += 1
        if j < len(tokens) and capital[j] and tokens[j][2] == sentence and tokens[j][0] != "I":
            names.add(i)
    # The small words joining two capitalised ones belong to the name: "Cathair na Mart".
    for i in range(1, len(tokens) - 1):
        if tokens[i][1] in _NAME_JOINERS and (i - 1) in names:
            j = i
            while j < len(tokens) and tokens[j][1] in _NAME_JOINERS and not capital[j]:
                j += 1
            if j < len(tokens) and j in names:
                names.update(range(i, j))
    return names


def _is_capitalised(raw: str) -> bool:
    return raw[0].isupper() or bool(_MUTATED_CAPITAL.match(raw))


def _has_fada(raw: str) -> bool:
    return not _FADAS.isdisjoint(raw.lower())


def _spelling(lower: str, plain: str) -> tuple[float, float]:
    """Evidence from how an unknown word is spelt."""
    irish = english = 0.0
    if _has_fada(lower):
        irish += _SPELLING_CUE
    if plain.endswith(_IRISH_ENDINGS):
        irish += _SPELLING_CUE
    if any(group in plain for group in _IRISH_GROUPS):
        irish += _SPELLING_CUE
    if not _ENGLISH_LETTERS.isdisjoint(plain):
        english += _SPELLING_CUE
    if plain.endswith(_ENGLISH_ENDINGS):
        english += _SPELLING_CUE
    if any(group in plain for group in _ENGLISH_GROUPS):
        english += _SPELLING_CUE
    return min(irish, _MAX_SPELLING), min(english, _MAX_SPELLING)


_DEFAULT = LanguageDetector()


def detect(text: str) -> Language | None:
    """Irish or English from function words and spelling alone (no routing vocabulary).

    The classifier's detector (``Classification.language``) also knows every word of the
    routing file's vocabularies and its Irish place names, and is the one the bot uses.
    """
    return _DEFAULT.detect(text)
