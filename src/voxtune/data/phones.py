"""The en-US phone set user lexicons are checked against (ARPAbet, as in CMUdict/pocketsphinx).

Azure's phonetic lexicon for en-US is written in its SAPI-style set, lowercase ("k ae t"); it
maps onto ARPAbet one to one except `ax` (schwa, ARPAbet AH) and `h` (ARPAbet HH). Lowercase is
accepted and mapped to upper case; CMUdict-style stress digits (AH0) are dropped because the
recognizer's dictionary does not use them.
"""

from __future__ import annotations

import re

# fmt: off
EN_US_PHONES = frozenset({
    "AA", "AE", "AH", "AO", "AW", "AY", "B", "CH", "D", "DH", "EH", "ER", "EY", "F", "G", "HH",
    "IH", "IY", "JH", "K", "L", "M", "N", "NG", "OW", "OY", "P", "R", "S", "SH", "T", "TH",
    "UH", "UW", "V", "W", "Y", "Z", "ZH",
})  # 39 phones
# fmt: on
_SAPI_ALIASES = {"AX": "AH", "H": "HH"}
_STRESS = re.compile(r"(?<=[A-Z])[012]$")


def normalize_phones(phones: str) -> tuple[str, ...]:
    """Space-separated phones -> upper-case ARPAbet; ValueError naming any unknown phone."""
    result: list[str] = []
    unknown: list[str] = []
    for token in phones.split():
        phone = _STRESS.sub("", token.upper())
        phone = _SAPI_ALIASES.get(phone, phone)
        if phone in EN_US_PHONES:
            result.append(phone)
        else:
            unknown.append(token)
    if unknown:
        raise ValueError(f"unknown en-US phone(s): {' '.join(unknown)}")
    if not result:
        raise ValueError("no phones")
    return tuple(result)
