"""What the moderator's desk shows with each comment: the comment it answers, the reports on
it, the published comments that answer it by its time, and its text with what held it marked.

`read_in_context()` takes a page of comments (parents and posts already joined) and costs a
fixed number of queries however many comments the page holds.
"""

import re
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from forum.models import Comment
from forum.references import clock_of, clocks_in
from moderation import personal
from moderation.models import Report, WatchedName

_TAG = re.compile(r"(<[^>]*>)")
_HELD_WORD = re.compile(r"held word: ([^;]+)")


@dataclass
class InContext:
    """One comment as the desk shows it."""

    body: SafeString
    reports: list[Report] = field(default_factory=list)
    referrers: list[Comment] = field(default_factory=list)
    found: list[str] = field(default_factory=list)


def read_in_context(comments: list[Comment]) -> dict[int, InContext]:
    """For each comment of a page, what the desk shows with it, keyed by the comment's id."""
    names = list(WatchedName.objects.values_list("name", flat=True))
    reports: dict[int, list[Report]] = {}
    open_reports = Report.objects.filter(comment__in=comments, resolved=False)
    for report in open_reports.order_by("reported_at", "pk"):
        reports.setdefault(report.comment_id, []).append(report)
    # Only a comment readers have seen can have been answered by its time: the reported ones.
    referrers = _referrers([c for c in comments if c.pk in reports])
    desk = {}
    for comment in comments:
        body, found = marked(comment.body_html, names, _held_words(comment.hold_reason))
        desk[comment.pk] = InContext(
            body, reports.get(comment.pk, []), referrers.get(comment.pk, []), found
        )
    return desk


def marked(body_html: str, names: list[str], words: list[str]) -> tuple[SafeString, list[str]]:
    """The sanitised body with personal information and held words in <mark>, and what was found.

    Only the text between tags is searched, so a mark never lands inside a tag or a link's address.
    """
    parts = _TAG.split(body_html)
    kinds: list[str] = []
    for i in range(0, len(parts), 2):
        spans = [
            (f.start, f.end, f.label) for f in personal.find_personal_information(parts[i], names)
        ]
        spans += _word_spans(parts[i], words)
        parts[i] = _wrap(parts[i], spans)
        kinds += [label for _start, _end, label in spans]
    return mark_safe("".join(parts)), list(dict.fromkeys(kinds))  # only <mark> tags are added


def _held_words(hold_reason: str) -> list[str]:
    return [word.strip() for word in _HELD_WORD.findall(hold_reason)]


def _word_spans(text: str, words: list[str]) -> list[tuple[int, int, str]]:
    spans = []
    for word in words:
        pattern = rf"(?<!\w){re.escape(escape(word))}(?!\w)"
        spans += [(*m.span(), "held word") for m in re.finditer(pattern, text, re.I)]
    return spans


def _wrap(text: str, spans: list[tuple[int, int, str]]) -> str:
    """Put each span (earliest first, overlaps dropped) of already escaped text in a <mark>."""
    out, at = [], 0
    for start, end, label in sorted(spans):
        if start < at:
            continue
        out += [text[at:start], f'<mark title="{escape(label)}">{text[start:end]}</mark>']
        at = end
    return "".join([*out, text[at:]])


def _referrers(comments: list[Comment]) -> dict[int, list[Comment]]:
    """The published comments posted after each comment that name its time, in one query."""
    timed = [c for c in comments if c.created]
    if not timed:
        return {}
    clocks = {c.pk: clock_of(c.created) for c in timed}
    # One pattern for every clock: "12:51" or "12.51", and without the first digit, so that
    # "9:05" also finds "09:05"; clocks_in() then checks each candidate exactly.
    pattern = "|".join(sorted({f"{clock[1:2]}[:.]{clock[3:]}" for clock in clocks.values()}))
    candidates = list(
        Comment.objects.published()
        .filter(
            post_id__in={c.post_id for c in timed},
            created__gt=min(c.created for c in timed),
            body__regex=pattern,
        )
        .order_by("created", "pk")
    )
    return {
        c.pk: [
            r
            for r in candidates
            if r.post_id == c.post_id
            and r.created > c.created
            and clocks[c.pk] in clocks_in(r.body)
        ]
        for c in timed
    }
