"""Parse text captures of "On Probation" Blogger pages into posts and comment threads.

A single-post page is a date line, the title, body lines (one paragraph each) and a caption
such as ``63 comments:`` over Blogger's numbered thread; it holds exactly one post, so later
date-like or title-like lines are body text. An archive page has no caption and several date
lines, each holding one or more posts. Its capture lost the heading markup, so titles are told
apart by layout:

* the first line after a date is a title;
* a later line is a candidate if it stands alone (blank line or the date above, blank line or
  the end of the date below) and is at most 80 characters long;
* a candidate ending in ``. , : ; -``, starting with a digit or list marker, or with fewer than
  2/3 of its words capitalised (a, an, the, of, and, or, to, in, on, at, by, for, with aside)
  is body text;
* a candidate with no body paragraph between it and the last title is a sub-heading;
* a candidate with nothing after it before the next date is a closing line or signature;
* any other candidate starts a new post.

``parse_page(text, titles=[...])`` replaces these rules: exactly the listed lines start posts
(each date must begin with one), and a listed title may then have no paragraphs of its own.

In a thread, a first line such as ``Probation Officer21 December 2015 at 10:55`` gives the
commenter and the time (Europe/London); every other comment is anonymous.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import pairwise
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
MAX_TITLE_LENGTH = 80
_MONTH = "January|February|March|April|May|June|July|August|September|October|November|December"
_WEEKDAY = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_MONTHS, _WEEKDAYS = _MONTH.split("|"), _WEEKDAY.split("|")
# Digit counts are bounded so int() never meets Python's limit on huge digit strings.
_DATE_LINE = re.compile(rf"({_WEEKDAY}),? (\d{{1,2}}) ({_MONTH}) (\d{{4}})")
# The name may not end in a digit: "Jo221 June" could not be split into name and day.
_STAMP = re.compile(rf"(.*?[^\s\d])(\d{{1,2}}) ({_MONTH}) (\d{{4}}) at (\d{{1,2}}):(\d{{2}})")
_CAPTION = re.compile(r"(?:(\d{1,9}) comments?|No comments):")
_NUMBERED = re.compile(r"(\d{1,9})\.(?: (.*))?")
_SMALL_WORDS = {"a", "an", "the", "of", "and", "or", "to", "in", "on", "at", "by", "for", "with"}
_LIST_MARKERS = tuple("0123456789*-\u2013\u2014\u2022\u00b7\u25aa\u25cb")
_QUOTES = "'\"()[]\u2018\u2019\u201c\u201d"
_REMOVED = {
    "This comment has been removed by the author.": "author",
    "This comment has been removed by a blog administrator.": "administrator",
}
_CHROME = {
    "Post a Comment",
    "Newer Post",
    "Older Post",
    "Home",
    "Subscribe to: Post Comments (Atom)",
}
_TITLE = "stands alone, short and capitalised, with body after it"


class ParseError(ValueError):
    """A page that breaks the expected layout, with the 1-based line at fault."""

    def __init__(self, line: int, message: str):
        super().__init__(f"{line}: {message}")
        self.line, self.message = line, message

    def __reduce__(self):
        return type(self), (self.line, self.message)


@dataclass(frozen=True)
class ParsedComment:
    """One comment of a thread, with its replies."""

    line: int
    author: str | None
    created: datetime | None
    body: str
    removed: str | None
    replies: tuple["ParsedComment", ...]


@dataclass(frozen=True)
class ParsedPost:
    """One blog post with its comment thread."""

    line: int
    published: date
    title: str
    paragraphs: tuple[str, ...]
    comments: tuple[ParsedComment, ...]
    declared_comments: int | None

    @property
    def comment_count(self) -> int:
        """All comments of the post, replies included."""
        return _count(self.comments)


@dataclass(frozen=True)
class TitleDecision:
    """Whether a title-like line was taken as a post title, and why."""

    line: int
    text: str
    is_title: bool
    reason: str


@dataclass(frozen=True)
class ParsedPage:
    """The posts of a page and the title decisions behind them."""

    posts: tuple[ParsedPost, ...]
    decisions: tuple[TitleDecision, ...]


@dataclass(frozen=True)
class _Entry:
    line: int
    text: str
    candidate: bool  # stands alone and is short enough to be a title


@dataclass(frozen=True)
class _Section:
    line: int
    published: date
    entries: tuple[_Entry, ...]


def parse_page(text: str, *, titles: Sequence[str] | None = None) -> ParsedPage:
    """Parse one captured page; ``titles`` overrides the layout rules for post titles."""
    if isinstance(titles, str):
        raise TypeError("titles must be a sequence of title lines, not one string")
    lines = _split_lines(text)
    first = _first_date(lines)
    caption = next((i for i in range(first, len(lines)) if _CAPTION.fullmatch(lines[i])), None)
    end = len(lines) if caption is None else caption
    sections = _sections(lines, first, end, single=caption is not None)
    wanted = None if titles is None else _wanted(sections, titles, first + 1)
    posts, decisions = [], []
    for section in sections:
        if wanted is None:
            starts, found = _decide(section.entries, single=caption is not None)
        else:
            starts, found = _curate(section, wanted)
        posts += _cut(section, starts)
        decisions += found
    if caption is not None:
        posts[-1] = _with_thread(posts[-1], lines, caption)
    return ParsedPage(tuple(posts), tuple(decisions))


def read_titles_file(text: str) -> list[str]:
    """Titles from a sidecar file: one per line, blank lines and ``#`` lines ignored."""
    stripped = (line.strip() for line in _split_lines(text))
    return [line for line in stripped if line and not line.startswith("#")]


def _split_lines(text: str) -> list[str]:
    """Lines without BOM, line endings or trailing whitespace (NBSP included)."""
    # Old Mac "\r" endings too, so line numbers match what an editor shows.
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return [line.rstrip() for line in text.split("\n")]


def _first_date(lines: list[str]) -> int:
    """Index of the date line that must open the page."""
    first = next((i for i, line in enumerate(lines) if line), None)
    if first is None:
        raise ParseError(1, "the page is empty")
    if _parse_date(lines[first], first + 1) is None:
        raise ParseError(first + 1, f"expected a date line, found {lines[first][:60]!r}")
    return first


def opens_like_a_page(text: str) -> bool:
    """Whether a text's first non-blank line is a date line, as every captured page's is."""
    first = next((line for line in _split_lines(text) if line), "")
    return _DATE_LINE.fullmatch(first) is not None


def _parse_date(text: str, line: int) -> date | None:
    """The date of a date line such as 'Tuesday, 28 October 2014', None for other text."""
    match = _DATE_LINE.fullmatch(text)
    if match is None:
        return None
    weekday, day, month, year = match.groups()
    try:
        published = date(int(year), _MONTHS.index(month) + 1, int(day))
    except ValueError:
        raise ParseError(line, f"impossible date {text!r}") from None
    # Blogger derives the weekday from the date, so a mismatch means a damaged capture.
    if _WEEKDAYS[published.weekday()] != weekday:
        raise ParseError(line, f"{text!r}: that day was a {_WEEKDAYS[published.weekday()]}")
    return published


def _sections(lines: list[str], first: int, end: int, *, single: bool) -> list[_Section]:
    """The page above the caption cut at date lines into sections of non-blank entries."""
    starts = [first]
    if not single:
        starts += [i for i in range(first + 1, end) if _parse_date(lines[i], i + 1)]
    sections = []
    for start, stop in pairwise([*starts, end]):
        entries = tuple(
            _Entry(i + 1, lines[i].strip(), _is_candidate(lines, i, start, stop))
            for i in range(start + 1, stop)
            if lines[i].strip()
        )
        if not entries:
            raise ParseError(start + 1, f"the date {lines[start]!r} has no title after it")
        if len(entries) == 1:
            raise ParseError(entries[0].line, f"the post {entries[0].text!r} has no body")
        sections.append(_Section(start + 1, _parse_date(lines[start], start + 1), entries))
    return sections


def _is_candidate(lines: list[str], i: int, start: int, stop: int) -> bool:
    """Whether line i is short and stands alone between blank lines, the date or the end."""
    above = i - 1 == start or not lines[i - 1]
    below = i + 1 == stop or not lines[i + 1]
    return above and below and len(lines[i].strip()) <= MAX_TITLE_LENGTH


def _decide(entries: Sequence[_Entry], *, single: bool) -> tuple[list[int], list[TitleDecision]]:
    """Entry indexes that start posts under one date by the layout rules, and why."""
    starts = [0]
    decisions = [TitleDecision(entries[0].line, entries[0].text, True, "first line after the date")]
    # A title-like line straight after a title (or its sub-headings) heads that post's body.
    body_since_title = False
    for i, entry in enumerate(entries[1:], start=1):
        if not entry.candidate:
            body_since_title = True
            continue
        title = None if body_since_title else entries[starts[-1]].text
        reason, is_body = _judge(entry.text, single, title, last=i == len(entries) - 1)
        decisions.append(TitleDecision(entry.line, entry.text, reason is None, reason or _TITLE))
        if reason is None:
            starts.append(i)
        body_since_title = is_body
    return starts, decisions


def _judge(text: str, single: bool, title: str | None, *, last: bool) -> tuple[str | None, bool]:
    """Why a candidate is not a title (None if it is), and whether it counts as body."""
    if problem := _shape_problem(text):
        return problem, True
    if single:
        return "the page has a comments caption, so it holds one post", True
    if title is not None:
        return f"follows the title {title!r}: sub-heading", False
    if last:
        return "nothing follows it before the next date: a closing line", True
    return None, False


def _shape_problem(text: str) -> str | None:
    """Why a candidate cannot be a title by its shape alone, None if it can."""
    if text[-1] in ".,:;-":
        return f"ends with {text[-1]!r}"
    if text.startswith(_LIST_MARKERS):
        return "starts with a digit or a list marker"
    words = [w.strip(_QUOTES) for w in text.split()]
    words = [w for w in words if any(map(str.isalpha, w)) and w.lower() not in _SMALL_WORDS]
    capitalised = sum(next(c for c in w if c.isalpha()).isupper() for w in words)
    if not words or capitalised * 3 < len(words) * 2:
        return "mostly lower-case words"
    return None


def _wanted(sections: list[_Section], titles: Sequence[str], first_line: int) -> set[str]:
    """The curator's titles, each checked to be a line of the page."""
    present = {entry.text for section in sections for entry in section.entries}
    for title in titles:
        if title.strip() not in present:
            raise ParseError(first_line, f"the curator's title {title.strip()!r} is not found")
    return {title.strip() for title in titles}


def _curate(section: _Section, wanted: set[str]) -> tuple[list[int], list[TitleDecision]]:
    """Entry indexes that start posts under one date by the curator's list, and why."""
    starts = [i for i, entry in enumerate(section.entries) if entry.text in wanted]
    if not starts or starts[0] != 0:
        first = section.entries[0]
        message = f"{first.text!r} opens the date at line {section.line} but is not listed"
        raise ParseError(first.line, f"{message} as a title")
    reasons = {True: "curator's list", False: "not in the curator's list"}
    decisions = [
        TitleDecision(e.line, e.text, e.text in wanted, reasons[e.text in wanted])
        for e in section.entries
        if e.text in wanted or e.candidate
    ]
    return starts, decisions


def _cut(section: _Section, starts: list[int]) -> list[ParsedPost]:
    """The posts of one date, cut at the title entries."""
    posts = []
    for start, stop in pairwise([*starts, len(section.entries)]):
        title, *body = section.entries[start:stop]
        paragraphs = tuple(e.text for e in body)
        posts.append(ParsedPost(title.line, section.published, title.text, paragraphs, (), None))
    return posts


def _with_thread(post: ParsedPost, lines: list[str], caption: int) -> ParsedPost:
    """The post with the thread under its caption, checked against the caption's count."""
    declared = int(_CAPTION.fullmatch(lines[caption]).group(1) or 0)
    comments = _Thread(lines).parse(caption + 1)
    if (found := _count(comments)) != declared:
        raise ParseError(
            caption + 1, f"page says {lines[caption][:-1].lower()} but {found} were found"
        )
    return ParsedPost(
        post.line, post.published, post.title, post.paragraphs, tuple(comments), declared
    )


def _count(comments: Sequence[ParsedComment]) -> int:
    """Number of comments in a forest, replies included."""
    return sum(1 + _count(c.replies) for c in comments)


class _Thread:
    """Blogger's numbered thread: comments at indentation 2, their replies at 4."""

    def __init__(self, lines: list[str]):
        self.lines = lines

    def parse(self, i: int) -> list[ParsedComment]:
        """Top-level comments from line index i to the end or Blogger's page chrome."""
        comments = []
        while (i := self._skip_blank(i)) < len(self.lines) and self.lines[i] not in _CHROME:
            if (numbered := self._numbered(i, 2)) is None:
                found = f"{self.lines[i].strip()[:40]!r} at indentation {_indent(self.lines[i])}"
                raise ParseError(i + 1, f"expected comment {len(comments) + 1}, found {found}")
            number, first = numbered
            _check_number(number, len(comments) + 1, i, "comment")
            body, end = self._body(i, first, 4, "ReplyDelete", f"comment {number}")
            replies, next_i = self._replies(end + 1, number)
            comments.append(_comment(i + 1, body, replies))
            i = next_i
        return comments

    def _replies(self, i: int, parent: int) -> tuple[tuple[ParsedComment, ...], int]:
        """Replies under a 'Replies' line if one follows, and the line index to go on from."""
        heading = self._skip_blank(i)
        if heading < len(self.lines) and self._numbered(heading, 4):
            raise ParseError(heading + 1, f"a reply to comment {parent} without 'Replies'")
        if heading == len(self.lines) or self.lines[heading] != "    Replies":
            return (), i
        replies, i = [], heading + 1
        while (j := self._skip_blank(i)) < len(self.lines) and (numbered := self._numbered(j, 4)):
            number, first = numbered
            _check_number(number, len(replies) + 1, j, f"reply to comment {parent}")
            body, end = self._body(j, first, 6, "Delete", f"reply {number} to comment {parent}")
            replies.append(_comment(j + 1, body, ()))
            i = end + 1
        if not replies:
            raise ParseError(heading + 1, f"'Replies' under comment {parent} has no reply")
        return tuple(replies), i

    def _body(self, start: int, first: str, indent: int, closer: str, what: str):
        """A comment's text lines ("" for blank ones) and the index of its closing line."""
        body = [first]
        for j in range(start + 1, len(self.lines)):
            line = self.lines[j]
            if line and _indent(line) < indent:
                raise ParseError(start + 1, f"{what} has no {closer!r} before line {j + 1}")
            # Deeper text is a reply that lost its numbered line; guessing would misfile it.
            if _indent(line) > indent:
                raise ParseError(j + 1, f"indentation {_indent(line)} in {what}, not {indent}")
            if line.strip() == closer:
                return body, j
            body.append(line.strip())
        raise ParseError(start + 1, f"{what} has no {closer!r} before the end of the page")

    def _skip_blank(self, i: int) -> int:
        """Index of the first non-blank line at or after i (len(lines) if none)."""
        while i < len(self.lines) and not self.lines[i]:
            i += 1
        return i

    def _numbered(self, i: int, indent: int) -> tuple[int, str] | None:
        """Number and first text of an 'N. ' line at exactly this indentation, else None."""
        line = self.lines[i]
        match = _NUMBERED.fullmatch(line[indent:]) if _indent(line) == indent else None
        return (int(match.group(1)), (match.group(2) or "").strip()) if match else None


def _indent(line: str) -> int:
    """Number of leading spaces."""
    return len(line) - len(line.lstrip(" "))


def _check_number(number: int, expected: int, i: int, what: str) -> None:
    """Blogger numbers comments 1, 2, 3...; anything else means lines were lost."""
    if number != expected:
        raise ParseError(i + 1, f"{what} numbered {number} where {expected} was expected")


def _comment(line: int, body: list[str], replies: tuple[ParsedComment, ...]) -> ParsedComment:
    """A comment from its text lines, with author stamp and removal stub recognised."""
    # Runs of blank lines only separate paragraphs, so they all become one blank line.
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(body).strip("\n"))
    first, _, rest = text.partition("\n")
    author, created = _stamp(first, line) or (None, None)
    if author is not None:
        text = rest.lstrip("\n")
    removed = _REMOVED.get(text)
    return ParsedComment(line, author, created, "" if removed else text, removed, replies)


def _stamp(text: str, line: int) -> tuple[str, datetime] | None:
    """Commenter and time from a 'Name21 December 2015 at 10:55' line, else None."""
    match = _STAMP.fullmatch(text)
    if match is None or not any(map(str.isalpha, match.group(1))):
        return None
    name, day, month, year, hour, minute = match.groups()
    try:
        month_number = _MONTHS.index(month) + 1
        created = datetime(int(year), month_number, int(day), int(hour), int(minute), tzinfo=LONDON)
    except ValueError:
        raise ParseError(line, f"impossible date or time in {text!r}") from None
    return name.strip(), created
