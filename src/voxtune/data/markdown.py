"""LanguageMarkdown datasets (structured text): lists, sentence templates, phonetic lexicon.

```
@ list cities =            a list: `- item` lines follow
@ speech:phoneticlexicon   a lexicon: `- word/phones` lines follow
#CityQuestions             a section: `- sentence` lines, which may reference `{@cities}`
// comment
```
Templates and lists are kept apart, never expanded: the language model treats a list as a
word class (expansion explodes combinatorially). `sample_sentences` draws a few for tests.
Limits (Azure): 20 lists, 35,000 items per list, 15,000 lexicon entries, 2 pronunciations
per word; lines beyond them are rejected entries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from voxtune.data.kind import DatasetKind
from voxtune.data.markdown_types import (
    LIST_REFERENCE,
    LanguageMarkdown,
    LexiconEntry,
    SentenceTemplate,
    WordList,
)
from voxtune.data.phones import normalize_phones
from voxtune.data.report import ReportBuilder
from voxtune.data.textio import decode_text, suspicious_text_note, text_lines
from voxtune.errors import DatasetError
from voxtune.text import normalize_lexical

__all__ = [
    "LanguageMarkdown",
    "LexiconEntry",
    "SentenceTemplate",
    "WordList",
    "parse_language_markdown",
]

MAX_MARKDOWN_BYTES = 200 * 1024 * 1024  # same cap as plain text
MAX_LISTS = 20
MAX_LIST_ITEMS = 35_000
MAX_LEXICON_ENTRIES = 15_000
MAX_PRONUNCIATIONS_PER_WORD = 2
_LIST_HEADER = re.compile(r"^@\s*list\s+(.*?)\s*=\s*$", re.IGNORECASE)
_LEXICON_HEADER = re.compile(r"^@\s*speech\s*:\s*phoneticlexicon\s*$", re.IGNORECASE)
_LIST_NAME = re.compile(r"^[^\s{}@=]+$")


def parse_language_markdown(
    data: bytes, name: str = "structured-text.md", locale: str = "en-US"
) -> LanguageMarkdown:
    """Parse a structured-text dataset; DatasetError if it is too large or empty."""
    if len(data) > MAX_MARKDOWN_BYTES:
        raise DatasetError(f"{name} is {len(data)} bytes; the limit is {MAX_MARKDOWN_BYTES}")
    decoded = decode_text(data, name)
    if not decoded.text.strip():
        raise DatasetError(f"{name} is empty")
    parser = _Parser(name, locale)
    if decoded.lenient_note:
        parser.report.note(f"{name}: {decoded.lenient_note}")
    for number, raw in enumerate(text_lines(decoded.text), start=1):
        parser.feed(raw.strip(), number)
    return parser.finish()


@dataclass
class _OpenList:
    name: str
    line: int
    items: list[str]
    seen: set[str]


@dataclass(frozen=True)
class _Section:
    name: str


class _Lexicon:
    """The block opened by `@ speech:phoneticlexicon`."""


class _Parser:
    """One pass over the lines; `block` is what the last header opened."""

    def __init__(self, name: str, locale: str) -> None:
        self.name = name
        self.locale = locale
        self.report = ReportBuilder(DatasetKind.LANGUAGE_MARKDOWN)
        self.block: _OpenList | _Lexicon | _Section | None = None
        self.lists: dict[str, _OpenList] = {}
        self.lexicon: list[LexiconEntry] = []
        self.pronunciations: dict[str, list[tuple[str, ...]]] = {}  # casefolded word -> phones
        self.keep: set[str] = set()  # lexicon words normalization must not touch (see finish)
        self.sentences: list[tuple[str, str, int]] = []  # section, text, line
        self.validate_phones = locale.lower().startswith("en")
        if not self.validate_phones:
            self.report.note(f"phones are not validated for locale {locale}")

    def feed(self, line: str, number: int) -> None:
        if not line or line.startswith("//"):
            self.report.skip()
        elif line.startswith("@"):
            self._directive(line, number)
        elif line.startswith("#"):
            self.report.skip()
            self.block = _Section(line[1:].strip())
        elif line.startswith("-"):
            self._item(line[1:].strip(), number)
        else:
            self.report.reject(
                self.name, "expected '- item', '@ header', '#Section' or '//'", number
            )

    def _directive(self, line: str, number: int) -> None:
        if _LEXICON_HEADER.match(line):
            self.report.skip()
            self.block = _Lexicon()
            return
        match = _LIST_HEADER.match(line)
        if not match or not _LIST_NAME.match(match.group(1)):
            self.block = None
            self.report.reject(
                self.name, "expected '@ list NAME =' or '@ speech:phoneticlexicon'", number
            )
        elif match.group(1) in self.lists:
            self.block = self.lists[match.group(1)]
            self.report.skip()
            self.report.note(f"line {number}: list '{match.group(1)}' declared again; merged")
        elif len(self.lists) >= MAX_LISTS:
            self.block = None
            self.report.reject(self.name, f"more than {MAX_LISTS} lists", number)
        else:
            self.block = self.lists[match.group(1)] = _OpenList(match.group(1), number, [], set())
            self.report.skip()

    def _item(self, text: str, number: int) -> None:
        block = self.block
        if not text:
            self.report.reject(self.name, "empty item", number)
        elif block is None:
            self.report.reject(self.name, "item outside any list, lexicon or section", number)
        elif isinstance(block, _OpenList):
            self._list_item(block, text, number)
        elif isinstance(block, _Lexicon):
            self._lexicon_entry(text, number)
        else:
            self.sentences.append((block.name, text, number))

    def _list_item(self, block: _OpenList, text: str, number: int) -> None:
        if len(block.items) >= MAX_LIST_ITEMS:
            self.report.reject(
                self.name, f"list '{block.name}' has more than {MAX_LIST_ITEMS} items", number
            )
        elif text in block.seen:
            self.report.reject(self.name, f"duplicate item in list '{block.name}'", number)
        else:
            block.items.append(text)
            block.seen.add(text)
            self.report.accept(self.name, suspicious_text_note(text), number)

    def _lexicon_entry(self, text: str, number: int) -> None:
        word, slash, phones = text.rpartition("/")
        word = word.strip()
        key = word.casefold()
        if not slash or not word:
            self.report.reject(self.name, "expected 'word/phones'", number)
            return
        try:
            parsed = normalize_phones(phones) if self.validate_phones else tuple(phones.split())
        except ValueError as error:
            self.report.reject(self.name, f"'{word}': {error}", number)
            return
        if not parsed:
            self.report.reject(self.name, f"'{word}': no phones", number)
        elif parsed in self.pronunciations.get(key, []):
            self.report.reject(self.name, f"duplicate pronunciation of '{word}'", number)
        elif len(self.pronunciations.get(key, [])) >= MAX_PRONUNCIATIONS_PER_WORD:
            reason = f"more than {MAX_PRONUNCIATIONS_PER_WORD} pronunciations of '{word}'"
            self.report.reject(self.name, reason, number)
        elif len(self.lexicon) >= MAX_LEXICON_ENTRIES:
            self.report.reject(
                self.name, f"more than {MAX_LEXICON_ENTRIES} lexicon entries", number
            )
        else:
            self.pronunciations.setdefault(key, []).append(parsed)
            self.lexicon.append(LexiconEntry(word, parsed, number))
            self.report.accept(self.name)

    def finish(self) -> LanguageMarkdown:
        self.keep = {entry.word.lower() for entry in self.lexicon if " " not in entry.word}
        lists: list[WordList] = []
        for block in self.lists.values():
            if not block.items:
                self.report.reject(self.name, f"list '{block.name}' has no items", block.line)
                continue
            normalized = tuple(self._normalize(item) for item in block.items)
            lists.append(WordList(block.name, tuple(block.items), normalized, block.line))
        names = {word_list.name for word_list in lists}
        templates = [
            template
            for section, text, number in self.sentences
            if (template := self._template(section, text, number, names))
        ]
        return LanguageMarkdown(
            tuple(lists), tuple(self.lexicon), tuple(templates), self.report.build()
        )

    def _template(
        self, section: str, text: str, number: int, names: set[str]
    ) -> SentenceTemplate | None:
        refs = tuple(LIST_REFERENCE.findall(text))
        pieces = LIST_REFERENCE.split(text)  # literal, name, literal, name, ..., literal
        literals = pieces[::2]
        unknown = [ref for ref in refs if ref not in names]
        reason = ""
        if any("{" in piece or "}" in piece for piece in literals):
            reason = "malformed list reference (expected '{@name}')"
        elif unknown:
            empty = [ref for ref in unknown if ref in self.lists]
            kind = "empty" if empty else "unknown"
            reason = f"{kind} list reference {{@{unknown[0]}}}"
        normalized = self._normalize_template(pieces) if not reason else ""
        if not reason and not normalized.strip():
            reason = "no words after normalization"
        if reason:
            self.report.reject(self.name, reason, number)
            return None
        self.report.accept(self.name, suspicious_text_note(text), number)
        return SentenceTemplate(section, text, normalized, refs, number)

    def _normalize_template(self, pieces: list[str]) -> str:
        """Normalize the literal words of a template and keep `{@list}` references in place."""
        words = [
            f"{{@{piece}}}" if index % 2 else self._normalize(piece)
            for index, piece in enumerate(pieces)
        ]
        return " ".join(word for word in words if word.strip())

    def _normalize(self, text: str) -> str:
        """Lexical form, except that words of the user's lexicon stay as written (lowercased).

        The official sample lists ".net" and gives it a pronunciation; normalizing it to "net"
        would detach the word from its lexicon entry.
        """
        parts: list[str] = []
        pending: list[str] = []
        for token in text.split():
            if token.lower() in self.keep:
                parts.append(normalize_lexical(" ".join(pending), self.locale))
                parts.append(token.lower())
                pending = []
            else:
                pending.append(token)
        parts.append(normalize_lexical(" ".join(pending), self.locale))
        return " ".join(part for part in parts if part)
