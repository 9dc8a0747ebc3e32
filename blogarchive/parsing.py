"""Parse text captures of "On Probation" Blogger pages into posts and comment threads.

A single-post page is a date line, the title, body lines (one paragraph each) and a caption
such as ``63 comments:`` over Blogger's numbered thread (blogarchive.thread_parsing); it holds
exactly one post, so later date-like or title-like lines are body text. The caption is the
first ``N comments:`` line whose thread parses and holds N comments: a post may quote one.

An archive page has no caption and several date lines (blogarchive.dates), each holding one or
more posts told apart by layout (blogarchive.titles); ``parse_page(text, titles=[...])`` lets a
curator's list of titles replace those rules.

In a thread, a first line such as ``Probation Officer21 December 2015 at 10:55`` gives the
commenter and the time (Europe/London, blogarchive.stamps); every other comment is anonymous.

Where the page allows two readings that its own evidence cannot settle, the parser takes one
and lists the line among the page's doubts, so that what is certain is still imported.
"""

import re
from collections.abc import Sequence
from itertools import pairwise

from blogarchive import dates, stamps
from blogarchive import titles as layout
from blogarchive.dates import LONDON
from blogarchive.parsed import (
    Doubt,
    ParsedComment,
    ParsedPage,
    ParsedPost,
    ParseError,
    TitleDecision,
    count_comments,
)
from blogarchive.thread_parsing import Thread

__all__ = [
    "LONDON",
    "Doubt",
    "ParseError",
    "ParsedComment",
    "ParsedPage",
    "ParsedPost",
    "TitleDecision",
    "parse_page",
    "read_titles_file",
]

_CAPTION = re.compile(r"(?:(\d{1,9}) comments?|No comments):")


def parse_page(text: str, *, titles: Sequence[str] | None = None) -> ParsedPage:
    """Parse one captured page; ``titles`` overrides the layout rules for post titles."""
    if isinstance(titles, str):
        raise TypeError("titles must be a sequence of title lines, not one string")
    lines = _split_lines(text)
    first = _first_date(lines)
    caption, thread, comments = _caption(lines, first)
    end = len(lines) if caption is None else caption
    sections, doubts = _sections(lines, first, end, single=caption is not None)
    wanted = None if titles is None else layout.wanted(sections, titles, first + 1)
    posts, decisions = [], []
    for section in sections:
        if wanted is None:
            starts, found = layout.decide(section.entries, single=caption is not None)
        else:
            starts, found = layout.curate(section, wanted)
        posts += _cut(section, starts)
        decisions += found
    if caption is not None:
        settled = stamps.settle(comments, thread.choices, posts[-1].published)
        posts[-1] = _with_thread(posts[-1], lines[caption], settled.comments)
        doubts += settled.doubts
    return ParsedPage(tuple(posts), tuple(decisions), tuple(sorted(doubts, key=_by_line)))


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
    if dates.parse_date(lines[first], first + 1) is None:
        raise ParseError(first + 1, f"expected a date line, found {lines[first][:60]!r}")
    return first


def opens_like_a_page(text: str) -> bool:
    """Whether a text's first non-blank line is a date line, as every captured page's is."""
    first = next((line for line in _split_lines(text) if line), "")
    return dates.DATE_LINE.fullmatch(first) is not None


def _caption(lines: list[str], first: int) -> tuple[int | None, Thread | None, tuple]:
    """The caption over the thread, its parser and comments; a quoted one has no thread."""
    # Lazily: the lines under the real caption are only read if no caption holds its thread.
    found = (i for i in range(first + 1, len(lines)) if _CAPTION.fullmatch(lines[i]))
    error = None
    for i in found:
        thread = Thread(lines)
        try:
            comments = thread.parse(i + 1)
        except ParseError as failed:
            error = failed
            continue
        if count_comments(comments) == _declared(lines[i]):
            return i, thread, comments
        error = ParseError(i + 1, _mismatch(lines[i], count_comments(comments)))
    if error is not None:
        raise error
    return None, None, ()


def _declared(caption: str) -> int:
    return int(_CAPTION.fullmatch(caption).group(1) or 0)


def _mismatch(caption: str, found: int) -> str:
    return f"page says {caption[:-1].lower()} but {found} were found"


def _sections(
    lines: list[str], first: int, end: int, *, single: bool
) -> tuple[list[layout.Section], list[Doubt]]:
    """The page above the caption cut at day headings into sections of non-blank entries."""
    starts, doubts = [first], []
    if not single:
        starts, doubts = dates.day_headings(lines, first, end, lambda i: _heading(lines, i, end))
    sections = []
    for start, stop in pairwise([*starts, end]):
        entries = tuple(
            layout.Entry(i + 1, lines[i].strip(), layout.stands_alone(lines, i, start, stop))
            for i in range(start + 1, stop)
            if lines[i].strip()
        )
        if not entries:
            raise ParseError(start + 1, f"the date {lines[start]!r} has no title after it")
        if len(entries) == 1:
            raise ParseError(entries[0].line, f"the post {entries[0].text!r} has no body")
        published = dates.parse_date(lines[start], start + 1)
        sections.append(layout.Section(start + 1, published, entries))
    return sections, doubts


def _heading(lines: list[str], i: int, end: int) -> bool:
    """Whether date line i is shaped like a day's heading: alone, with a title-like line next."""
    if lines[i - 1] or (i + 1 < end and lines[i + 1]):
        return False
    title = next((j for j in range(i + 1, end) if lines[j]), None)
    return title is None or layout.stands_alone(lines, title, title - 1, end)


def _cut(section: layout.Section, starts: list[int]) -> list[ParsedPost]:
    """The posts of one date, cut at the title entries."""
    posts = []
    for start, stop in pairwise([*starts, len(section.entries)]):
        title, *body = section.entries[start:stop]
        paragraphs = tuple(e.text for e in body)
        posts.append(ParsedPost(title.line, section.published, title.text, paragraphs, (), None))
    return posts


def _with_thread(post: ParsedPost, caption: str, comments) -> ParsedPost:
    """The post with its thread and the count its caption declares."""
    return ParsedPost(
        post.line, post.published, post.title, post.paragraphs, comments, _declared(caption)
    )


def _by_line(doubt: Doubt) -> int:
    return doubt.line
