"""Lexicon: a pronunciation dictionary in pocketsphinx's format.

    word PH ON ES
    word(2) PH ON ES      <- a second pronunciation (variant) of `word`

Loading the bundled cmudict-en-us.dict (3.3 MB, 135k lines) takes about 0.2 s: each word keeps
its pronunciations as the phone strings of the file and splits them only when asked. A Lexicon
is never modified in place: `with_pronunciations`/`subset` return new ones. Words are looked up
exactly as given (pocketsphinx's dictionary is case-sensitive; the base is lowercase).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from voxtune.errors import ModelError
from voxtune.lexicon.phones import Phones, PhoneSet

_VARIANT = re.compile(r"^(.+)\((\d+)\)$")  # "word(2)": the 2nd pronunciation of "word"


def split_variant(entry: str) -> tuple[str, int]:
    """A dictionary entry name as (word, pronunciation number): "a(2)" -> ("a", 2), "a" -> 1."""
    match = _VARIANT.match(entry)
    return (match.group(1), int(match.group(2))) if match else (entry, 1)


@dataclass(frozen=True)
class InvalidEntry:
    word: str
    phones: Phones
    unknown: tuple[str, ...]  # the phones the acoustic model does not have


class Lexicon:
    """word -> its pronunciations, in order (the first is the main one)."""

    def __init__(self, entries: Mapping[str, tuple[str, ...]]) -> None:
        # Each value: the pronunciations as space-joined phone strings, deduplicated.
        self._entries = dict(entries)

    @classmethod
    def load(cls, path: Path) -> Lexicon:
        """Reads a pocketsphinx dictionary; ModelError if unreadable or a line has no phones."""
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ModelError(f"dictionary {path} cannot be read: {exc}") from exc
        entries: dict[str, tuple[str, ...]] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            # Any whitespace separates (hand-edited files have tabs and runs of spaces).
            word, _, phones = " ".join(line.split()).partition(" ")
            if not word:
                continue
            if not phones:
                raise ModelError(f"{path}:{number}: {word!r} has no phones")
            word, _ = split_variant(word)
            known = entries.get(word)
            if known is None:
                entries[word] = (phones,)
            elif phones not in known:
                entries[word] = (*known, phones)
        return cls(entries)

    @classmethod
    def from_pronunciations(cls, items: Iterable[tuple[str, Iterable[Phones]]]) -> Lexicon:
        return cls({}).with_pronunciations(items)

    def __contains__(self, word: object) -> bool:
        return word in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Lexicon) and self._entries == other._entries

    __hash__ = None  # type: ignore[assignment]  # equal by content, and too big to hash

    def __repr__(self) -> str:
        return f"Lexicon({len(self._entries)} words)"

    def words(self) -> list[str]:
        """Every word, sorted (code point order), so output built from it is stable."""
        return sorted(self._entries)

    def pronunciations(self, word: str) -> tuple[Phones, ...]:
        """The pronunciations of `word`, main one first; () if the word is unknown."""
        return tuple(tuple(p.split()) for p in self._entries.get(word, ()))

    def with_pronunciations(
        self, items: Iterable[tuple[str, Iterable[Phones]]], *, replace: bool = True
    ) -> Lexicon:
        """A copy with these words added. replace=True: they lose the pronunciations they had
        (user pronunciations win); False: the new ones become extra variants."""
        entries = dict(self._entries)
        for word, prons in items:
            if not word or any(c.isspace() for c in word):
                raise ValueError(f"a dictionary word is one token, not {word!r}")
            joined = tuple(" ".join(p) for p in prons if p)
            if not joined:
                raise ValueError(f"no phones given for {word!r}")
            old = () if replace else entries.get(word, ())
            entries[word] = tuple(dict.fromkeys((*old, *joined)))
        return Lexicon(entries)

    def subset(self, words: Iterable[str]) -> Lexicon:
        """Only `words`; KeyError naming the ones this lexicon does not have."""
        wanted = set(words)
        missing = sorted(wanted - self._entries.keys())
        if missing:
            shown = " ".join(missing[:10]) + (" ..." if len(missing) > 10 else "")
            raise KeyError(f"{len(missing)} word(s) not in the lexicon: {shown}")
        return Lexicon({w: self._entries[w] for w in wanted})

    def invalid_entries(self, phone_set: PhoneSet) -> tuple[InvalidEntry, ...]:
        """Every pronunciation that uses a phone the acoustic model does not have."""
        found = []
        for word in self.words():
            for phones in self.pronunciations(word):
                unknown = phone_set.unknown(phones)
                if unknown:
                    found.append(InvalidEntry(word, phones, unknown))
        return tuple(found)

    def lines(self) -> Iterator[str]:
        """The dictionary in pocketsphinx format: words sorted, variants in their order."""
        for word in self.words():
            for index, phones in enumerate(self._entries[word], start=1):
                yield f"{word} {phones}" if index == 1 else f"{word}({index}) {phones}"

    def write(self, path: Path) -> None:
        """Writes the dictionary (UTF-8, LF) atomically: a reader never sees half a file."""
        tmp = path.with_name(path.name + ".tmp")
        with tmp.open("w", encoding="utf-8", newline="\n") as handle:
            for line in self.lines():
                handle.write(line + "\n")
        os.replace(tmp, path)
