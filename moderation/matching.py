"""Find held and banned phrases in a text the way a reader reads it, not the way it is typed.

Text and phrase are folded alike: compatibility forms (fullwidth and mathematical letters,
ligatures, non-breaking spaces) become their plain characters (NFKD), case is folded, accents
and other combining marks go, characters drawn as nothing (soft hyphen, zero-width space...) go,
and Cyrillic and Greek letters drawn exactly like Latin ones read as those. A phrase matches as
whole words: "scum" is found in "Scum!" but not in "scumble". Give it the text readers see
(forum.markup.what_readers_see): entities decoded, tags gone; bidi overrides, which would show
text in another order, are dropped on the way in (forum.markup.normalise).
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from forum.markup import INVISIBLE

# Lower-case letters of other scripts that common fonts draw exactly as a Latin letter.
# fmt: off
_LOOKALIKES = str.maketrans({
    "а": "a", "е": "e", "һ": "h", "і": "i", "ј": "j", "о": "o", "р": "p", "с": "c", "у": "y",
    "х": "x", "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l", "ı": "i",
    "α": "a", "ι": "i", "ν": "v", "ο": "o", "ρ": "p", "υ": "u", "χ": "x",
})
# fmt: on
_MARKS = frozenset({"Mn", "Me"})
_WORD = re.compile(r"\w")


@dataclass(frozen=True)
class Found:
    """A phrase found in a text, and where: text[start:end] is what matched."""

    phrase: str
    start: int
    end: int


def find(text: str, phrases: Iterable[str]) -> list[Found]:
    """Every whole-word occurrence of each phrase in the text, in the order they occur."""
    folded, origin = fold(text)
    found = []
    for phrase in phrases:
        pattern = _pattern(phrase)
        match = pattern and pattern.search(folded)
        while match:
            start = match.start()
            if start == 0 or not _WORD.match(folded, start - 1):
                found.append(Found(phrase, origin[start], origin[match.end() - 1] + 1))
            match = pattern.search(folded, start + 1)
    return sorted(found, key=lambda f: (f.start, f.end))


def fold(text: str) -> tuple[str, list[int] | range]:
    """The text folded for matching, and for each of its characters the index it came from."""
    if text.isascii():
        # Nothing to decompose, drop or read as Latin: lower case is the whole fold.
        return text.lower(), range(len(text))
    pieces, origin = [], []
    for index, char in enumerate(text):
        piece = _fold_char(char)
        pieces.append(piece)
        origin.extend([index] * len(piece))
    return "".join(pieces), origin


@lru_cache(maxsize=8192)
def _fold_char(char: str) -> str:
    if INVISIBLE.match(char):
        return ""
    # Decomposed again after case folding: "İ" folds to "i" and a combining dot.
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", char).casefold())
    kept = "".join(c for c in decomposed if unicodedata.category(c) not in _MARKS)
    return kept.translate(_LOOKALIKES)


@lru_cache(maxsize=1024)
def _pattern(phrase: str) -> re.Pattern | None:
    """A phrase's words, folded, with any spacing between them and no letter after them."""
    words = fold(phrase)[0].split()
    if not words:
        return None
    # The word boundary before is checked by find(): a pattern that starts with its words
    # is searched for as a string, a hundred times faster than one that starts with a test.
    return re.compile(r"\s+".join(map(re.escape, words)) + r"(?!\w)")
