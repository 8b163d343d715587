"""Dataset parsing and validation for the six Azure Custom Speech dataset kinds.

Each parser returns a typed result plus a `DatasetReport` listing every rejected item with its
reason; only a dataset that cannot be read at all raises (DatasetError, TextEncodingError).
Nothing is ever extracted to disk: zips are read entry by entry through `safezip`.
"""

from voxtune.data.acoustic import AcousticDataset, Utterance, iter_audio, parse_acoustic
from voxtune.data.audio_files import (
    AudioFile,
    AudioFilesDataset,
    iter_audio_files,
    parse_audio_files,
)
from voxtune.data.check import ParsedDataset, check_dataset, parse_dataset
from voxtune.data.formatting import (
    FormattingRules,
    FormattingTest,
    ItnPattern,
    OutputFormattingDataset,
    ProfanityPhrase,
    Rewrite,
    parse_output_formatting,
)
from voxtune.data.kind import DatasetKind
from voxtune.data.language import LanguageDataset, Sentence, parse_language
from voxtune.data.markdown import (
    LanguageMarkdown,
    LexiconEntry,
    SentenceTemplate,
    WordList,
    parse_language_markdown,
)
from voxtune.data.pronunciation import Pronunciation, PronunciationDataset, parse_pronunciation
from voxtune.data.report import DatasetReport, ReportEntry
from voxtune.data.safezip import SafeZip, ZipLimits, ZipMember, open_zip
from voxtune.data.textio import read_text

__all__ = [
    "AcousticDataset",
    "AudioFile",
    "AudioFilesDataset",
    "DatasetKind",
    "DatasetReport",
    "FormattingRules",
    "FormattingTest",
    "ItnPattern",
    "LanguageDataset",
    "LanguageMarkdown",
    "LexiconEntry",
    "OutputFormattingDataset",
    "ParsedDataset",
    "ProfanityPhrase",
    "Pronunciation",
    "PronunciationDataset",
    "ReportEntry",
    "Rewrite",
    "SafeZip",
    "Sentence",
    "SentenceTemplate",
    "Utterance",
    "WordList",
    "ZipLimits",
    "ZipMember",
    "check_dataset",
    "iter_audio",
    "iter_audio_files",
    "open_zip",
    "parse_acoustic",
    "parse_audio_files",
    "parse_dataset",
    "parse_language",
    "parse_language_markdown",
    "parse_output_formatting",
    "parse_pronunciation",
    "read_text",
]
