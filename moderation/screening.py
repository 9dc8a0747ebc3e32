"""Decide what becomes of a new comment: the one question forum asks of moderation.

`screen()` either raises forum's Refused (the comment is not accepted: closed post, too fast,
duplicate) or returns a Verdict: published, held for a moderator with the reasons (and the
moderators told once it is stored), or spam. `rules_for()` answers the post page.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from forum import counters, markup
from forum.models import Comment
from forum.refusals import Refused
from moderation import matching, personal
from moderation.models import BlockedCommenter, Decision, ModerationPolicy, WatchedName, WordRule


@dataclass(frozen=True)
class Verdict:
    """The status a new comment is stored with, why, and what to do once it is committed."""

    status: str
    reason: str = ""
    # Called after COMMIT by whoever stores the comment: telling the moderators of a held one.
    after_commit: Callable[[], object] | None = None


def screen(
    *,
    post,
    author_name: str,
    body: str,
    commenter: str,
    honeypot: str = "",
    body_html: str | None = None,
) -> Verdict:
    """Return what becomes of a new comment, or raise Refused; body_html is render(body)."""
    policy = ModerationPolicy.current()
    _refuse_if_closed(post, policy)
    facts = _facts(post, commenter, body)
    _refuse_if_too_fast(commenter, policy)
    if facts.duplicate:
        raise Refused(
            _("This exact comment has already been posted here."), status_code=400, field="body"
        )
    if honeypot:
        return Verdict(Comment.Status.SPAM, "a field hidden from people was filled in")
    if facts.blocked:
        return Verdict(Comment.Status.SPAM, "blocked commenter")
    # Screened as readers will see it: the words they read and the links they can follow.
    seen = markup.what_readers_see(markup.render(body) if body_html is None else body_html)
    held, banned = _word_rules([author_name, seen.text, *seen.links], facts.words)
    if banned:
        return Verdict(Comment.Status.SPAM, f"banned word: {banned[0]}")
    reasons = [f"held word: {word}" for word in held]
    # On the text as readers see it: an entity or an empty tag must not hide an address.
    reasons += personal_information_reasons(f"{author_name}\n{seen.text}", facts.names)
    reasons += _policy_reasons(post, policy, commenter, links=len(seen.links))
    if reasons:
        return Verdict(Comment.Status.PENDING, "; ".join(reasons)[:200], _tell_moderators)
    return Verdict(Comment.Status.PUBLISHED)


def _policy_reasons(post, policy: ModerationPolicy, commenter: str, *, links: int) -> list[str]:
    """The policy's reasons to hold a comment: too many links, its commenter, the post."""
    reasons = []
    if links > policy.max_links:
        reasons.append(f"{links} links (more than {policy.max_links})")
    if _mostly_rejected(commenter, policy):
        reasons.append("most of this commenter's recent comments were rejected")
    if policy.holds_every_comment_on(post):
        reasons.append(f"moderation is on: {policy.describe()}")
    return reasons


def _tell_moderators() -> None:
    """Tell the moderators of a held comment, batched in digests."""
    # Imported here: notifications reach for mail and templates, which screening needn't.
    from moderation import notifications

    notifications.notify_held()


@dataclass(frozen=True)
class _Facts:
    """What screening reads from the database about one new comment, besides the policy."""

    words: dict[str, str]  # phrase -> WordRule.Action
    names: list[str]
    blocked: bool
    duplicate: bool


_NAME, _BLOCKED, _DUPLICATE = "name", "blocked", "duplicate"


def _facts(post, commenter: str, body: str) -> _Facts:
    """The word rules, the watched names, and whether the commenter is blocked or the text is
    already on the post: one query, a row per rule, per name and per fact found."""
    # Unordered: a compound query takes no ORDER BY in its parts (the models have orderings).
    others = [
        WatchedName.objects.order_by().values_list(Value(_NAME), "name"),
        _same_text(post, commenter, body).order_by().values_list(Value(_DUPLICATE), Value("")),
    ]
    if commenter:
        blocked = BlockedCommenter.objects.filter(commenter=commenter).order_by()
        others.append(blocked.values_list(Value(_BLOCKED), Value("")))
    rules = WordRule.objects.order_by().values_list("action", "phrase")
    rows = rules.union(*others, all=True)
    words, names, found = {}, [], set()
    for kind, text in rows:
        if kind == _NAME:
            names.append(text)
        elif kind in (_BLOCKED, _DUPLICATE):
            found.add(kind)
        else:
            words[text] = kind
    return _Facts(words, names, blocked=_BLOCKED in found, duplicate=_DUPLICATE in found)


def personal_information_reasons(text: str, names: list[str]) -> list[str]:
    """One hold reason naming the kinds of personal information in the text, or none."""
    kinds = personal.kinds_found(personal.find_personal_information(text, names))
    return [f"personal information: {', '.join(kinds)}"] if kinds else []


def _refuse_if_closed(post, policy: ModerationPolicy) -> None:
    closed = not post.comments_open
    if policy.close_after_days is not None:
        closed |= post.published < timezone.localdate() - timedelta(days=policy.close_after_days)
    if closed:
        raise Refused(_("Comments are closed on this post."), status_code=403)


def _refuse_if_too_fast(commenter: str, policy: ModerationPolicy) -> None:
    """One comment per interval and so many an hour, counted where nothing evicts a count.

    Both windows are counted in one step, so an attempt refused for coming too soon counts
    towards the hour as well.
    """
    if not commenter:
        return
    gap, now = policy.min_seconds_between, int(timezone.now().timestamp())
    hour, since_last = f"rate:hour:{commenter}:{now // 3600}", f"rate:gap:{commenter}"
    windows = {hour: 3600}
    if gap:
        windows[since_last] = gap
    counts = _count(windows)
    if gap and counts[since_last] > 1:
        raise Refused(
            _("You are posting too quickly. Please wait %(n)d seconds between comments.")
            % {"n": gap},
            status_code=429,
            retry_after=gap,
        )
    if counts[hour] > policy.max_per_hour:
        raise Refused(
            _(
                "You have posted %(n)d comments in the last hour, the most allowed. "
                "Please come back later."
            )
            % {"n": policy.max_per_hour},
            status_code=429,
            # The count is kept per clock hour: it starts again when this one ends.
            retry_after=3600 - now % 3600,
        )


def _count(windows: dict[str, int]) -> dict[str, int]:
    """One more in each window (one atomic step: parallel posts never share a count)."""
    try:
        return counters.hits(windows)
    except counters.Unavailable:
        # Without its counts no limit holds: pause posting rather than let a flood through.
        raise Refused(
            _(
                "Posting is paused for a moment while part of the site recovers. "
                "Your comment has not been posted: please try again in a minute."
            ),
            status_code=503,
            retry_after=60,
        ) from None


def _same_text(post, commenter: str, body: str):
    """The same text twice on a post: a double click, or a robot repeating itself."""
    recent = timezone.now() - timedelta(hours=1)
    # Compared only with what this commenter could know is there: their own comments and
    # those published. Anyone else's held comment must not be revealed by a refusal.
    known = Q(status=Comment.Status.PUBLISHED, created__gte=recent)
    if commenter:
        known |= Q(commenter=commenter)
    return Comment.objects.filter(known, post=post, body=body)


def _word_rules(texts: list[str], actions: dict[str, str]) -> tuple[list[str], list[str]]:
    """The held and the banned phrases that occur in any of the texts (see matching.find)."""
    if not actions:
        return [], []
    found = {match.phrase for text in texts for match in matching.find(text, actions)}
    banned = [phrase for phrase in found if actions[phrase] == WordRule.Action.BAN]
    held = [phrase for phrase in found if actions[phrase] != WordRule.Action.BAN]
    return sorted(held), sorted(banned)


# A moderator's verdicts on a comment; only the latest counts, and an undo cancels it.
_VERDICTS = [Decision.Action.APPROVE, Decision.Action.KEEP]
_TURNED_DOWN = [Decision.Action.REJECT, Decision.Action.SPAM]
_UNDO = Decision.Action.UNDO


def _mostly_rejected(commenter: str, policy: ModerationPolicy) -> bool:
    """The blog's persistent troll: someone whose recent comments moderators mostly turned down.

    Counted from moderators' decisions, not from statuses: verdicts a client can trigger itself
    (the honeypot, a banned word) would let anyone get a shared address held, and a status can
    change after the decision that set it.
    """
    if not commenter or not policy.troll_min_decisions:
        return False
    since = timezone.now() - timedelta(days=policy.troll_window_days)
    decisions = Decision.objects.filter(
        comment__commenter=commenter,
        decided_at__gte=since,
        action__in=[*_VERDICTS, *_TURNED_DOWN, _UNDO],
    )
    later = decisions.filter(comment_id=OuterRef("comment_id"), pk__gt=OuterRef("pk"))
    # Counted by the database, one latest decision per comment: a prolific commenter costs
    # no more than a new one.
    latest = decisions.exclude(Exists(later)).aggregate(
        total=Count("pk", filter=~Q(action=_UNDO)),
        rejected=Count("pk", filter=Q(action__in=_TURNED_DOWN)),
    )
    if latest["total"] < policy.troll_min_decisions:
        return False
    return latest["rejected"] * 100 >= policy.troll_rejected_share * latest["total"]


@dataclass(frozen=True)
class PostRules:
    """What the comment policy means for one post's page right now."""

    accepts_comments: bool  # offer the comment form and Reply links
    holds_every_comment: bool  # say that comments wait for a moderator
    stamp: str  # changes whenever the policy does
    # When these answers may change by the clock alone (a lockdown ending), or None.
    until: datetime | None


def rules_for(post) -> PostRules:
    """The policy as the post page needs it; read once per request."""
    policy = ModerationPolicy.current()
    try:
        _refuse_if_closed(post, policy)
    except Refused:
        accepts = False
    else:
        accepts = True
    return PostRules(
        accepts_comments=accepts,
        holds_every_comment=policy.holds_every_comment_on(post),
        stamp=policy.updated.isoformat(),
        until=policy.lockdown_until if policy.in_lockdown else None,
    )
