"""Commenter and time from a comment's first line, such as ``Jo Bloggs21 December 2015 at 10:55``.

Blogger glues the name to the day. A name ending in digits makes ``Jo221 June`` either Jo2 on
the 21st or Jo22 on the 1st; the page itself usually settles it: no comment predates its post,
Blogger lists comments oldest first (replies after the comment they answer), and a commenter
may be named elsewhere on the page. What the page cannot settle is a doubt for a curator.
"""

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import partial
from itertools import accumulate

from blogarchive.dates import LONDON, MONTH, MONTH_NAMES
from blogarchive.parsed import Doubt, ParsedComment, ParseError, walk_comments

_STAMP = re.compile(rf"(.*?[^\s\d])(\d{{1,12}}) ({MONTH}) (\d{{4}}) at (\d{{1,2}}):(\d{{2}})")

Reading = tuple[str, datetime]


def readings(text: str, line: int) -> list[Reading]:
    """Each (name, time) the line can mean, the two-digit day first; [] if it is no stamp."""
    # Most first lines are prose: a stamp ends " at 10:55", so look no further without it.
    match = _STAMP.fullmatch(text) if " at " in text[-10:] else None
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
    # A name that the times alone settle is evidence for the stamps they do not.
    timed = _Evidence(choices, published, known, quiet=True)
    _settle_siblings(comments, None, timed)
    evidence = _Evidence(choices, published, known | timed.settled_names)
    settled = _settle_siblings(comments, None, evidence)
    return Settled(settled, tuple(evidence.doubts))


@dataclass
class _Evidence:
    choices: dict[int, list[Reading]]
    published: date
    known: set[str]
    quiet: bool = False  # a first pass, for the names the times settle: no doubts written
    settled_names: set[str] = field(default_factory=set)
    doubts: list[Doubt] = field(default_factory=list)


def _settle_siblings(siblings, parent_time, evidence: _Evidence) -> tuple[ParsedComment, ...]:
    """Siblings with their stamps read, each bounded by the sure times around it."""
    sure = [None if c.line in evidence.choices else c.created for c in siblings]
    # latest[k]: the latest sure time before sibling k; earliest[k]: the earliest after it.
    latest = list(accumulate(sure, partial(_either, max), initial=parent_time))
    earliest = [*reversed([*accumulate(reversed(sure[1:]), partial(_either, min))]), None]
    settled, changed = [], False
    for k, comment in enumerate(siblings):
        fields, sure_time = {}, comment.created
        if comment.line in evidence.choices:
            reading, sure_time = _choose(comment.line, latest[k], earliest[k], evidence)
            fields = {"author": reading[0], "created": reading[1]}
        if comment.replies:
            replies = _settle_siblings(comment.replies, sure_time, evidence)
            fields.update({"replies": replies} if replies is not comment.replies else {})
        changed = changed or bool(fields)
        settled.append(replace(comment, **fields) if fields else comment)
    # Siblings left as they were stay the same tuple: the caller need not copy their parent.
    return tuple(settled) if changed else siblings


def _choose(line: int, low, high, evidence: _Evidence) -> tuple[Reading, datetime | None]:
    """The reading the evidence leaves (and its time if sure), else the first, in doubt."""
    options = evidence.choices[line]
    fits = [
        (name, created)
        for name, created in options
        if created.date() >= evidence.published
        and (low is None or created >= low)
        and (high is None or created <= high)
    ]
    if len(fits) == 1:
        evidence.settled_names.add(fits[0][0])
        return fits[0], fits[0][1]
    if len(named := [r for r in fits if r[0] in evidence.known]) == 1:
        return named[0], named[0][1]
    chosen = (fits or options)[0]
    if not evidence.quiet:
        evidence.doubts.append(Doubt(line, _doubt(options, chosen)))
    return chosen, None


def _doubt(options: list[Reading], chosen: Reading) -> str:
    described = " or ".join(
        f"{name} on {created.day} {MONTH_NAMES[created.month - 1]} {created.year}"
        for name, created in options
    )
    return f"the commenter and day could be {described}: took {chosen[0]}"


def _either(pick, a, b):
    """pick(a, b), where a missing time (None) gives way to the other."""
    return b if a is None else a if b is None else pick(a, b)
