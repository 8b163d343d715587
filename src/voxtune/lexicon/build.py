"""build_lexicon: the decoder dictionary for a vocabulary, and the report of how it was made.

Every word of a language model must be in the decoder's dictionary (pocketsphinx drops LM words
it cannot pronounce, silently for the user). For each vocabulary word, first match wins:
  1. user pronunciations (Pronunciation datasets, phonetic lexicons), replacing the base's;
  2. the base dictionary (the word as written, then lowercased);
  3. `oov.pronounce_unknown`: spelled from dictionary entries, or the G2P model.
User words are included even when the vocabulary lacks them: the user asked for them.
Sentence and filler markers (`<s>`, `</s>`, `<unk>`, `[NOISE]`) are skipped: the model's noise
dictionary provides them, and a word like `<unk>` must not be pronounceable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

from voxtune.lexicon.dictionary import Lexicon
from voxtune.lexicon.g2p import G2P, default_g2p
from voxtune.lexicon.oov import Unpronounceable, pronounce_unknown
from voxtune.lexicon.phones import Phones, PhoneSet
from voxtune.lexicon.user import UserPronunciation

AddedSource = Literal["user", "g2p", "spelled"]
_MARKER = re.compile(r"<[^<>\s]*>|\[[^\[\]\s]*\]")  # <s>, </s>, <unk>, <sil>, [NOISE]


@dataclass(frozen=True)
class AddedWord:
    """A word whose pronunciation is not the base dictionary's."""

    word: str
    pronunciations: tuple[Phones, ...]  # main first
    source: AddedSource  # user: a user pronunciation; spelled: composed of dictionary
    # entries (letters, number words, parts); g2p: needed the G2P model

    @property
    def phones(self) -> Phones:
        return self.pronunciations[0]


class FailedWord(NamedTuple):
    word: str
    reason: str


@dataclass(frozen=True)
class LexiconBuild:
    lexicon: Lexicon  # exactly the vocabulary (and user words) with their pronunciations
    added: tuple[AddedWord, ...]  # sorted by word
    failed: tuple[FailedWord, ...]  # sorted by word; these are not in `lexicon`
    # User entries that could not be used although their word has other ones (it is in
    # `added` with those); a word with no usable entry is in `failed` instead.
    rejected_user: tuple[FailedWord, ...]
    from_base: int  # how many words kept the base dictionary's pronunciations


def build_lexicon(
    vocabulary: Iterable[str],
    *,
    base: Lexicon,
    user: Sequence[UserPronunciation] = (),
    g2p: G2P | None = None,
    phone_set: PhoneSet | None = None,
) -> LexiconBuild:
    """The dictionary for `vocabulary`. `g2p` defaults to the shipped model (loaded only if a
    word needs it); with `phone_set`, pronunciations using other phones are refused."""
    model = _LazyG2P(g2p)
    entries: dict[str, tuple[Phones, ...]] = {}
    added: dict[str, AddedWord] = {}
    failed: dict[str, str] = {}
    rejected: list[FailedWord] = []
    for word, prons in _user_entries(user, base, model, failed, rejected).items():
        entries[word] = prons
        added[word] = AddedWord(word, prons, "user")
    for word in dict.fromkeys(vocabulary):
        if word in entries or word in failed or not word.strip() or _MARKER.fullmatch(word):
            continue
        known = base.pronunciations(word) or base.pronunciations(word.lower())
        if known:
            entries[word] = known
            continue
        try:
            guess = pronounce_unknown(word, base, model)
        except Unpronounceable as exc:
            failed[word] = str(exc)
            continue
        entries[word] = (guess.phones,)
        added[word] = AddedWord(word, (guess.phones,), guess.source)
    if phone_set is not None:
        _drop_unknown_phones(entries, added, failed, phone_set)
    return LexiconBuild(
        lexicon=Lexicon.from_pronunciations(entries.items()),
        added=tuple(added[w] for w in sorted(added) if w in entries),
        failed=tuple(FailedWord(w, failed[w]) for w in sorted(failed)),
        rejected_user=tuple(rejected),
        from_base=sum(1 for w in entries if w not in added),
    )


def _user_entries(
    user: Sequence[UserPronunciation],
    base: Lexicon,
    g2p: G2P,
    failed: dict[str, str],
    rejected: list[FailedWord],
) -> dict[str, tuple[Phones, ...]]:
    """word -> its user pronunciations in the order given (duplicates dropped). A spoken
    form is the concatenation of its words' main pronunciations. A word none of whose entries
    can be pronounced goes to `failed`, not back to the base: the user asked otherwise."""
    found: dict[str, list[Phones]] = {}
    problems: list[FailedWord] = []
    for entry in user:
        found.setdefault(entry.word, []).extend(entry.phones)
        if entry.spoken:
            try:
                found[entry.word].append(_spoken_phones(entry.spoken, base, g2p))
            except Unpronounceable as exc:
                reason = f"spoken form of {entry.display!r}: {exc}"
                problems.append(FailedWord(entry.word, reason))
    for problem in problems:
        if found[problem.word]:
            rejected.append(problem)
        else:
            failed.setdefault(problem.word, problem.reason)
    return {word: tuple(dict.fromkeys(prons)) for word, prons in found.items() if prons}


def _spoken_phones(spoken: Sequence[str], base: Lexicon, g2p: G2P) -> Phones:
    phones: list[str] = []
    for word in spoken:
        known = base.pronunciations(word)
        phones.extend(known[0] if known else pronounce_unknown(word, base, g2p).phones)
    return tuple(phones)


def _drop_unknown_phones(
    entries: dict[str, tuple[Phones, ...]],
    added: dict[str, AddedWord],
    failed: dict[str, str],
    phone_set: PhoneSet,
) -> None:
    for word, prons in list(entries.items()):
        usable = tuple(p for p in prons if not phone_set.unknown(p))
        if usable == prons:
            continue
        if usable:
            entries[word] = usable
            if word in added:
                added[word] = AddedWord(word, usable, added[word].source)
        else:
            del entries[word]
            bad = " ".join(dict.fromkeys(p for pron in prons for p in phone_set.unknown(pron)))
            failed[word] = f"uses phone(s) the acoustic model does not have: {bad}"


class _LazyG2P:
    """Loads the default model on first use: most vocabularies never need it."""

    def __init__(self, g2p: G2P | None) -> None:
        self._g2p = g2p

    def predict(self, word: str) -> Phones:
        if self._g2p is None:
            self._g2p = default_g2p()
        return self._g2p.predict(word)
