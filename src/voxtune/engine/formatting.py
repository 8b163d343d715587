"""A bundle's display formatter: the built-in rules of its locale plus the OutputFormatting
files training copied into it (`formatting/`, applied in the order they were given)."""

from __future__ import annotations

from collections.abc import Iterable

from voxtune.data.formatting import FormattingRules, parse_output_formatting
from voxtune.engine.bundle import ModelBundle
from voxtune.errors import ModelError, VoxtuneError
from voxtune.text.display import DisplayFormatter


def bundle_formatter(bundle: ModelBundle) -> DisplayFormatter:
    """ModelError if a formatting file of the bundle no longer parses."""
    folder = bundle.formatting_rules_path
    try:
        files = [(p.name, p.read_bytes()) for p in sorted(folder.iterdir())] if folder else []
        return formatter_from_files(files, bundle.locale)
    except (OSError, VoxtuneError) as exc:
        raise ModelError(f"{bundle.name}: its formatting rules do not load: {exc}") from exc


def formatter_from_files(files: Iterable[tuple[str, bytes]], locale: str) -> DisplayFormatter:
    """OutputFormatting files (name, content), their rules joined in order."""
    rules = FormattingRules()
    for name, data in files:
        parsed = parse_output_formatting(data, name).rules
        rules = FormattingRules(
            rules.itn + parsed.itn,
            rules.rewrites + parsed.rewrites,
            rules.profanity + parsed.profanity,
            rules.tests + parsed.tests,
        )
    return DisplayFormatter(rules, locale)
