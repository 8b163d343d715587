"""What every engine's training writes into a bundle beside its model: the OutputFormatting
rules (applied in the order they were given) and the training report."""

from __future__ import annotations

from pathlib import Path

FORMATTING_DIR = "formatting"
REPORT_FILE = "training-report.json"


def write_formatting(files: list[tuple[str, bytes]], work: Path) -> tuple[str, ...]:
    """The files (name, content) numbered into FORMATTING_DIR; the names they got there."""
    if not files:
        return ()
    folder = work / FORMATTING_DIR
    folder.mkdir()
    names = []
    for number, (name, data) in enumerate(files):
        target = f"{number:02d}-{Path(name).name}"
        (folder / target).write_bytes(data)
        names.append(target)
    return tuple(names)
