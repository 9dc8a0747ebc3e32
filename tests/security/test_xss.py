"""Hostile comments posted through the real form are kept as typed and shown inert everywhere.

The pages are read here by a parser; test_browser.py loads the same kind of pages in Chromium.
"""

from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from forum import markup
from forum.models import Comment
from moderation import email_links, services
from moderation.models import Decision, ModerationPolicy
from tests.security import xss_vectors
from tests.security.html_checks import comment_bodies, dangers, feed_dangers, parse
from tests.security.pages import feeds, post_comment, post_every_vector, public_pages, searches

QUEUE = reverse("admin:moderation_pendingcomment_changelist")


@pytest.fixture
def long_threads(settings):
    """Every hostile comment on one page of its thread."""
    settings.FORUM_COMMENTS_PER_PAGE = 1000


def test_every_hostile_comment_is_published_kept_as_typed_and_shown_inert(
    a_post, client, open_policy, long_threads
):
    vectors = xss_vectors.body_vectors()

    ids = post_every_vector(client, a_post, vectors)

    stored = dict(Comment.objects.filter(pk__in=ids).values_list("pk", "body"))
    assert [stored[pk] for pk in ids] == [markup.normalise(v) for v in vectors]
    # A vector with an e-mail address in it is held as personal information: a moderator
    # lets it through, and from then on it is shown like the others.
    held = Comment.objects.filter(pk__in=ids, status=Comment.Status.PENDING)
    assert set(held.values_list("hold_reason", flat=True)) <= {
        "personal information: e-mail address"
    }
    services.decide(list(held.values_list("pk", flat=True)), Decision.Action.APPROVE)
    assert Comment.objects.filter(pk__in=ids, status=Comment.Status.PUBLISHED).count() == len(
        vectors
    )
    reader = Client()
    for url in public_pages([a_post]) + searches(["script", "img src", "onerror", "javascript"]):
        response = reader.get(url)
        assert response.status_code == 200, url
        assert dangers(response.content.decode()) == [], url
    for url in searches(["script"]):
        assert 'class="search-hit"' in reader.get(url).content.decode()
    for url in feeds([a_post]):
        assert feed_dangers(reader.get(url).content.decode()) == [], url
    page = reader.get(a_post.get_absolute_url()).content.decode()
    assert len(comment_bodies(page)) == len(vectors)
    assert f"{len(vectors)} comments" in page


def test_a_hostile_name_is_shown_as_the_text_that_was_typed(a_post, client, open_policy):
    names = xss_vectors.NAMES

    for n, name in enumerate(names):
        post_comment(client, a_post, f"Signed with name number {n}.", author_name=name)

    page = Client().get(a_post.get_absolute_url()).content.decode()
    assert dangers(page) == []
    shown = [
        "".join(element.text)
        for element in parse(page).walk()
        if "comment-author" in element.classes
    ]
    assert shown == names


def test_a_hostile_comment_on_its_report_page_is_inert(a_post, client, open_policy):
    vector, name = xss_vectors.CLASSICS[0], xss_vectors.NAMES[1]
    post_comment(client, a_post, vector, author_name=name)
    comment = Comment.objects.get(author_name=name)

    response = Client().get(reverse("moderation:report", args=[comment.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert dangers(page) == []
    assert len(comment_bodies(page)) == 1
    assert "&lt;script&gt;" in page


def test_a_refused_comment_is_given_back_in_the_form_as_inert_text(a_post, client, open_policy):
    vector = "</textarea><script>window.__xss=1</script>"

    too_long = post_comment(client, a_post, vector + "x" * 10_000)
    bad_name = post_comment(client, a_post, vector, author_name=vector + "x" * 80)

    for response in (too_long, bad_name):
        assert response.status_code == 400
        assert dangers(response.content.decode()) == []
        assert "&lt;/textarea&gt;&lt;script&gt;" in response.content.decode()
    assert not Comment.objects.exists()


@pytest.fixture
def held_vectors(a_post, client, open_policy):
    """Hostile comments held for a moderator: the author's client posted them."""
    ModerationPolicy.objects.filter(pk=1).update(mode=ModerationPolicy.Mode.ALWAYS)
    vectors = xss_vectors.CLASSICS[:60]
    for n, vector in enumerate(vectors):
        post_comment(
            client, a_post, vector, author_name=xss_vectors.NAMES[n % len(xss_vectors.NAMES)]
        )
    assert Comment.objects.filter(status=Comment.Status.PENDING).count() == len(vectors)
    return vectors


def test_held_hostile_comments_are_inert_for_their_author(a_post, client, held_vectors):
    for url in (a_post.get_absolute_url(), reverse("forum:your_comments")):
        page = client.get(url).content.decode()

        assert dangers(page) == [], url
        assert len(comment_bodies(page)) == len(held_vectors), url


def test_held_hostile_comments_are_inert_for_a_moderator_on_the_post_page_and_in_the_admin(
    a_post, a_moderator, held_vectors
):
    moderator = Client()
    moderator.force_login(a_moderator)
    comment = Comment.objects.filter(status=Comment.Status.PENDING).first()
    link = email_links.make_link(comment, "approve", a_moderator)
    pages = {
        "post page": a_post.get_absolute_url(),
        "queue": QUEUE,
        "queue search": f"{QUEUE}?q=script",
        "comment": reverse("admin:moderation_pendingcomment_change", args=[comment.pk]),
        "all comments": reverse("admin:forum_comment_changelist"),
        "e-mail link": "?".join(urlsplit(link)[2:4]),
    }

    for name, url in pages.items():
        response = moderator.get(url)
        assert response.status_code == 200, name
        assert dangers(response.content.decode(), admin=url.startswith("/admin/")) == [], name
    post_page = moderator.get(a_post.get_absolute_url()).content.decode()
    assert len(comment_bodies(post_page)) == len(held_vectors)


def test_a_moderators_messages_about_a_hostile_comment_are_inert(a_post, a_moderator, held_vectors):
    moderator = Client()
    moderator.force_login(a_moderator)
    comment = Comment.objects.filter(status=Comment.Status.PENDING).first()
    data = {"action": "approve_selected", "_selected_action": [comment.pk], "index": 0}
    moderator.post(QUEUE, data)

    second_time = moderator.post(QUEUE, data, follow=True)

    page = second_time.content.decode()
    assert "already" in page
    assert dangers(page, admin=True) == []


def test_a_hostile_search_is_echoed_back_inert(db, client):
    queries = [v[:200] for v in xss_vectors.CLASSICS + xss_vectors.NAMES]

    for url in searches(queries):
        response = client.get(url)

        assert response.status_code == 200, url
        assert dangers(response.content.decode()) == [], url
