"""Readers of this blog answer each other by the time a comment was posted: "Anon 12:51",
"@10:49", "08.47 it is that kind of talk", "Probation Officer 10:49". Turn such a time into a
link to the comment posted at that minute earlier in the same thread."""

import bisect
import re
from collections.abc import Callable, Iterable
from datetime import datetime, tzinfo
from functools import lru_cache

from django.utils import timezone

from forum.models import Comment

# A clock time written 12:51 or 12.51, not part of a longer number, a price or a date.
_TIME = re.compile(r"(?<![\d.:£$€/-])([01]?\d|2[0-3])[:.]([0-5]\d)(?![\d%]|[.:]\d)")
# What every such time contains: ten times quicker to look for, and most comments have none.
_MAYBE_TIME = re.compile(r"\d[:.][0-5]\d")
_TAG = re.compile(r"(<[^>]*>)")


def clock_of(moment: datetime, zone: tzinfo | None = None) -> str:
    """The minute a comment was posted, in UK time, as readers name it: "12:51"."""
    local = moment.astimezone(zone or timezone.get_current_timezone())
    return f"{local.hour:02d}:{local.minute:02d}"


def clocks_in(text: str) -> set[str]:
    """Every clock time a text mentions, written as clock_of() writes them."""
    return {f"{int(hour):02d}:{minute}" for hour, minute in _TIME.findall(text)}


class TimeIndex:
    """Which comments of a thread were posted at each minute, in UK time."""

    def __init__(self, comments: Iterable[Comment]):
        self._at: dict[str, list[tuple[datetime, int]]] = {}
        zone = timezone.get_current_timezone()  # once, not once per comment
        for comment in comments:
            if comment.created and comment.status == Comment.Status.PUBLISHED:
                self._at.setdefault(clock_of(comment.created, zone), []).append(
                    (comment.created, comment.pk)
                )
        for posted in self._at.values():
            posted.sort()

    def __bool__(self) -> bool:
        return bool(self._at)

    def find(self, clock: str, before: datetime | None) -> int | None:
        """The latest comment posted at that minute before the referring one (if it has a time)."""
        posted = self._at.get(clock)
        if not posted:
            return None
        if before is None:
            return posted[-1][1]
        earlier = bisect.bisect_left(posted, (before, -1))
        return posted[earlier - 1][1] if earlier else None


def linked_times(body_html: str, index: TimeIndex, comment: Comment) -> tuple:
    """The comments that link_times() may link the body's times to: each time it mentions (in
    text or not) with the comment it names. The same answer, the same links."""
    if not index:
        return ()
    return tuple((clock, index.find(clock, comment.created)) for clock in _mentioned(body_html))


@lru_cache(maxsize=20_000)
def _mentioned(body_html: str) -> tuple[str, ...]:
    """clocks_in(), remembered: a busy thread's page asks it of every comment at each render."""
    return tuple(sorted(clocks_in(body_html))) if _MAYBE_TIME.search(body_html) else ()


def link_times(body_html: str, index: TimeIndex, comment: Comment, href: Callable) -> str:
    """Wrap each time in the (already sanitised) body that names an earlier comment in a link."""
    if not index or not _MAYBE_TIME.search(body_html):
        return body_html

    def replace(match: re.Match) -> str:
        clock = f"{int(match[1]):02d}:{match[2]}"
        target = index.find(clock, comment.created)
        if target is None or target == comment.pk:
            return match[0]
        return f'<a class="time-ref" href="{href(target)}">{match[0]}</a>'

    parts = _TAG.split(body_html)
    inside_link = False
    for i, part in enumerate(parts):
        if i % 2:  # a tag: never rewrite one, and never nest a link inside a link
            inside_link = part.startswith("<a") or (inside_link and not part.startswith("</a"))
        elif not inside_link:
            parts[i] = _TIME.sub(replace, part)
    return "".join(parts)
