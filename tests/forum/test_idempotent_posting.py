"""Posting is idempotent: a retried comment form gets the comment its first attempt stored."""

import logging
import re

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client, RequestFactory

from forum import ownership, services
from forum.models import Comment
from moderation import screening
from moderation.models import ModerationPolicy
from tests.factories import make_moderator, make_post

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FORM_TOKEN = re.compile(r'name="form_token" value="([^"]+)"')
ALREADY = "This exact comment has already been posted here."


class Browser:
    """One reader's browser: its own cookies and address, and the last comment form it read."""

    def __init__(self, address: str = "203.0.113.7"):
        self.client = Client(enforce_csrf_checks=True, REMOTE_ADDR=address)
        self.form: dict[str, str] = {}

    def read(self, post, **params) -> str:
        response = self.client.get(post.get_absolute_url(), params)
        assert response.status_code == 200
        html = response.content.decode()
        self.form = {
            "csrfmiddlewaretoken": CSRF.search(html).group(1),
            "form_token": FORM_TOKEN.search(html).group(1),
        }
        return html

    def send(self, post, body: str, **fields):
        data = {**self.form, "author_name": "", "body": body, "website": "", **fields}
        return self.client.post(post.get_absolute_url(), data)

    def forget_own_comments(self) -> None:
        """As if the answer that carried the ownership cookie never arrived."""
        self.client.cookies.pop(ownership.COOKIE, None)


def own_ids(response) -> list[int]:
    """The comments the ownership cookie set by this response says the browser wrote."""
    request = RequestFactory().get("/")
    request.COOKIES[ownership.COOKIE] = response.cookies[ownership.COOKIE].value
    return ownership.own_ids(request)


@pytest.fixture
def quick_posting(db):
    """No wait between two comments from one address, and comments published at once."""
    ModerationPolicy.current()
    ModerationPolicy.objects.filter(pk=1).update(mode="never", min_seconds_between=0)


def test_a_retry_whose_first_answer_was_lost_gets_the_same_comment_and_its_cookie(
    a_post, quick_posting
):
    browser = Browser()
    browser.read(a_post)
    first = browser.send(a_post, "Burn out is real.")
    browser.forget_own_comments()

    retry = browser.send(a_post, "Burn out is real.")

    assert first.status_code == retry.status_code == 302
    assert retry["Location"] == first["Location"]
    [comment] = Comment.objects.filter(body="Burn out is real.")
    assert first["Location"] == comment.get_absolute_url()
    assert comment.pk in own_ids(retry)


def test_a_retried_held_comment_shows_its_author_the_comment_marked_pending(a_post, db):
    ModerationPolicy.current()
    ModerationPolicy.objects.filter(pk=1).update(mode="always", min_seconds_between=0)
    browser = Browser()
    browser.read(a_post)
    browser.send(a_post, "Please hold this one.")
    browser.forget_own_comments()

    retry = browser.send(a_post, "Please hold this one.")
    page = browser.client.get(a_post.get_absolute_url()).content.decode()

    assert retry.status_code == 302
    assert Comment.objects.pending().filter(body="Please hold this one.").count() == 1
    assert "Please hold this one." in page and "is-pending is-mine" in page


def test_a_reply_retried_after_a_lost_answer_is_stored_once(a_published_comment, quick_posting):
    post = a_published_comment.post
    browser = Browser()
    browser.read(post, reply=a_published_comment.pk)
    parent = str(a_published_comment.pk)
    first = browser.send(post, "I agree.", parent=parent)

    retry = browser.send(post, "I agree.", parent=parent)

    assert retry.status_code == 302 and retry["Location"] == first["Location"]
    [reply] = Comment.objects.filter(body="I agree.")
    assert reply.parent_id == a_published_comment.pk


def test_the_same_token_sent_again_with_other_words_posts_them_too(a_post, quick_posting):
    # The Back button brings the old form, token and all, and the reader writes something new.
    browser = Browser()
    browser.read(a_post)
    first = browser.send(a_post, "My first thought.")

    second = browser.send(a_post, "And a second one.")

    assert first.status_code == second.status_code == 302
    assert first["Location"] != second["Location"]
    assert Comment.objects.filter(body__in=["My first thought.", "And a second one."]).count() == 2


def test_someone_who_learns_a_token_cannot_claim_the_comment_it_posted(a_post, quick_posting):
    author, stranger = Browser("203.0.113.7"), Browser("198.51.100.9")
    author.read(a_post)
    stranger.read(a_post)
    author.send(a_post, "Mine alone.")
    # The stranger copies the author's form token (and words) into their own form.
    stranger.form["form_token"] = author.form["form_token"]

    attempt = stranger.send(a_post, "Mine alone.")

    assert attempt.status_code == 400
    assert ALREADY in attempt.content.decode()
    assert ownership.COOKIE not in attempt.cookies
    assert Comment.objects.filter(body="Mine alone.").count() == 1


def test_a_form_without_a_token_posts_as_before_and_refuses_a_double_post(a_post, quick_posting):
    browser = Browser()
    browser.read(a_post)
    del browser.form["form_token"]

    first = browser.send(a_post, "From an old page.")
    again = browser.send(a_post, "From an old page.")

    assert first.status_code == 302
    assert again.status_code == 400 and ALREADY in again.content.decode()
    assert Comment.objects.filter(body="From an old page.").count() == 1


@pytest.mark.parametrize("token", ["short", "x" * 65, "<script>", "é" * 20])
def test_a_malformed_token_posts_as_if_there_were_none(a_post, quick_posting, token):
    browser = Browser()
    browser.read(a_post)
    browser.form["form_token"] = token

    first = browser.send(a_post, "A token I made up.")
    again = browser.send(a_post, "A token I made up.")

    assert first.status_code == 302
    assert again.status_code == 400
    assert Comment.objects.filter(body="A token I made up.").get().submission == ""


def test_every_rendered_form_has_a_token_of_its_own(a_published_comment):
    post = a_published_comment.post
    browser = Browser()
    tokens = [FORM_TOKEN.findall(browser.read(post)) for _ in range(3)]
    tokens.append(FORM_TOKEN.findall(browser.read(post, reply=a_published_comment.pk)))

    every = [token for page in tokens for token in page]
    assert len(every) == 5  # three pages with one form, one with two
    assert len(set(every)) == 5


def test_each_reader_of_a_kept_page_gets_a_form_token_no_one_else_gets(a_published_comment):
    post = a_published_comment.post
    readers = [Browser(f"203.0.113.{n}") for n in range(1, 6)]
    for reader in readers:
        reader.read(post)
        reader.read(post)  # a reader's reload is a new copy of the page, with a new form

    tokens = [reader.form["form_token"] for reader in readers]
    assert len(set(tokens)) == len(readers)


def test_two_readers_of_a_kept_page_who_write_the_same_words_both_post(
    a_published_comment, quick_posting
):
    post = a_published_comment.post
    alice, bob = Browser("203.0.113.1"), Browser("203.0.113.2")
    alice.read(post)
    bob.read(post)
    assert alice.form["form_token"] != bob.form["form_token"]

    assert alice.send(post, "Same here.").status_code == 302
    # A different reader's identical words are refused as a duplicate, not taken as a retry.
    assert bob.send(post, "Same here.").status_code == 400
    assert Comment.objects.filter(body="Same here.").count() == 1


class FailingMailBackend(BaseEmailBackend):
    """A mail backend that breaks in a way the digest does not expect."""

    def send_messages(self, messages):
        raise RuntimeError("the mail relay answered nonsense")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_step_failing_after_the_commit_still_answers_with_the_stored_comment(settings, caplog):
    settings.EMAIL_BACKEND = f"{__name__}.FailingMailBackend"
    post = make_post(title="After the commit")
    ModerationPolicy.current()
    ModerationPolicy.objects.filter(pk=1).update(mode="always", min_seconds_between=0)
    make_moderator("mo")
    browser = Browser()
    browser.read(post)

    with caplog.at_level(logging.ERROR, logger="forum.services"):
        response = browser.send(post, "Held, and the mail fails.")

    [comment] = Comment.objects.filter(body="Held, and the mail fails.")
    assert response.status_code == 302
    assert response["Location"] == comment.get_absolute_url()
    assert comment.pk in own_ids(response)
    assert "a step after its commit failed" in caplog.text


def test_an_attempt_whose_retry_is_stored_while_it_is_screened_answers_with_that_comment(
    a_post, quick_posting, monkeypatch
):
    # Two attempts of one form: the retry commits once the first is screened, before the
    # first inserts. The unique submission stops the second copy; the first gets the retry's.
    screen = screening.screen
    stored = []

    def screen_while_the_retry_commits(**question):
        verdict = screen(**question)
        monkeypatch.setattr(screening, "screen", screen)
        stored.append(services.submit_comment(**attempt))
        return verdict

    attempt = {
        "post": a_post,
        "parent": None,
        "author_name": "",
        "body": "Said once.",
        "commenter": "a-reader",
        "submission": "one-form",
    }
    monkeypatch.setattr(screening, "screen", screen_while_the_retry_commits)

    comment = services.submit_comment(**attempt)

    assert comment == stored[0]
    assert Comment.objects.filter(body="Said once.").count() == 1
