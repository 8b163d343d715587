"""Read every training dataset into one corpus: LM sentences, lists, pronunciations, audio.

Datasets are parsed by data/ (each with its report); this module only gathers what training
uses from them. A dataset that cannot be read at all fails training with its own error; items
a parser rejected are listed in the dataset's report, which goes into the training report.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from voxtune.data import (
    AcousticDataset,
    DatasetReport,
    parse_acoustic,
    parse_language,
    parse_language_markdown,
    parse_output_formatting,
    parse_pronunciation,
)
from voxtune.data.markdown_types import LIST_REFERENCE
from voxtune.engine.bundle import file_sha256
from voxtune.errors import DatasetError, InvalidInputError
from voxtune.lexicon import (
    PhoneSet,
    UserPronunciation,
    from_phonetic_lexicon,
    from_spoken_form,
)
from voxtune.lm.classes import WordClass, class_token
from voxtune.text import lexical_tokens


@dataclass(frozen=True)
class TrainingInputs:
    """What a user trains on, by dataset kind (Azure names in comments)."""

    acoustic: Sequence[Path] = ()  # Acoustic: zips of audio + trans.txt
    text: Sequence[Path] = ()  # Language: plain text, one sentence per line
    markdown: Sequence[Path] = ()  # LanguageMarkdown: structured text
    pronunciation: Sequence[Path] = ()  # Pronunciation: display<TAB>spoken form
    formatting: Sequence[Path] = ()  # OutputFormatting: display rules
    inline_text: Sequence[str] = ()  # text given with the request, one sentence per entry


@dataclass(frozen=True)
class DatasetUse:
    path: str
    kind: str
    report: DatasetReport


@dataclass
class TrainingCorpus:
    """Everything training takes from the datasets, normalized to lexical tokens."""

    sentences: list[list[str]] = field(default_factory=list)  # may contain class tokens
    classes: list[WordClass] = field(default_factory=list)
    pronunciations: list[UserPronunciation] = field(default_factory=list)
    acoustic: list[AcousticDataset] = field(default_factory=list)
    formatting_files: list[tuple[str, bytes]] = field(default_factory=list)
    datasets: list[DatasetUse] = field(default_factory=list)
    rejected_pronunciations: list[str] = field(default_factory=list)

    @property
    def word_count(self) -> int:
        return sum(len(s) for s in self.sentences)


def read_corpus(inputs: TrainingInputs, phone_set: PhoneSet, locale: str) -> TrainingCorpus:
    corpus = TrainingCorpus()
    for path in inputs.acoustic:
        dataset = parse_acoustic(path, locale)
        corpus.acoustic.append(dataset)
        corpus.datasets.append(DatasetUse(str(path), "Acoustic", dataset.report))
        corpus.sentences += [_tokens(u.normalized) for u in dataset.utterances]
    for path in inputs.text:
        language = parse_language(_read(path), path.name, locale)
        corpus.datasets.append(DatasetUse(str(path), "Language", language.report))
        corpus.sentences += [_tokens(s.normalized) for s in language.sentences]
    for path in inputs.markdown:
        _add_markdown(corpus, path, phone_set, locale)
    for path in inputs.pronunciation:
        parsed = parse_pronunciation(_read(path), path.name)
        corpus.datasets.append(DatasetUse(str(path), "Pronunciation", parsed.report))
        corpus.pronunciations += [from_spoken_form(p.display, p.spoken) for p in parsed.entries]
    for path in inputs.formatting:
        data = _read(path)
        rules = parse_output_formatting(data, path.name)
        corpus.datasets.append(DatasetUse(str(path), "OutputFormatting", rules.report))
        corpus.formatting_files.append((path.name, data))
    corpus.sentences += [
        tokens for line in inputs.inline_text if (tokens := lexical_tokens(line, locale))
    ]
    corpus.sentences = [s for s in corpus.sentences if s]
    _keep_user_words(corpus, locale)
    if not corpus.sentences:
        raise DatasetError("the datasets contain no usable text or transcripts to train on")
    return corpus


def dataset_hashes(inputs: TrainingInputs) -> dict[str, str]:
    """sha256 of each dataset file (and of the inline text), for the manifest and the report."""
    paths = [*inputs.acoustic, *inputs.text, *inputs.markdown, *inputs.pronunciation,
             *inputs.formatting]
    hashes = {str(p): file_sha256(p) for p in paths}
    if inputs.inline_text:
        joined = "\n".join(inputs.inline_text).encode()
        hashes["inline-text"] = hashlib.sha256(joined).hexdigest()
    return hashes


def _add_markdown(corpus: TrainingCorpus, path: Path, phone_set: PhoneSet, locale: str) -> None:
    markdown = parse_language_markdown(_read(path), path.name, locale)
    corpus.datasets.append(DatasetUse(str(path), "LanguageMarkdown", markdown.report))
    # Lists become classes: a template is counted once with the class token, not once per item.
    for word_list in markdown.lists:
        items = tuple(tuple(item.split()) for item in word_list.normalized if item.split())
        if items:
            corpus.classes.append(WordClass(word_list.name, items))
            # A list is also text on its own: a user may say just the item.
            corpus.sentences += [list(item) for item in items]
    for template in markdown.templates:
        text = LIST_REFERENCE.sub(lambda m: f" {class_token(m.group(1))} ", template.normalized)
        corpus.sentences.append(text.split())
    by_word: dict[str, list[tuple[str, ...]]] = {}
    for entry in markdown.lexicon:
        by_word.setdefault(entry.word, []).append(entry.phones)
    for word, prons in by_word.items():
        try:
            corpus.pronunciations.append(
                from_phonetic_lexicon(word, [" ".join(p) for p in prons], phone_set)
            )
        except InvalidInputError as exc:
            corpus.rejected_pronunciations.append(f"{word}: {exc}")


def _keep_user_words(corpus: TrainingCorpus, locale: str) -> None:
    """A user word ("3CPO" -> lexical "3cpo") is written in text as its display form, which
    normalization splits ("three cpo"): put the user's token back, or the LM never sees it."""
    patterns = {}
    for pronunciation in corpus.pronunciations:
        split = tuple(lexical_tokens(pronunciation.display, locale))
        if split and split != (pronunciation.word,):
            patterns[split] = pronunciation.word
    if not patterns:
        return
    longest = max(len(p) for p in patterns)
    for index, sentence in enumerate(corpus.sentences):
        out: list[str] = []
        position = 0
        while position < len(sentence):
            for size in range(min(longest, len(sentence) - position), 0, -1):
                word = patterns.get(tuple(sentence[position : position + size]))
                if word is not None:
                    out.append(word)
                    position += size
                    break
            else:
                out.append(sentence[position])
                position += 1
        corpus.sentences[index] = out


def _tokens(text: str) -> list[str]:
    return text.split()


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InvalidInputError(f"cannot read {path}: {exc.strerror or exc}") from exc
