"""The dataset report: every accepted and rejected file or line, with the reason.

A report is what the service stores next to a dataset (Azure's `DatasetReport` file), so it
must survive `json.dumps(report.to_json())`. Totals are exact; entries list every rejected
item and those accepted items that carry a note (e.g. "text only", "not WAV PCM 16-bit").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from voxtune.data.kind import DatasetKind
from voxtune.units import Seconds

EntryStatus = Literal["accepted", "rejected"]
JsonValue = str | int | float | bool | None | list["JsonValue"] | dict[str, "JsonValue"]


@dataclass(frozen=True)
class ReportEntry:
    item: str  # file name inside the dataset, or the file name of a text dataset for lines
    status: EntryStatus
    reason: str = ""
    line: int | None = None  # 1-based line number in the text file the item comes from

    def to_json(self) -> dict[str, JsonValue]:
        return {"item": self.item, "status": self.status, "reason": self.reason, "line": self.line}

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> ReportEntry:
        status: EntryStatus = "accepted" if body["status"] == "accepted" else "rejected"
        line = body.get("line")
        number = int(line) if line is not None else None
        return cls(str(body["item"]), status, str(body.get("reason") or ""), number)


@dataclass(frozen=True)
class DatasetReport:
    kind: DatasetKind
    accepted: int  # items (audio files or lines) the dataset contributes
    rejected: int  # items dropped, each with an entry below
    skipped: int = 0  # blank lines and comments: not data, counted so totals add up
    audio_duration_s: Seconds = 0.0  # of accepted audio only
    entries: tuple[ReportEntry, ...] = ()
    notes: tuple[str, ...] = ()  # dataset-wide remarks (encoding, zip layout, leniency)

    @property
    def usable(self) -> bool:
        """A dataset with nothing accepted cannot be used for anything."""
        return self.accepted > 0

    @property
    def rejected_entries(self) -> tuple[ReportEntry, ...]:
        return tuple(entry for entry in self.entries if entry.status == "rejected")

    def to_json(self) -> dict[str, JsonValue]:
        return {
            "kind": self.kind.value,
            "usable": self.usable,
            "totals": {
                "accepted": self.accepted,
                "rejected": self.rejected,
                "skipped": self.skipped,
                "audioDurationSeconds": round(self.audio_duration_s, 3),
            },
            "notes": list(self.notes),
            "entries": [entry.to_json() for entry in self.entries],
        }

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> DatasetReport:
        """The report `to_json` wrote (what the service stores as the DatasetReport file)."""
        totals = body["totals"]
        return cls(
            kind=DatasetKind(body["kind"]),
            accepted=int(totals["accepted"]),
            rejected=int(totals["rejected"]),
            skipped=int(totals.get("skipped", 0)),
            audio_duration_s=float(totals.get("audioDurationSeconds", 0.0)),
            entries=tuple(ReportEntry.from_json(entry) for entry in body.get("entries", [])),
            notes=tuple(str(note) for note in body.get("notes", [])),
        )


@dataclass
class ReportBuilder:
    """Mutable collector the parsers fill in one pass; `build()` freezes it."""

    kind: DatasetKind
    accepted: int = 0
    rejected: int = 0
    skipped: int = 0
    audio_duration_s: Seconds = 0.0
    entries: list[ReportEntry] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def accept(self, item: str, note: str = "", line: int | None = None) -> None:
        """Count an accepted item; it gets an entry only when there is something to say."""
        self.accepted += 1
        if note:
            self.entries.append(ReportEntry(item, "accepted", note, line))

    def reject(self, item: str, reason: str, line: int | None = None) -> None:
        self.rejected += 1
        self.entries.append(ReportEntry(item, "rejected", reason, line))

    def add_rejected(self, entries: tuple[ReportEntry, ...]) -> None:
        for entry in entries:
            self.reject(entry.item, entry.reason, entry.line)

    def skip(self) -> None:
        self.skipped += 1

    def note(self, text: str) -> None:
        self.notes.append(text)

    def build(self) -> DatasetReport:
        return DatasetReport(
            kind=self.kind,
            accepted=self.accepted,
            rejected=self.rejected,
            skipped=self.skipped,
            audio_duration_s=self.audio_duration_s,
            entries=tuple(self.entries),
            notes=tuple(self.notes),
        )
