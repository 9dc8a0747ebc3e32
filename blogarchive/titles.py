"""Which lines of an archive page start posts: the layout rules, or a curator's list.

The capture lost the heading markup, so titles are told apart by layout:

* the first line after a date is a title;
* a later line is a candidate if it stands alone (blank line or the date above, blank line or
  the end of the date below) and is at most 80 characters long;
* a candidate ending in ``. , : ; -``, starting with a digit or list marker, shaped like a
  date line, or with fewer than 2/3 of its words capitalised (a, an, the, of, and, or, to, in,
  on, at, by, for, with aside) is body text;
* a candidate straight after such a date line is body text;
* a candidate with no body paragraph between it and the last title is a sub-heading;
* a candidate with nothing after it before the next date is a closing line or signature;
* any other candidate starts a new post.

A curator's list replaces these rules: exactly the listed lines start posts (each date must
begin with one), and a listed title may then have no paragraphs of its own.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from blogarchive.dates import DATE_LINE
from blogarchive.parsed import ParseError, TitleDecision

MAX_TITLE_LENGTH = 80
_SMALL_WORDS = {"a", "an", "the", "of", "and", "or", "to", "in", "on", "at", "by", "for", "with"}
_LIST_MARKERS = tuple("0123456789*-\u2013\u2014\u2022\u00b7\u25aa\u25cb")
_QUOTES = "'\"()[]\u2018\u2019\u201c\u201d"
_TITLE = "stands alone, short and capitalised, with body after it"


@dataclass(frozen=True)
class Entry:
    """A non-blank line under a date."""

    line: int
    text: str
    candidate: bool  # stands alone and is short enough to be a title


@dataclass(frozen=True)
class Section:
    """A date line and the non-blank lines under it."""

    line: int
    published: date
    entries: tuple[Entry, ...]


def stands_alone(lines: list[str], i: int, start: int, stop: int) -> bool:
    """Whether line i is short and stands alone between blank lines, the date or the end."""
    above = i - 1 == start or not lines[i - 1]
    below = i + 1 == stop or not lines[i + 1]
    return above and below and len(lines[i].strip()) <= MAX_TITLE_LENGTH


def decide(entries: Sequence[Entry], *, single: bool) -> tuple[list[int], list[TitleDecision]]:
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
        if DATE_LINE.fullmatch(entries[i - 1].text):
            # What follows a date that heads no day is the dated text: a letter's salutation.
            reason, is_body = "follows a date line inside the post", True
        else:
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
    if DATE_LINE.fullmatch(text):
        return "a date line that does not head a day: part of the post"
    words = [w.strip(_QUOTES) for w in text.split()]
    words = [w for w in words if any(map(str.isalpha, w)) and w.lower() not in _SMALL_WORDS]
    capitalised = sum(next(c for c in w if c.isalpha()).isupper() for w in words)
    if not words or capitalised * 3 < len(words) * 2:
        return "mostly lower-case words"
    return None


def wanted(sections: list[Section], titles: Sequence[str], first_line: int) -> set[str]:
    """The curator's titles, each checked to be a line of the page."""
    present = {entry.text for section in sections for entry in section.entries}
    for title in titles:
        if title.strip() not in present:
            raise ParseError(first_line, f"the curator's title {title.strip()!r} is not found")
    return {title.strip() for title in titles}


def curate(section: Section, wanted: set[str]) -> tuple[list[int], list[TitleDecision]]:
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
