"""Whatever readers and moderators do, in any order, nothing unapproved is ever shown publicly.

Hypothesis plays sequences of submit / reply / approve / reject / spam / take down / delete /
report / read against the real pages, under each moderation mode; after every read and at the
end, every public page is checked: no body that is not approved, every approved body on its
post's page, and every count of comments equal to the number approved.
"""

import itertools
import re
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from blogarchive.models import Post
from forum.models import Comment
from moderation.models import ModerationPolicy
from tests.factories import make_post
from tests.security.pages import feeds, public_pages, searches

AUTHORS, READERS = 3, 4
_markers = itertools.count(1)

targets = st.integers(min_value=0, max_value=30)
# One comment in five comes from a robot that fills in the hidden field.
robots = st.integers(0, 4).map(lambda n: n == 0)
submits = st.tuples(st.just("submit"), st.integers(0, 1), st.integers(0, AUTHORS - 1), robots)
operations = st.one_of(
    submits,
    st.tuples(st.just("reply"), targets, st.integers(0, AUTHORS - 1)),
    st.tuples(st.sampled_from(["approve", "reject", "spam", "take_down"]), targets),
    st.tuples(st.just("delete"), targets, st.booleans()),
    st.tuples(st.just("report"), targets, st.integers(0, READERS - 1)),
    st.tuples(st.just("read"), st.integers(0, 1), st.integers(0, READERS - 1)),
    st.tuples(
        st.just("reply_and_remove"),
        targets,
        st.integers(0, AUTHORS - 1),
        st.sampled_from(["delete", "take_down", "report"]),
    ),
)


@dataclass
class Reader:
    """A browser with its own cookies and HTTP cache: a 304 shows what it saw last time."""

    address: str
    client: Client = field(default_factory=Client)
    seen: dict[str, tuple[str, str]] = field(default_factory=dict)

    def get(self, url: str) -> str:
        etag, page = self.seen.get(url, ("", ""))
        headers = {"HTTP_IF_NONE_MATCH": etag} if etag else {}
        response = self.client.get(url, REMOTE_ADDR=self.address, **headers)
        if response.status_code == 304:
            event("a reader's cached page was still fresh")
            return page
        assert response.status_code == 200, url
        page = response.content.decode()
        if response.has_header("ETag"):
            self.seen[url] = (response["ETag"], page)
        return page


@dataclass
class Forum:
    posts: list[Post]
    moderator: Client
    authors: list[Reader]
    readers: list[Reader]
    author_of: dict[int, int] = field(default_factory=dict)

    @property
    def comment_ids(self) -> list[int]:
        return list(self.author_of)

    def target(self, index: int) -> Comment | None:
        ids = self.comment_ids
        return Comment.objects.get(pk=ids[index % len(ids)]) if ids else None

    def fresh(self, comment: Comment) -> Comment:
        return Comment.objects.get(pk=comment.pk)

    def write(self, author: int, post: Post, body: str, **fields):
        writer = self.authors[author]
        data = {"body": body, "author_name": f"Reader {author}", **fields}
        return writer.client.post(post.get_absolute_url(), data, REMOTE_ADDR=writer.address)


def submit(forum: Forum, post: int, author: int, robot: bool) -> None:
    body = f"mk{next(_markers):06d}q"
    trap = {"website": "http://spam.example"} if robot else {}
    response = forum.write(author, forum.posts[post], body, **trap)
    assert response.status_code == 302
    forum.author_of[Comment.objects.get(body=body).pk] = author


def reply(forum: Forum, parent: Comment, author: int) -> None:
    body, before = f"mk{next(_markers):06d}q", Comment.objects.count()
    response = forum.write(author, parent.post, body, parent=parent.pk)
    if parent.status != Comment.Status.PUBLISHED:
        # Replies go only to published comments: anything else is refused and stores nothing.
        assert response.status_code == 400
        assert Comment.objects.count() == before
        return
    assert response.status_code == 302
    forum.author_of[Comment.objects.get(body=body, parent=parent).pk] = author


# What each moderator's action starts from and where it leaves a comment.
MODERATION = {
    "approve": ({Comment.Status.PENDING}, Comment.Status.PUBLISHED),
    "reject": ({Comment.Status.PENDING}, Comment.Status.REJECTED),
    "spam": ({Comment.Status.PENDING}, Comment.Status.SPAM),
    "take_down": ({Comment.Status.PENDING, Comment.Status.PUBLISHED}, Comment.Status.REJECTED),
}


def moderate(forum: Forum, comment: Comment, action: str) -> None:
    if action in ("approve", "reject"):
        url = reverse("moderation:moderate", args=[comment.pk])
        response = forum.moderator.post(url, {"action": action})
    else:
        # Spam from the queue; a take-down from the list of every comment, as in the admin.
        model = "moderation_pendingcomment" if action == "spam" else "forum_comment"
        verb = "spam_selected" if action == "spam" else "reject_selected"
        data = {"action": verb, "_selected_action": [comment.pk], "index": 0}
        response = forum.moderator.post(reverse(f"admin:{model}_changelist"), data)
    assert response.status_code == 302
    starts, ends = MODERATION[action]
    expected = ends if comment.status in starts else comment.status
    assert Comment.objects.get(pk=comment.pk).status == expected


def delete(forum: Forum, comment: Comment, by_author: bool) -> None:
    author = forum.author_of[comment.pk]
    who = forum.authors[author if by_author else (author + 1) % AUTHORS]
    response = who.client.post(reverse("moderation:delete", args=[comment.pk]))
    assert response.status_code == (302 if by_author else 403)


def report(forum: Forum, comment: Comment, reader: int) -> None:
    who = forum.readers[reader]
    url = reverse("moderation:report", args=[comment.pk])
    response = who.client.post(url, {"reason": "rude"}, REMOTE_ADDR=who.address)
    assert response.status_code == (302 if comment.status == Comment.Status.PUBLISHED else 404)


def reply_and_remove(forum: Forum, parent: Comment, author: int, how: str) -> None:
    """A comment is published and answered, then goes: a placeholder keeps its place."""
    if parent.status == Comment.Status.PENDING:
        moderate(forum, parent, "approve")
    reply(forum, forum.fresh(parent), author)
    if how == "delete":
        delete(forum, forum.fresh(parent), by_author=True)
    elif how == "take_down":
        moderate(forum, forum.fresh(parent), "take_down")
    else:
        for reader in range(READERS):
            report(forum, forum.fresh(parent), reader)


def read(forum: Forum, post: int, reader: int) -> None:
    url = forum.posts[post].get_absolute_url()
    assert_nothing_unapproved({url: forum.readers[reader].get(url)}, viewer=None)


def statuses() -> dict[int, tuple[str, str, int]]:
    return {
        pk: (status, body, post)
        for pk, status, body, post in Comment.objects.values_list("pk", "status", "body", "post")
    }


def assert_nothing_unapproved(pages: dict[str, str], *, viewer: set[int] | None) -> None:
    """No page shows a body that is not approved, except to the viewer who wrote it."""
    for pk, (status, body, _post) in statuses().items():
        if status == Comment.Status.PUBLISHED or (viewer and pk in viewer):
            continue
        for url, page in pages.items():
            assert body not in page, f"{status} comment {pk} shown on {url}"


def assert_counts_and_bodies(pages: dict[str, str], posts: list[Post]) -> None:
    """Each post's page shows every approved body, and every count is the approved count."""
    approved = {post.pk: [] for post in posts}
    for status, body, post in statuses().values():
        if status == Comment.Status.PUBLISHED:
            approved[post].append(body)
    for post in posts:
        page = pages[post.get_absolute_url()]
        assert all(body in page for body in approved[post.pk])
        assert shown_count(heading(page)) == len(approved[post.pk])
        for url in public_pages([post]):
            if url != post.get_absolute_url() and "your-comments" not in url:
                assert summary_count(pages[url], post) == len(approved[post.pk]), url


def heading(page: str) -> str:
    return re.search(r'<h2 id="comments-heading">(.*?)</h2>', page).group(1)


def summary_count(page: str, post: Post) -> int:
    link = re.escape(f'href="{post.get_absolute_url()}#comments"')
    return shown_count(re.search(rf"{link}>(.*?)</a>", page).group(1))


def shown_count(text: str) -> int:
    if text == "No comments yet":
        return 0
    number, word = text.split()
    assert word == ("comment" if number == "1" else "comments")
    return int(number.replace(",", ""))


def assert_search_finds_only_approved(reader: Reader) -> None:
    """A search for a comment's text finds it if it is approved, and never otherwise."""
    rows = list(statuses().values())
    found = [body for status, body, _ in rows if status == Comment.Status.PUBLISHED][:2]
    hidden = [body for status, body, _ in rows if status != Comment.Status.PUBLISHED][:4]
    for body in found + hidden:
        for url in searches([body]):
            # The page repeats the question; only its hits are answers.
            hits = "".join(re.findall(r'<li class="search-hit">(.*?)</li>', reader.get(url), re.S))
            assert (body in hits) == (body in found), url


def check_everything(forum: Forum) -> None:
    """Every public page for a newcomer, and each author's and reader's own view."""
    for status in {status for status, _, _ in statuses().values()}:
        event(f"ends with a {status} comment")
    if Comment.objects.filter(parent__isnull=False).exists():
        event("ends with a reply")
    if Comment.objects.filter(children__status=Comment.Status.PUBLISHED).exclude(
        status=Comment.Status.PUBLISHED
    ):
        event("ends with a placeholder above a published reply")
    newcomer = Reader("10.8.0.1")
    pages = {url: newcomer.get(url) for url in public_pages(forum.posts) + feeds(forum.posts)}
    assert_nothing_unapproved(pages, viewer=None)
    assert_counts_and_bodies(pages, forum.posts)
    assert_search_finds_only_approved(newcomer)
    comments = Comment.objects.select_related("post").in_bulk(list(forum.author_of))
    for number, author in enumerate(forum.authors):
        own = {pk for pk, writer in forum.author_of.items() if writer == number}
        urls = {comments[pk].post.get_absolute_url() for pk in own}
        assert_nothing_unapproved({url: author.get(url) for url in urls}, viewer=own)
    # A reader who read a page before may be told it has not changed: what they keep showing
    # must be as clean as the page itself.
    for reader in forum.readers:
        assert_nothing_unapproved({url: reader.get(url) for url in reader.seen}, viewer=None)


# Actions on the forum as a whole, and actions on one of its comments (picked by index).
ACTIONS = {"submit": submit, "read": read}
ON_A_COMMENT = {
    "reply": reply,
    "approve": lambda forum, comment: moderate(forum, comment, "approve"),
    "reject": lambda forum, comment: moderate(forum, comment, "reject"),
    "spam": lambda forum, comment: moderate(forum, comment, "spam"),
    "take_down": lambda forum, comment: moderate(forum, comment, "take_down"),
    "delete": delete,
    "report": report,
    "reply_and_remove": reply_and_remove,
}


def play(forum: Forum, name: str, *args) -> None:
    if name in ACTIONS:
        ACTIONS[name](forum, *args)
        return
    index, *rest = args
    comment = forum.target(index)
    if comment is not None:
        ON_A_COMMENT[name](forum, comment, *rest)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    mode=st.sampled_from(ModerationPolicy.Mode.values),
    threshold=st.integers(min_value=1, max_value=3),
    opening=st.lists(submits, min_size=1, max_size=4),
    script=st.lists(operations, max_size=12),
)
def test_no_sequence_of_actions_shows_an_unapproved_comment_or_a_wrong_count(
    a_moderator, mode, threshold, opening, script
):
    # Each example runs in a transaction of its own, rolled back: the next starts empty.
    with transaction.atomic():
        cache.clear()
        ModerationPolicy.objects.filter(pk=1).update(
            mode=mode,
            older_than_days=14,
            report_threshold=threshold,
            min_seconds_between=0,
            max_per_hour=10_000,
        )
        today = timezone.localdate()
        posts = [
            make_post(title="A recent post", published=today - timedelta(days=2)),
            make_post(title="An old post", published=today - timedelta(days=3 * 365)),
        ]
        moderator = Client()
        moderator.force_login(a_moderator)
        forum = Forum(
            posts=posts,
            moderator=moderator,
            authors=[Reader(f"10.1.0.{n}") for n in range(AUTHORS)],
            # Each reader on a network of their own: reports count one per network.
            readers=[Reader(f"10.2.{n}.1") for n in range(READERS)],
        )
        for step in opening + script:
            play(forum, *step)
        check_everything(forum)
        transaction.set_rollback(True)
