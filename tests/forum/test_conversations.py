"""A busy thread's page is rendered again one changed conversation at a time, and is always
the page a whole render would make."""

from datetime import timedelta

import pytest
from django.utils import timezone

from forum import conversations, pages
from forum.models import Comment
from moderation import reports, services
from moderation.models import Decision, ModerationPolicy
from tests.factories import make_comment, make_thread


@pytest.fixture
def rendered(monkeypatch):
    """The comments of each conversation rendered afresh, in order, one list per render."""
    made: list[list[str]] = []
    render = conversations.render_thread

    def counted(comments, viewer, **kwargs):
        made.append([comment.body_html for comment in comments])
        return render(comments, viewer, **kwargs)

    monkeypatch.setattr(conversations, "render_thread", counted)
    return made


@pytest.fixture
def busy_post(a_post, moderation_off):
    """A post with five conversations of four comments, read once so that all are kept."""
    make_thread(a_post, size=20, replies_per_comment=3)
    return a_post


def add(post, **fields) -> Comment:
    """A comment stored as the services store one: its post's kept pages are no longer current."""
    comment = make_comment(post=post, **fields)
    pages.thread_changed(post.pk)
    return comment


def read(client, post) -> str:
    return client.get(post.get_absolute_url()).content.decode()


def test_a_new_comment_renders_only_its_own_conversation(client, busy_post, rendered):
    read(client, busy_post)
    assert len(rendered) == 5
    rendered.clear()

    add(busy_post, body="A new conversation starts.")
    page = read(client, busy_post)

    assert "A new conversation starts." in page
    assert len(rendered) == 1
    assert "A new conversation starts." in rendered[0][0]


def test_a_reply_renders_only_the_conversation_it_joins(client, busy_post, rendered):
    read(client, busy_post)
    rendered.clear()
    third = Comment.objects.filter(post=busy_post, parent=None).order_by("tree_id")[2]

    add(busy_post, parent=third, body="A late reply.")
    page = read(client, busy_post)

    assert "A late reply." in page
    assert len(rendered) == 1
    assert len(rendered[0]) == 5  # the conversation's four comments and the reply


def test_a_taken_down_comment_leaves_its_conversation_and_no_other(
    client, busy_post, rendered, a_moderator
):
    read(client, busy_post)
    rendered.clear()
    gone = Comment.objects.get(post=busy_post, body="Reply 2")

    services.decide(
        [gone.pk], Decision.Action.REJECT, moderator=a_moderator, allowed=services.TAKE_DOWN
    )
    page = read(client, busy_post)

    assert "Reply 2" not in page
    assert len(rendered) == 1


def test_a_time_mentioned_in_one_conversation_follows_a_new_comment_in_another(
    client, a_post, moderation_off
):
    # An old comment whose time was lost names "10:55": it links to the latest comment posted
    # at that minute, in any conversation.
    at = timezone.localtime().replace(hour=10, minute=55, second=0, microsecond=0)
    first = add(a_post, body="Posted at five to eleven.", created=at)
    add(a_post, body="Anon 10:55 is right.", created=None, import_key="9")
    assert f'href="#c{first.pk}">10:55</a>' in read(client, a_post)

    later = add(a_post, body="Also at five to eleven.", created=at + timedelta(seconds=30))

    page = read(client, a_post)
    assert f'href="#c{later.pk}">10:55</a>' in page
    assert f'href="#c{first.pk}">10:55</a>' not in page


def test_the_kept_conversations_make_the_page_a_whole_render_would(client, busy_post, a_moderator):
    def thread_of(page: str) -> str:
        return page[page.index('<div class="thread"') : page.rindex("</article>")]

    first, second, third = Comment.objects.filter(post=busy_post, parent=None).order_by("tree_id")[
        :3
    ]

    def hidden_by_readers():
        for reader in ("a", "b", "c"):
            policy = ModerationPolicy.current()
            reports.report(third, reporter=reader, network=reader, reason="", policy=policy)

    changes = [
        hidden_by_readers,
        lambda: add(busy_post, parent=first, body="At 12:00, then 12.01."),
        lambda: services.delete_by_author(first),
        lambda: services.decide(
            [second.pk], Decision.Action.REJECT, moderator=a_moderator, allowed=services.TAKE_DOWN
        ),
        lambda: services.decide(
            [add(busy_post, body="Held a while.", status=Comment.Status.PENDING).pk],
            Decision.Action.APPROVE,
            moderator=a_moderator,
        ),
    ]
    read(client, busy_post)
    for change in changes:
        change()
        kept = read(client, busy_post)
        conversations.forget()
        assert thread_of(kept) == thread_of(read(client, busy_post))

    assert "Held a while." in kept
    assert "removed by the author" in kept
    assert "removed by a moderator" in kept
    assert third.body_html not in kept


def test_a_process_keeps_no_more_than_its_limit(client, busy_post, monkeypatch):
    monkeypatch.setattr(conversations, "LIMIT", 8)

    read(client, busy_post)

    assert conversations._size <= 8
    assert len(conversations._kept) == 2  # the last two conversations of four comments


def test_a_page_of_a_readers_own_is_rendered_whole_and_nothing_kept_for_it(
    client, busy_post, rendered
):
    answer = client.post(
        busy_post.get_absolute_url(), {"author_name": "", "body": "Mine.", "website": ""}
    )
    assert answer.status_code == 302

    assert "Mine." in read(client, busy_post)
    assert [len(comments) for comments in rendered] == [21]
    assert conversations._kept == {}
