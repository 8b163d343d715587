"""`#itn` patterns of an OutputFormatting dataset: compiled once, applied after built-in ITN.

A pattern describes a WRITTEN form; the spoken input is that form cut into space-separated
tokens, as built-in ITN leaves it: `cat-\\d` turns "cat 9" into "cat-9", and
`\\d\\d{to>-}\\d\\d {K>cadence}` turns "20 to 30 k" into "20-30 cadence". Matching:
- a match starts at a token start and ends at a token end, never inside a token;
- between two atoms the input may have a space that the pattern does not write;
- literal letters and digits must be heard (case-insensitively) and are written as in the
  pattern; literal punctuation is optional in the input and always written; a literal space
  needs a token boundary and writes one space;
- `\\d`, `\\l`, `\\u`, `\\a` and `[a-c]` match one character; `{spoken>written}` and `{word}`
  match whole tokens (`{word}` writes nothing);
- groups try their alternatives in order and repeat greedily, with backtracking; an optional
  iteration that consumes no input is not taken, so `(%)?` writes "%" only when "%" was heard;
- of the matches at one start the longest wins (the first found on a tie); scanning resumes
  after it, so matches never overlap.
A step budget bounds the work, so nested repetitions such as `((\\d)*)*` cannot hang a request:
running out of steps counts as "no match".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from voxtune.data.itn_syntax import QUANTIFIERS, check_itn_pattern
from voxtune.errors import FormattingRuleError

MAX_STEPS = 500_000  # per apply_itn_rules call, over all rules and positions
# Per rule and start position, so one bad spot cannot starve the others; about 3 steps per
# matched character, so this also bounds a match to some 3,000 characters.
ATTEMPT_STEPS = 10_000
MAX_NESTING = 32  # group depth; the parser recurses per level
# quantifier -> (fewest, most) iterations; "" is a plain group
_REPEATS: dict[str, tuple[int, int | None]] = {
    "": (1, 1),
    "?": (0, 1),
    "+": (1, None),
    "*": (0, None),
}
_SPACE_RUNS = re.compile(" {2,}")


# --- AST -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Literal:
    """A character written as is: a letter or digit must be heard, punctuation may be."""

    char: str


@dataclass(frozen=True)
class Space:
    """A literal space: the input must be at a token boundary."""


@dataclass(frozen=True)
class CharClass:
    kind: str  # "d" digit; "l", "u", "a" letter written lowercased, uppercased, as heard


@dataclass(frozen=True)
class CharSet:
    ranges: tuple[tuple[str, str], ...]  # inclusive; a single character is (c, c)


@dataclass(frozen=True)
class Spoken:
    words: tuple[str, ...]  # lowercase tokens that must be heard in a row
    written: str  # "" for `{word}`: recognized and dropped


@dataclass(frozen=True)
class Group:
    alternatives: tuple[tuple[Atom, ...], ...]
    low: int  # fewest iterations
    high: int | None  # most iterations; None for unbounded


Atom = Literal | Space | CharClass | CharSet | Spoken | Group


@dataclass(frozen=True)
class ItnRule:
    """A compiled `#itn` pattern."""

    pattern: str
    atoms: tuple[Atom, ...]


# --- parser ----------------------------------------------------------------------------------


def compile_itn_rule(pattern: str) -> ItnRule:
    """Compile one #itn pattern; FormattingRuleError if it is malformed."""
    check_itn_pattern(pattern)  # the parser below relies on a well-formed pattern
    atoms, _ = _parse_sequence(pattern, 0, 0)
    return ItnRule(pattern, atoms)


def _parse_alternatives(
    pattern: str, i: int, depth: int
) -> tuple[tuple[tuple[Atom, ...], ...], int]:
    """Parse `A|B|...` from `i`; return the alternatives and the index of the closing ')'."""
    alternatives = []
    while True:
        atoms, i = _parse_sequence(pattern, i, depth)
        alternatives.append(atoms)
        if pattern[i] == ")":
            return tuple(alternatives), i
        i += 1  # past '|'


def _parse_sequence(pattern: str, i: int, depth: int) -> tuple[tuple[Atom, ...], int]:
    """Parse atoms from `i` up to '|', ')' or the end; return them and that index."""
    atoms: list[Atom] = []
    while i < len(pattern) and pattern[i] not in "|)":
        char = pattern[i]
        atom: Atom
        if char == "\\":
            i += 1
            escaped = pattern[i]
            atom = CharClass(escaped) if escaped in "dlua" else _literal(escaped)
        elif char == "(":
            if depth == MAX_NESTING:
                raise FormattingRuleError(f"groups nested deeper than {MAX_NESTING} levels")
            alternatives, i = _parse_alternatives(pattern, i + 1, depth + 1)
            quantifier = pattern[i + 1 : i + 2]
            if quantifier and quantifier in QUANTIFIERS:
                i += 1
            else:
                quantifier = ""
            atom = Group(alternatives, *_REPEATS[quantifier])
        elif char == "[":
            end = pattern.index("]", i)
            atom = CharSet(_ranges(pattern[i + 1 : end]))
            i = end
        elif char == "{":
            end = pattern.index("}", i)
            spoken, _, written = pattern[i + 1 : end].partition(">")
            atom = Spoken(tuple(spoken.lower().split()), written)
            i = end
        else:
            atom = _literal(char)
        if not (isinstance(atom, Space) and atoms and isinstance(atoms[-1], Space)):
            atoms.append(atom)  # a run of spaces is one token boundary
        i += 1
    return tuple(atoms), i


def _literal(char: str) -> Atom:
    return Space() if char.isspace() else Literal(char)


def _ranges(body: str) -> tuple[tuple[str, str], ...]:
    ranges = []
    k = 0
    while k < len(body):
        if k + 2 < len(body) and body[k + 1] == "-":
            ranges.append((body[k], body[k + 2]))
            k += 3
        else:
            ranges.append((body[k], body[k]))
            k += 1
    return tuple(ranges)


# --- matcher ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Repeat:
    """Reached after iteration number `count` of `group`, which began at input `start`."""

    group: Group
    count: int
    start: int


@dataclass(frozen=True)
class _Link:
    """What is left to match, as an immutable list the backtracking states share."""

    node: Atom | _Repeat
    rest: _Link | None


_State = tuple[_Link | None, int, str]  # left to match, input position, written so far


class _OutOfSteps(Exception):
    pass


class _Budget:
    def __init__(self, steps: int) -> None:
        self.left = steps
        self.attempt_left = 0

    def start_attempt(self) -> None:
        self.attempt_left = ATTEMPT_STEPS

    def spend(self) -> None:
        self.left -= 1
        self.attempt_left -= 1
        if self.left < 0 or self.attempt_left < 0:
            raise _OutOfSteps


def _chain(atoms: tuple[Atom, ...], rest: _Link | None) -> _Link | None:
    for atom in reversed(atoms):
        rest = _Link(atom, rest)
    return rest


def _longest_match(rule: ItnRule, text: str, start: int, budget: _Budget) -> tuple[int, str] | None:
    """The longest match of `rule` at token start `start`: its end and written form."""
    best: tuple[int, str] | None = None
    # Depth-first over an explicit stack, so long matches cannot hit the recursion limit.
    stack: list[_State] = [(_chain(rule.atoms, None), start, "")]
    budget.start_attempt()
    try:
        while stack:
            budget.spend()
            link, pos, written = stack.pop()
            if link is not None:
                # Pushed in reverse so that the preferred way is popped (tried) first.
                stack.extend(reversed(_successors(link, text, start, pos, written)))
            elif pos > start and _token_end(text, pos) and (best is None or pos > best[0]):
                best = (pos, written)
                if pos == len(text):
                    break  # nothing can be longer
    except _OutOfSteps:
        return None
    return best


def _token_end(text: str, pos: int) -> bool:
    return (pos == len(text) or text[pos] == " ") and text[pos - 1] != " "


def _successors(link: _Link, text: str, start: int, pos: int, written: str) -> list[_State]:
    """The states after matching `link.node` at `pos`, most preferred first."""
    node, rest = link.node, link.rest
    if isinstance(node, Group):
        return _iterations(node, 0, rest, pos, written)
    if isinstance(node, _Repeat):
        if pos > node.start:
            return _iterations(node.group, node.count, rest, pos, written)
        # An iteration that consumed nothing: repeating it changes nothing, and it is only
        # worth writing when the group had to match.
        return [(rest, pos, written)] if node.count <= node.group.low else []
    if isinstance(node, Space):
        return [(rest, pos + 1, written + " ")] if text.startswith(" ", pos) else []
    states: list[_State] = []
    # Every leaf needs a non-space character, so a space here is the unwritten token boundary.
    at = pos + 1 if pos > start and text.startswith(" ", pos) else pos
    hit = _match_leaf(node, text, at)
    if hit is not None:
        states.append((rest, hit[0], written + hit[1]))
    if isinstance(node, Literal) and not node.char.isalnum():
        states.append((rest, pos, written + node.char))  # punctuation not heard: still written
    return states


def _iterations(
    group: Group, count: int, rest: _Link | None, pos: int, written: str
) -> list[_State]:
    """After `count` iterations of `group`: one more (greedy) first, then stopping."""
    states: list[_State] = []
    if group.high is None or count < group.high:
        after = _Link(_Repeat(group, count + 1, pos), rest)
        states.extend((_chain(atoms, after), pos, written) for atoms in group.alternatives)
    if count >= group.low:
        states.append((rest, pos, written))
    return states


def _match_leaf(
    node: Literal | CharClass | CharSet | Spoken, text: str, at: int
) -> tuple[int, str] | None:
    """Match one leaf at exactly `at`: the end and what it writes, or None."""
    if isinstance(node, Spoken):
        return _match_spoken(node, text, at)
    if at >= len(text):
        return None
    char = text[at]
    if isinstance(node, Literal):
        return (at + 1, node.char) if char.lower() == node.char.lower() else None
    if isinstance(node, CharSet):
        variants = {char, char.lower(), char.upper()}
        inside = any(low <= c <= high for low, high in node.ranges for c in variants)
        return (at + 1, char) if inside else None
    if node.kind == "d":
        return (at + 1, char) if char.isdecimal() else None
    if not char.isalpha():
        return None
    shape = {"l": char.lower(), "u": char.upper()}.get(node.kind, char)
    return at + 1, shape


def _match_spoken(node: Spoken, text: str, at: int) -> tuple[int, str] | None:
    if at > 0 and text[at - 1] != " ":
        return None  # whole tokens only
    for index, word in enumerate(node.words):
        if index:
            if not text.startswith(" ", at):
                return None
            at += 1
        if text[at : at + len(word)].lower() != word:
            return None
        at += len(word)
    if at < len(text) and text[at] != " ":
        return None
    return at, node.written


# --- applying --------------------------------------------------------------------------------


def apply_itn_rules(text: str, rules: Sequence[ItnRule], *, max_steps: int = MAX_STEPS) -> str:
    """Apply each rule in order over the whole text (left to right, non-overlapping).

    Each rule sees the output of the previous ones. `max_steps` bounds the matcher's work over
    the whole call; positions it does not reach are left unchanged.
    """
    budget = _Budget(max_steps)
    for rule in rules:
        text = _apply_rule(text, rule, budget)
    return text


def _apply_rule(text: str, rule: ItnRule, budget: _Budget) -> str:
    pieces: list[str] = []
    copied = 0  # text[:copied] is in pieces
    start = 0
    while start < len(text):
        at_token = text[start] != " " and (start == 0 or text[start - 1] == " ")
        found = _longest_match(rule, text, start, budget) if at_token else None
        if found is None:
            start += 1
            continue
        end, written = found
        # A dropped `{word}` must not leave a double space, inside or around the match.
        written = _SPACE_RUNS.sub(" ", written).strip(" ")
        pieces.append(text[copied:start])
        if not written:
            if copied < start:  # the space before the match is still ours to remove
                pieces[-1] = pieces[-1][:-1]
            elif end < len(text):
                end += 1  # the space after it
        pieces.append(written)
        copied = start = end
    pieces.append(text[copied:])
    return "".join(pieces)
