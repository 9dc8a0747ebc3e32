"""Which pages of a thread exist, what a closed thread offers, and what no shared cache keeps."""

import pytest
from django.urls import reverse

from forum import pages
from moderation.models import ModerationPolicy
from tests.factories import make_comment

REPLY_LINK = 'class="reply-link"'


@pytest.fixture
def two_pages(a_post, settings, monkeypatch):
    """A thread of two pages (one conversation each), and a record of every page kept."""
    settings.FORUM_COMMENTS_PER_PAGE = 1
    make_comment(post=a_post, body="The first conversation.")
    make_comment(post=a_post, body="The second conversation.")
    kept = []
    keep_page = pages._kept

    def keep(request, *args):
        entry = keep_page(request, *args)
        if pages.kept(request) is not None:
            kept.append(request.get_full_path())
        return entry

    monkeypatch.setattr(pages, "_kept", keep)
    return kept


def test_each_numbered_page_of_a_thread_is_served_and_kept(client, a_post, two_pages):
    first = client.get(a_post.get_absolute_url())
    second = client.get(a_post.get_absolute_url(), {"page": "2"})

    assert "The first conversation." in first.content.decode()
    assert "The second conversation." in second.content.decode()
    assert len(two_pages) == 2


@pytest.mark.parametrize(
    "page", ["٢", "²", "02", "+2", "-1", "0", "", "2.0", " 2", "9" * 6, "9" * 5000, "ab"]
)
def test_a_page_number_not_written_plainly_shows_page_one_and_nothing_is_kept(
    client, a_post, two_pages, page
):
    response = client.get(a_post.get_absolute_url(), {"page": page})

    assert response.status_code == 200
    assert "The first conversation." in response.content.decode()
    assert two_pages == []


def test_a_repeated_page_parameter_shows_a_page_but_nothing_is_kept(client, a_post, two_pages):
    response = client.get(a_post.get_absolute_url(), {"page": ["2", "2"]})

    assert response.status_code == 200
    assert two_pages == []


@pytest.mark.parametrize("page", ["3", "99999"])
def test_a_page_past_the_last_is_a_404_and_nothing_is_kept(client, a_post, two_pages, page):
    response = client.get(a_post.get_absolute_url(), {"page": page})

    assert response.status_code == 404
    assert two_pages == []


def close_by_hand(post) -> None:
    post.comments_open = False
    post.save()


def close_by_age(post) -> None:
    policy = ModerationPolicy.current()
    policy.close_after_days = 1
    policy.save()
    pages.site_changed()  # what the policy's admin says of every change


@pytest.mark.parametrize("close", [close_by_hand, close_by_age])
def test_a_closed_post_shows_no_reply_links_though_its_thread_was_kept_open(
    client, a_published_comment, close
):
    post = a_published_comment.post
    assert REPLY_LINK in client.get(post.get_absolute_url()).content.decode()

    close(post)
    html = client.get(post.get_absolute_url()).content.decode()

    assert "Comments are closed on this post." in html
    assert REPLY_LINK not in html


def test_reopening_a_post_brings_its_reply_links_back(client, a_published_comment):
    post = a_published_comment.post
    close_by_hand(post)
    assert REPLY_LINK not in client.get(post.get_absolute_url()).content.decode()

    post.comments_open = True
    post.save()

    assert REPLY_LINK in client.get(post.get_absolute_url()).content.decode()


def test_your_comments_may_be_kept_by_the_browser_only(client, a_post, moderation_off):
    client.post(a_post.get_absolute_url(), {"body": "Mine."}, REMOTE_ADDR="10.0.0.5")

    response = client.get(reverse("forum:your_comments"))

    assert "Mine." in response.content.decode()
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]
