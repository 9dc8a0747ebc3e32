"""Commenter and time from a comment's first line, such as ``Jo Bloggs21 December 2015 at 10:55``.

Blogger glues the name to the day. A name ending in digits makes ``Jo221 June`` either Jo2 on
the 21st or Jo22 on the 1st; the page itself usually settles it: no comment predates its post,
Blogger lists comments oldest first (replies after the comment they answer), and a commenter
may be named elsewhere on the page. What the page cannot settle is a doubt for a curator.
"""

import re
from dataclasses import dataclass, replace
from datetime import date, datetime

from blogarchive.dates import LONDON, MONTH, MONTH_NAMES
from blogarchive.parsed import Doubt, ParsedComment, ParseError, walk_comments

_STAMP = re.compile(rf"(.*?[^\s\d])(\d{{1,12}}) ({MONTH}) (\d{{4}}) at (\d{{1,2}}):(\d{{2}})")

Reading = tuple[str, datetime]


def readings(text: str, line: int) -> list[Reading]:
    """Each (name, time) the line can mean, the two-digit day first; [] if it is no stamp."""
    match = _STAMP.fullmatch(text)
    if match is None or not any(map(str.isalpha, match.group(1))):
        return []
    prefix, digits, month, year, hour, minute = match.groups()
    # A lone two-digit run is the day: names rarely end in a digit, so only a third digit
    # (or a day that cannot be) makes the name take one.
    splits = (2, 1) if len(digits) > 2 else (len(digits), 1)
    found = []
    for size in dict.fromkeys(s for s in splits if s <= len(digits)):
        day, name = digits[-size:], (prefix + digits[:-size]).strip()
        if day.startswith("0"):
            continue
        try:
            month_number = MONTH_NAMES.index(month) + 1
            created = datetime(
                int(year), month_number, int(day), int(hour), int(minute), tzinfo=LONDON
            )
        except ValueError:
            continue
        found.append((name, created))
        if len(digits) <= 2:
            break
    if not found:
        raise ParseError(line, f"impossible date or time in {text!r}")
    return found


@dataclass(frozen=True)
class Settled:
    """A thread with every doubtful stamp read, and the doubts the page could not settle."""

    comments: tuple[ParsedComment, ...]
    doubts: tuple[Doubt, ...]


def settle(
    comments: tuple[ParsedComment, ...], choices: dict[int, list[Reading]], published: date
) -> Settled:
    """Read each stamp with two readings (choices, by line) from the page's evidence."""
    if not choices:
        return Settled(comments, ())
    known = {c.author for c in walk_comments(comments) if c.author and c.line not in choices}
    doubts: list[Doubt] = []
    settled = _settle_siblings(comments, None, _Evidence(choices, published, known, doubts))
    return Settled(settled, tuple(doubts))


@dataclass(frozen=True)
class _Evidence:
    choices: dict[int, list[Reading]]
    published: date
    known: set[str]
    doubts: list[Doubt]


def _settle_siblings(siblings, parent_time, evidence: _Evidence) -> tuple[ParsedComment, ...]:
    """Siblings with their stamps read, each bounded by the sure times around it."""
    sure = [None if c.line in evidence.choices else c.created for c in siblings]
    settled = []
    for k, comment in enumerate(siblings):
        before = [t for t in [parent_time, *sure[:k]] if t is not None]
        after = [t for t in sure[k + 1 :] if t is not None]
        if comment.line in evidence.choices:
            low, high = max(before, default=None), min(after, default=None)
            author, created = _choose(comment.line, low, high, evidence)
            comment = replace(comment, author=author, created=created)
        replies = _settle_siblings(comment.replies, comment.created, evidence)
        settled.append(replace(comment, replies=replies))
    return tuple(settled)


def _choose(line: int, low, high, evidence: _Evidence) -> Reading:
    """The reading the evidence leaves, or the first one with a doubt recorded."""
    options = evidence.choices[line]
    fits = [
        (name, created)
        for name, created in options
        if created.date() >= evidence.published
        and (low is None or created >= low)
        and (high is None or created <= high)
    ]
    if len(fits) > 1:
        fits = [r for r in fits if r[0] in evidence.known] or fits
    if len(fits) == 1:
        return fits[0]
    chosen = (fits or options)[0]
    described = " or ".join(f"{name} on {created:%d %B %Y}" for name, created in options)
    message = f"the commenter and day could be {described}: took {chosen[0]}"
    evidence.doubts.append(Doubt(line, message))
    return chosen
