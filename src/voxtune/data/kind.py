"""The dataset kinds, spelled as the Azure Speech-to-text API spells them (`DatasetKind`)."""

from __future__ import annotations

from enum import StrEnum


class DatasetKind(StrEnum):
    ACOUSTIC = "Acoustic"  # zip: audio + transcript file
    AUDIO_FILES = "AudioFiles"  # zip: audio only
    LANGUAGE = "Language"  # plain text, one sentence per line
    LANGUAGE_MARKDOWN = "LanguageMarkdown"  # structured text (.md)
    PRONUNCIATION = "Pronunciation"  # display<TAB>spoken form
    OUTPUT_FORMATTING = "OutputFormatting"  # .md with #itn, #rewrite, #profanity, #test

    @classmethod
    def parse(cls, name: str) -> DatasetKind:
        """Accept the Azure spelling case-insensitively (the CLI and API both take strings)."""
        for kind in cls:
            if kind.value.lower() == name.strip().lower():
                return kind
        choices = ", ".join(kind.value for kind in cls)
        raise ValueError(f"unknown dataset kind {name!r}; expected one of: {choices}")
