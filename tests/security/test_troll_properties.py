"""Whatever readers, authors and moderators do, in any order, the moderators stay in charge.

Hypothesis plays sequences of posting, reporting (from readers on shared and separate networks),
authors deleting their own comments, and a moderator approving, rejecting, marking as spam,
taking down, undoing and keeping, all through the real pages and the real admin. After every
step: a comment that was rejected or spam is still so, with its placeholder, unless the step
was a moderator's; and readers' reports have hidden no more comments on a post than the policy
allows in an hour.
"""

import itertools
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from blogarchive.models import Post
from forum.models import Comment
from moderation.models import Decision, ModerationPolicy
from tests.factories import make_post

AUTHORS = 3
# Readers 0-2 share one network (a library's), readers 3-5 each have a network of their own.
READER_ADDRESSES = ["10.6.0.1", "10.6.0.2", "10.6.0.3", "10.7.1.1", "10.7.2.1", "10.7.3.1"]
_markers = itertools.count(1)

targets = st.integers(min_value=0, max_value=20)
submits = st.tuples(st.just("submit"), st.integers(0, AUTHORS - 1), st.booleans())
READER_MOVES = ["submit", "report", "pile_on", "delete"]
operations = st.one_of(
    submits,
    # Report-bombing: every reader reports every comment on the post.
    st.tuples(st.just("pile_on")),
    # Several readers report one comment, one after another.
    st.tuples(
        st.just("report"),
        targets,
        st.lists(st.integers(0, len(READER_ADDRESSES) - 1), min_size=1, max_size=6, unique=True),
    ),
    st.tuples(st.just("delete"), targets, st.booleans()),
    st.tuples(st.sampled_from(["approve", "reject", "spam", "take_down", "undo", "keep"]), targets),
)


@dataclass
class Forum:
    post: Post
    moderator: Client
    authors: list[tuple[Client, str]]
    readers: list[Client] = field(default_factory=lambda: [Client() for _ in READER_ADDRESSES])
    author_of: dict[int, int] = field(default_factory=dict)

    def target(self, index: int) -> Comment | None:
        ids = list(self.author_of)
        return Comment.objects.get(pk=ids[index % len(ids)]) if ids else None


def submit(forum: Forum, author: int, robot: bool) -> None:
    client, address = forum.authors[author]
    body = f"tr{next(_markers):06d}x"
    data = {"body": body, **({"website": "http://spam.example"} if robot else {})}
    response = client.post(forum.post.get_absolute_url(), data, REMOTE_ADDR=address)
    assert response.status_code == 302
    forum.author_of[Comment.objects.get(body=body).pk] = author


def report(forum: Forum, comment: Comment, readers: list[int]) -> None:
    url = reverse("moderation:report", args=[comment.pk])
    for reader in readers:
        published = Comment.objects.get(pk=comment.pk).status == Comment.Status.PUBLISHED
        address = READER_ADDRESSES[reader]
        response = forum.readers[reader].post(url, {"reason": "rude"}, REMOTE_ADDR=address)
        assert response.status_code in ((302, 429) if published else (404,))


def delete(forum: Forum, comment: Comment, by_author: bool) -> None:
    author = forum.author_of[comment.pk]
    client, address = forum.authors[author if by_author else (author + 1) % AUTHORS]
    response = client.post(reverse("moderation:delete", args=[comment.pk]), REMOTE_ADDR=address)
    assert response.status_code == (302 if by_author else 403)


# Each moderator's action as the admin or the post page sends it: (url name, form data).
ADMIN_ACTIONS = {
    "spam": ("admin:moderation_pendingcomment_changelist", "spam_selected"),
    "take_down": ("admin:forum_comment_changelist", "reject_selected"),
    "keep": ("admin:forum_comment_changelist", "keep_selected"),
}


def moderate(forum: Forum, comment: Comment, action: str) -> None:
    if action in ("approve", "reject"):
        url, data = reverse("moderation:moderate", args=[comment.pk]), {"action": action}
    elif action == "undo":
        decision = comment.decisions.filter(moderator__isnull=False).first()
        if decision is None:
            return
        url, data = f"{reverse('admin:moderation_decision_undo')}?ids={decision.pk}", {}
    else:
        name, verb = ADMIN_ACTIONS[action]
        url, data = reverse(name), {"action": verb, "_selected_action": [comment.pk], "index": 0}
    assert forum.moderator.post(url, data).status_code == 302


def turned_down() -> dict[int, tuple[str, str]]:
    """Every rejected or spam comment, with who its placeholder names."""
    rows = Comment.objects.filter(status__in=[Comment.Status.REJECTED, Comment.Status.SPAM])
    return {pk: (status, by) for pk, status, by in rows.values_list("pk", "status", "removed_by")}


def pile_on(forum: Forum) -> None:
    everyone = list(range(len(READER_ADDRESSES)))
    for pk in list(forum.author_of):
        report(forum, Comment.objects.get(pk=pk), everyone)


def play(forum: Forum, name: str, *args) -> None:
    if name in ("submit", "pile_on"):
        {"submit": submit, "pile_on": pile_on}[name](forum, *args)
        return
    index, *rest = args
    comment = forum.target(index)
    if comment is None:
        return
    if name == "report":
        report(forum, comment, *rest)
    elif name == "delete":
        delete(forum, comment, *rest)
    else:
        moderate(forum, comment, name)


def hidden_by_reports(post: Post) -> int:
    return Decision.objects.filter(action=Decision.Action.HIDE, comment__post=post).count()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    mode=st.sampled_from([ModerationPolicy.Mode.NEVER, ModerationPolicy.Mode.ALWAYS]),
    threshold=st.integers(min_value=1, max_value=3),
    budget=st.integers(min_value=0, max_value=3),
    opening=st.lists(submits, min_size=3, max_size=6),
    script=st.lists(operations, max_size=16),
)
def test_only_a_moderator_undoes_a_rejection_and_reports_hide_within_their_budget(
    a_moderator, mode, threshold, budget, opening, script
):
    # Each example runs in a transaction of its own, rolled back: the next starts empty.
    with transaction.atomic():
        cache.clear()
        ModerationPolicy.objects.filter(pk=1).update(
            mode=mode,
            report_threshold=threshold,
            report_hides_per_hour=budget,
            min_seconds_between=0,
            max_per_hour=10_000,
        )
        moderator = Client()
        moderator.force_login(a_moderator)
        authors = [(Client(), f"10.5.{n}.1") for n in range(AUTHORS)]
        forum = Forum(
            post=make_post(title="Re-nationalisation?"), moderator=moderator, authors=authors
        )
        for step in opening + script:
            before = turned_down()
            play(forum, *step)
            if step[0] in READER_MOVES:
                after = turned_down()
                assert {pk: after.get(pk) for pk in before} == before, step
            assert hidden_by_reports(forum.post) <= budget
        event(f"reports hid {hidden_by_reports(forum.post)} of {budget} allowed")
        if turned_down():
            event("ends with a comment turned down")
        transaction.set_rollback(True)
