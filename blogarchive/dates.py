"""Blogger's date lines, and which of an archive page's date lines head a day of posts.

An archive page lists days newest first, each under a line such as ``Tuesday, 16 September
2014`` standing alone with a title after it. A post may quote such a line too (a letter's date,
say), so a later date line heads a day only if it has that shape and keeps the days in order:
of the date lines shaped like headings, the page's days are the longest run of strictly falling
dates after the first. Where two runs are equally long, the lines that differ are in doubt.
"""

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable
from datetime import date
from zoneinfo import ZoneInfo

from blogarchive.parsed import Doubt, ParseError

LONDON = ZoneInfo("Europe/London")
MONTH = "January|February|March|April|May|June|July|August|September|October|November|December"
_WEEKDAY = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
MONTH_NAMES, WEEKDAY_NAMES = MONTH.split("|"), _WEEKDAY.split("|")
# Digit counts are bounded so int() never meets Python's limit on huge digit strings.
DATE_LINE = re.compile(rf"({_WEEKDAY}),? (\d{{1,2}}) ({MONTH}) (\d{{4}})")


def parse_date(text: str, line: int) -> date | None:
    """The date of a date line such as 'Tuesday, 28 October 2014', None for other text."""
    match = DATE_LINE.fullmatch(text)
    if match is None:
        return None
    weekday, day, month, year = match.groups()
    try:
        published = date(int(year), MONTH_NAMES.index(month) + 1, int(day))
    except ValueError:
        raise ParseError(line, f"impossible date {text!r}") from None
    # Blogger derives the weekday from the date, so a mismatch means a damaged capture.
    if WEEKDAY_NAMES[published.weekday()] != weekday:
        raise ParseError(line, f"{text!r}: that day was a {WEEKDAY_NAMES[published.weekday()]}")
    return published


def day_headings(
    lines: list[str], first: int, end: int, heading_shaped: Callable[[int], bool]
) -> tuple[list[int], list[Doubt]]:
    """Indexes of the date lines that head days (the first included), and the doubtful ones."""
    opening = parse_date(lines[first], first + 1)
    shaped = [i for i in range(first + 1, end) if DATE_LINE.fullmatch(lines[i])]
    # A heading-shaped line with a damaged date is a damaged heading: the file is broken.
    dated = [(i, parse_date(lines[i], i + 1)) for i in shaped if heading_shaped(i)]
    dated = [(i, day) for i, day in dated if day < opening]
    chosen, doubtful = _longest_falling([day for _, day in dated])
    doubts = [
        Doubt(dated[k][0] + 1, _doubt(lines[dated[k][0]], k in chosen)) for k in sorted(doubtful)
    ]
    return [first, *(dated[k][0] for k in sorted(chosen))], doubts


def _longest_falling(days: list[date]) -> tuple[set[int], set[int]]:
    """Positions of one longest run of strictly falling days, and those some other run swaps.

    A position is on every longest run exactly when no other position on a longest run
    takes the same place in it: those that share a place are the doubtful ones.
    """
    rising = [-day.toordinal() for day in days]
    ending = _rising_lengths(rising)
    starting = _rising_lengths([-x for x in reversed(rising)])[::-1]
    longest = max(ending, default=0)
    on_a_longest = [k for k in range(len(days)) if ending[k] + starting[k] - 1 == longest]
    places = Counter(ending[k] for k in on_a_longest)
    chosen, need, last = set(), longest, None
    for k in on_a_longest:
        if starting[k] == need and (last is None or rising[k] > last):
            chosen.add(k)
            need, last = need - 1, rising[k]
    return chosen, {k for k in on_a_longest if places[ending[k]] > 1}


def _rising_lengths(values: list[int]) -> list[int]:
    """For each value, the length of the longest strictly rising run ending with it."""
    tails: list[int] = []
    lengths = []
    for value in values:
        place = bisect_left(tails, value)
        tails[place : place + 1] = [value]
        lengths.append(place + 1)
    return lengths


def _doubt(text: str, taken: bool) -> str:
    verdict = "taken as a new day" if taken else "taken as text of the post above"
    return f"the date line {text!r} could head a new day or belong to the post above: {verdict}"
