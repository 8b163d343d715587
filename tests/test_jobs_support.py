"""Helpers shared by the job tests (no tests here)."""

from __future__ import annotations

from pathlib import Path


def process_gone(pid: int) -> bool:
    """Exited (a zombie waiting for its reaper counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "\nState:\tZ" in state or "\nState:\tX" in state


def process_children() -> dict[int, list[int]]:
    """Parent pid -> child pids, of every process visible in /proc."""
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])  # the name may contain spaces
        tree.setdefault(parent, []).append(int(entry.name))
    return tree
