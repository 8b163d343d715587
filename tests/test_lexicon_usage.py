"""Pronunciation variants pruned by what forced alignment chose in the training audio."""

from __future__ import annotations

from voxtune.lexicon import Lexicon, prune_unheard_variants
from voxtune.lexicon.usage import variant_counts

LEXICON = Lexicon(
    {"a": ("AH", "EY"), "and": ("AH N D", "AE N D"), "zero": ("Z IH R OW", "Z IY R OW"),
     "b": ("B IY",)}
)


def test_variant_counts_by_word_and_number() -> None:
    counts = variant_counts([("a(2)", 12), ("a", 1), ("b", 3)])
    assert counts == {"a": {2: 12, 1: 1}, "b": {1: 3}}


def test_a_variant_hardly_ever_chosen_for_a_word_heard_often_is_removed() -> None:
    usage = [("a(2)", 39), ("a", 1), ("zero", 6), ("zero(2)", 7)]
    pruned, removed = prune_unheard_variants(LEXICON, usage)
    assert pruned.pronunciations("a") == (("EY",),)
    assert [(r.word, r.phones, r.heard, r.chosen) for r in removed] == [("a", "AH", 40, 1)]
    assert pruned.pronunciations("zero") == LEXICON.pronunciations("zero")  # both heard
    assert pruned.pronunciations("and") == LEXICON.pronunciations("and")  # never heard


def test_rarely_heard_and_user_words_keep_every_variant() -> None:
    pruned, removed = prune_unheard_variants(LEXICON, [("a(2)", 9), ("and", 30)], keep={"and"})
    assert removed == () and pruned == LEXICON
