"""Lexicon: pronunciation dictionaries, user pronunciations and G2P for unknown words.

Training loads the base dictionary (`Lexicon.load(base_bundle().dictionary_path)`), turns the
user's Pronunciation and phonetic lexicon entries into `UserPronunciation`s
(`from_spoken_form("3CPO", "three c p o")`), calls `build_lexicon(lm_words, base=..., user=...)`
and writes `build.lexicon` into the model bundle; `build.added` and `build.failed` go into the
training report.
"""

from voxtune.lexicon.build import AddedWord, FailedWord, LexiconBuild, build_lexicon
from voxtune.lexicon.dictionary import InvalidEntry, Lexicon
from voxtune.lexicon.g2p import G2P, JointSequenceG2P, LetterRuleG2P, default_g2p
from voxtune.lexicon.oov import Guess, Unpronounceable, letter_phones, pronounce_unknown
from voxtune.lexicon.phones import Phones, PhoneSet, parse_phones, read_phone_set
from voxtune.lexicon.usage import PrunedPronunciation, prune_unheard_variants
from voxtune.lexicon.user import (
    UserPronunciation,
    from_pairs,
    from_phonetic_lexicon,
    from_spoken_form,
    lexical_word,
)

__all__ = [
    "G2P",
    "AddedWord",
    "FailedWord",
    "Guess",
    "InvalidEntry",
    "JointSequenceG2P",
    "LetterRuleG2P",
    "Lexicon",
    "LexiconBuild",
    "PhoneSet",
    "Phones",
    "PrunedPronunciation",
    "Unpronounceable",
    "UserPronunciation",
    "build_lexicon",
    "default_g2p",
    "from_pairs",
    "from_phonetic_lexicon",
    "from_spoken_form",
    "letter_phones",
    "lexical_word",
    "parse_phones",
    "pronounce_unknown",
    "prune_unheard_variants",
    "read_phone_set",
]
