"""Blogger's numbered comment thread: comments at indentation 2, their replies at 4.

A comment's text sits at indentation 4 and a reply's at 6, whatever the commenter typed, so a
comment that quotes Blogger's furniture (``ReplyDelete``, ``Replies``, ``Delete``, a numbered
line) cannot be mistaken for it: a comment is every line at its indentation up to the next line
at another one, and only the last of them are furniture: ``ReplyDelete``, or ``ReplyDelete``,
``Replies`` and reply ``1.`` when replies (text at 6) follow; a reply ends at its last ``Delete``.
"""

import re

from blogarchive import stamps
from blogarchive.parsed import ParsedComment, ParseError

CHROME = {
    "Post a Comment",
    "Newer Post",
    "Older Post",
    "Home",
    "Subscribe to: Post Comments (Atom)",
}
_NUMBERED = re.compile(r"(\d{1,9})\.(?: (.*))?")
_REMOVED = {
    "This comment has been removed by the author.": "author",
    "This comment has been removed by a blog administrator.": "administrator",
}


class Thread:
    """The comments under a caption; stamps with two readings are kept in ``choices``."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        self.choices: dict[int, list[stamps.Reading]] = {}

    def parse(self, i: int) -> tuple[ParsedComment, ...]:
        """Top-level comments from line index i to the end or Blogger's page chrome."""
        comments = []
        while (i := self._skip_blank(i)) < len(self.lines) and self.lines[i] not in CHROME:
            if (numbered := self._numbered(i, 2)) is None:
                found = f"{self.lines[i].strip()[:40]!r} at indentation {_indent(self.lines[i])}"
                raise ParseError(i + 1, f"expected comment {len(comments) + 1}, found {found}")
            _check_number(numbered[0], len(comments) + 1, i, "comment")
            comment, i = self._comment(i, *numbered)
            comments.append(comment)
        return tuple(comments)

    def _comment(self, i: int, number: int, first: str) -> tuple[ParsedComment, int]:
        """Comment `number` opening at line index i, and the line index after it."""
        stop = self._block_end(i + 1, 4)
        rows = [j for j in range(i + 1, stop) if self.lines[j]]
        tail = [self.lines[j].strip() for j in rows[-3:]]
        if tail[-3:-1] == ["ReplyDelete", "Replies"] and self._numbered(rows[-1], 4):
            replies, after = self._replies(rows[-1], number)
            return self._make(i, first, rows[-3], replies), after
        self._check_closed(i, number, stop, rows, tail)
        return self._make(i, first, rows[-1], ()), stop

    def _check_closed(self, i: int, number: int, stop: int, rows: list[int], tail: list[str]):
        """Raise at the right line unless the comment's last line is its ``ReplyDelete``."""
        what = f"comment {number}"
        if tail[-2:] == ["ReplyDelete", "Replies"]:
            raise ParseError(rows[-1] + 1, f"'Replies' under {what} has no reply")
        if tail[-2:-1] == ["ReplyDelete"] and self._numbered(rows[-1], 4):
            raise ParseError(rows[-1] + 1, f"a reply to {what} without 'Replies'")
        if stop < len(self.lines) and (depth := _indent(self.lines[stop])) > 4:
            # Deeper text is a reply that lost its numbered line; guessing would misfile it.
            raise ParseError(stop + 1, f"indentation {depth} in {what}, not 4")
        if tail[-1:] != ["ReplyDelete"]:
            raise ParseError(i + 1, f"{what} has no 'ReplyDelete' before {self._where(stop)}")

    def _replies(self, i: int, parent: int) -> tuple[tuple[ParsedComment, ...], int]:
        """Replies numbered from line index i, and the line index after the last one."""
        replies = []
        while i < len(self.lines) and (numbered := self._numbered(i, 4)):
            number, first = numbered
            _check_number(number, len(replies) + 1, i, f"reply to comment {parent}")
            what = f"reply {number} to comment {parent}"
            stop = self._block_end(i + 1, 6)
            rows = [j for j in range(i + 1, stop) if self.lines[j]]
            if stop < len(self.lines) and (depth := _indent(self.lines[stop])) > 6:
                raise ParseError(stop + 1, f"indentation {depth} in {what}, not 6")
            if not rows or self.lines[rows[-1]].strip() != "Delete":
                raise ParseError(i + 1, f"{what} has no 'Delete' before {self._where(stop)}")
            replies.append(self._make(i, first, rows[-1], ()))
            i = self._skip_blank(stop)
        return tuple(replies), i

    def _make(self, i: int, first: str, closer: int, replies) -> ParsedComment:
        """The comment whose numbered line is i and whose text ends before line index closer."""
        body = [first, *(line.strip() for line in self.lines[i + 1 : closer])]
        # Runs of blank lines only separate paragraphs, so they all become one blank line.
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(body).strip("\n"))
        head, _, rest = text.partition("\n")
        author = created = None
        if found := stamps.readings(head, i + 1):
            (author, created), text = found[0], rest.lstrip("\n")
            if len(found) > 1:
                self.choices[i + 1] = found
        removed = _REMOVED.get(text)
        return ParsedComment(i + 1, author, created, "" if removed else text, removed, replies)

    def _block_end(self, i: int, indent: int) -> int:
        """Index of the first line from i that is neither blank nor at this indentation."""
        while i < len(self.lines) and (not self.lines[i] or _indented(self.lines[i], indent)):
            i += 1
        return i

    def _where(self, stop: int) -> str:
        return f"line {stop + 1}" if stop < len(self.lines) else "the end of the page"

    def _skip_blank(self, i: int) -> int:
        """Index of the first non-blank line at or after i (len(lines) if none)."""
        while i < len(self.lines) and not self.lines[i]:
            i += 1
        return i

    def _numbered(self, i: int, indent: int) -> tuple[int, str] | None:
        """Number and first text of an 'N. ' line at exactly this indentation, else None."""
        line = self.lines[i]
        match = _NUMBERED.fullmatch(line, indent) if _indented(line, indent) else None
        return (int(match.group(1)), (match.group(2) or "").strip()) if match else None


def _indented(line: str, indent: int) -> bool:
    """Whether a non-blank line starts with exactly this many spaces (without copying it)."""
    return line.startswith(" " * indent) and not line.startswith(" ", indent)


def _indent(line: str) -> int:
    """Number of leading spaces."""
    return len(line) - len(line.lstrip(" "))


def _check_number(number: int, expected: int, i: int, what: str) -> None:
    """Blogger numbers comments 1, 2, 3...; anything else means lines were lost."""
    if number != expected:
        raise ParseError(i + 1, f"{what} numbered {number} where {expected} was expected")
