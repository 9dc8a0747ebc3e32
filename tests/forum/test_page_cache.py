"""The whole post page kept for anonymous readers: served without SQL, with each reader's own
CSRF token, and never stale."""

import datetime
import re

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from forum import pages
from forum.models import Comment
from forum.services import submit_comment
from moderation.models import ModerationPolicy
from tests.factories import make_comment, make_label, make_post

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FORM_TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


def a_reader() -> Client:
    return Client(enforce_csrf_checks=True)


def read(client, post, **params):
    response = client.get(post.get_absolute_url(), params)
    assert response.status_code == 200
    return response


def comment_with_token(client, post, html: str, body: str):
    token = TOKEN.search(html).group(1)
    data = {"csrfmiddlewaretoken": token, "author_name": "", "body": body, "website": ""}
    return client.post(post.get_absolute_url(), data)


@pytest.fixture
def shown_once(a_published_comment):
    """A post whose page one reader has read, so that it is now kept whole."""
    post = a_published_comment.post
    read(a_reader(), post)
    return post


def test_a_kept_page_is_served_with_one_read_of_its_generations_and_the_same_content(shown_once):
    first = read(a_reader(), shown_once).content.decode()

    with CaptureQueriesContext(connection) as queries:
        again = read(a_reader(), shown_once).content.decode()

    # Without Redis the generations live in the counter table: that read is the only query.
    assert len(queries) == 1
    assert "forum_counter" in queries[0]["sql"]
    assert FORM_TOKEN.sub("", TOKEN.sub("", again)) == FORM_TOKEN.sub("", TOKEN.sub("", first))
    assert "burn out" in again


def test_each_reader_of_a_kept_page_gets_a_token_that_works_for_them_only(shown_once):
    alice, bob = a_reader(), a_reader()
    alices_page = read(alice, shown_once).content.decode()
    bobs_page = read(bob, shown_once).content.decode()
    assert "\x00" not in alices_page

    assert TOKEN.search(alices_page).group(1) != TOKEN.search(bobs_page).group(1)
    assert comment_with_token(bob, shown_once, alices_page, "Not mine").status_code == 403
    assert comment_with_token(alice, shown_once, alices_page, "Mine to say").status_code == 302
    assert Comment.objects.filter(body="Mine to say").exists()


def served_kept(response) -> bool:
    """Whether the response came from the kept page, ahead of the URL resolver and the view."""
    return response.wsgi_request.resolver_match is None


def test_a_kept_page_is_served_before_sessions_authentication_and_the_view(shown_once):
    response = read(a_reader(), shown_once)

    assert served_kept(response)
    assert not hasattr(response.wsgi_request, "session")
    assert not hasattr(response.wsgi_request, "user")
    assert "burn out" in response.content.decode()


def test_a_kept_page_carries_the_headers_and_cookie_of_a_rendered_one(a_published_comment):
    post = a_published_comment.post
    rendered = read(a_reader(), post)
    kept = read(a_reader(), post)

    assert not served_kept(rendered) and served_kept(kept)
    assert {**kept.headers, "ETag": ""} == {**rendered.headers, "ETag": ""}
    assert {
        "Content-Security-Policy",
        "X-Frame-Options",
        "Referrer-Policy",
        "X-Content-Type-Options",
        "Cross-Origin-Opener-Policy",
    } <= kept.headers.keys()
    assert list(kept.cookies) == list(rendered.cookies) == ["csrftoken"]


def test_a_returning_reader_keeps_their_csrf_secret_on_a_kept_page(shown_once):
    reader = a_reader()
    first = read(reader, shown_once)
    secret = first.wsgi_request.META["CSRF_COOKIE"]

    again = read(reader, shown_once)

    assert served_kept(again)
    assert again.wsgi_request.META["CSRF_COOKIE"] == secret
    assert (
        comment_with_token(reader, shown_once, again.content.decode(), "Back again").status_code
        == 302
    )
    assert Comment.objects.filter(body="Back again").exists()


def test_a_head_request_is_answered_from_the_kept_page(shown_once):
    response = a_reader().head(shown_once.get_absolute_url())

    assert response.status_code == 200 and served_kept(response)


def test_a_kept_page_sets_the_csrf_cookie_a_first_visitor_needs(shown_once):
    reader = a_reader()

    response = read(reader, shown_once)

    assert "csrftoken" in response.cookies
    assert response["Cache-Control"] == "private, no-cache"


def test_a_revisit_with_the_same_page_gets_not_modified(shown_once):
    reader = a_reader()
    etag = read(reader, shown_once)["ETag"]

    revisit = reader.get(shown_once.get_absolute_url(), headers={"if-none-match": etag})

    assert revisit.status_code == 304


def test_a_new_comment_reaches_readers_of_a_kept_page_at_once(shown_once, settings):
    ModerationPolicy.objects.filter(pk=1).update(mode=ModerationPolicy.Mode.NEVER)
    submit_comment(post=shown_once, parent=None, author_name="", body="Fresh news", commenter="")

    assert "Fresh news" in read(a_reader(), shown_once).content.decode()


def test_an_authors_page_is_their_own_and_not_kept_for_others(shown_once):
    author = a_reader()
    page = read(author, shown_once).content.decode()
    comment_with_token(author, shown_once, page, "Held for now")

    assert "Held for now" in read(author, shown_once).content.decode()
    assert "Held for now" not in read(a_reader(), shown_once).content.decode()


def test_editing_a_post_in_the_admin_shows_at_once(shown_once, admin_client):
    change_in_the_admin(
        admin_client,
        shown_once,
        title="Renamed for clarity",
        published="2015-12-21",
        paragraphs='["Edited."]',
    )

    shown_once.refresh_from_db()
    assert "Renamed for clarity" in read(a_reader(), shown_once).content.decode()


def change_in_the_admin(admin_client, obj, **changes):
    """Post the object's admin change form as a browser would, with these fields changed."""
    change = f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"
    form = admin_client.get(change).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(changes)
    assert admin_client.post(change, data).status_code == 302


@pytest.fixture
def filed_and_shown(a_published_comment):
    """A post filed under one label, whose page one reader has read, so that it is now kept."""
    post = a_published_comment.post
    post.labels.add(make_label("Probation trusts"))
    assert "Probation trusts" in read(a_reader(), post).content.decode()
    return post


def test_renaming_a_label_in_the_admin_shows_on_kept_pages_at_once(filed_and_shown, admin_client):
    label = filed_and_shown.labels.get()

    change_in_the_admin(admin_client, label, name="Community rehabilitation", slug="crc")

    html = read(a_reader(), filed_and_shown).content.decode()
    assert '<a href="/label/crc/" rel="tag">Community rehabilitation</a>' in html
    assert "Probation trusts" not in html


def test_deleting_a_label_in_the_admin_takes_it_off_kept_pages(filed_and_shown, admin_client):
    delete = f"/admin/blogarchive/label/{filed_and_shown.labels.get().pk}/delete/"

    assert admin_client.post(delete, {"post": "yes"}).status_code == 302

    assert "Probation trusts" not in read(a_reader(), filed_and_shown).content.decode()


def test_filing_a_post_under_other_labels_in_the_admin_shows_at_once(filed_and_shown, admin_client):
    other = make_label("Caseloads")

    change_in_the_admin(admin_client, filed_and_shown, labels=[other.pk])

    html = read(a_reader(), filed_and_shown).content.decode()
    assert "Caseloads" in html and "Probation trusts" not in html


@pytest.mark.parametrize(
    "change",
    [
        lambda post, label: post.labels.add(label),
        lambda post, label: label.posts.add(post),
        lambda post, label: post.labels.set([label]),
    ],
    ids=["post.labels.add", "label.posts.add", "post.labels.set"],
)
def test_filing_a_post_under_a_label_anywhere_shows_on_its_kept_page(shown_once, change):
    label = make_label("Caseloads")

    change(shown_once, label)

    assert "Caseloads" in read(a_reader(), shown_once).content.decode()


@pytest.mark.parametrize(
    "change",
    [
        lambda post, label: post.labels.remove(label),
        lambda post, label: post.labels.clear(),
        lambda post, label: label.posts.clear(),
    ],
    ids=["post.labels.remove", "post.labels.clear", "label.posts.clear"],
)
def test_taking_a_label_off_a_post_anywhere_shows_on_its_kept_page(filed_and_shown, change):
    change(filed_and_shown, filed_and_shown.labels.get())

    assert "Probation trusts" not in read(a_reader(), filed_and_shown).content.decode()


def test_closing_comments_by_policy_shows_at_once(shown_once):
    assert 'id="comment-form"' in read(a_reader(), shown_once).content.decode()
    policy = ModerationPolicy.current()
    policy.close_after_days = 1
    policy.save()
    pages.site_changed()  # what the policy's admin says of every change

    html = read(a_reader(), shown_once).content.decode()

    assert 'id="comment-form"' not in html
    assert "Comments are closed on this post." in html


def test_a_page_rendered_from_data_older_than_a_change_is_never_served(a_published_comment, rf):
    post = a_published_comment.post
    where = pages.place(post.published.year, post.published.month, post.slug)
    stale_request = rf.get(post.get_absolute_url())
    generations = pages.generations(where)
    # A reader has read the generations, and the old thread, when a comment is approved ...
    stale = read(a_reader(), post)
    pages.thread_changed(post.pk)
    # ... and only then keeps what they rendered.
    pages.keep(stale_request, stale, generations, None)

    assert pages.kept(rf.get(post.get_absolute_url())) is None


def test_only_the_plain_and_numbered_pages_are_shared(rf):
    assert pages.shareable(rf.get("/2015/12/a/"))
    assert pages.shareable(rf.get("/2015/12/a/", {"page": "2"}))
    assert not pages.shareable(rf.get("/2015/12/a/", {"reply": "4"}))
    assert not pages.shareable(rf.get("/2015/12/a/", {"page": "x"}))
    assert not pages.shareable(rf.post("/2015/12/a/"))
    assert not pages.shareable(rf.get("/2015/12/a/", headers={"cookie": "sessionid=x"}))
    assert not pages.shareable(rf.get("/2015/12/a/", headers={"cookie": "messages=x"}))


def test_a_moderator_sees_their_buttons_on_a_page_others_read_kept(shown_once, db):
    make_comment(post=shown_once, body="Awaiting a look", status="pending")
    moderator = User.objects.create_superuser("mod", "mod@example.org", "a long passphrase")
    client = Client()
    client.force_login(moderator)

    html = read(client, shown_once).content.decode()

    assert "Awaiting a look" in html
    assert html.count('value="approve"') == 1


def test_the_stamp_changes_with_the_templates(tmp_path, settings):
    (tmp_path / "templates").mkdir()
    page = tmp_path / "templates" / "page.html"
    page.write_text("<p>one</p>")
    settings.BASE_DIR = tmp_path
    pages.build_stamp.cache_clear()
    try:
        before = pages.build_stamp()
        page.write_text("<p>two</p>")
        pages.build_stamp.cache_clear()
        assert pages.build_stamp() != before
    finally:
        pages.build_stamp.cache_clear()


def test_a_post_page_of_another_post_is_not_confused_with_this_one(shown_once):
    other = make_post(title="Another post", published=shown_once.published)
    make_comment(post=other, body="Only over here")

    assert "Only over here" in read(a_reader(), other).content.decode()
    assert "Only over here" not in read(a_reader(), shown_once).content.decode()


def test_no_kept_page_outlives_the_day_it_was_made(shown_once, monkeypatch, rf):
    post = shown_once
    assert pages.kept(rf.get(post.get_absolute_url())) is not None
    tomorrow = pages.clock.time() + 24 * 60 * 60
    monkeypatch.setattr(pages.clock, "time", lambda: tomorrow)

    assert pages.kept(rf.get(post.get_absolute_url())) is None


def test_a_process_keeps_only_its_budget_of_pages_dropping_the_least_recently_read(
    a_published_comment, rf, settings
):
    post = a_published_comment.post
    budget = settings.CACHES["default"]["OPTIONS"]["MAX_ENTRIES"]
    # A page of the thread for every entry, and one more: a page past the last is a 404.
    settings.FORUM_COMMENTS_PER_PAGE = 1
    for number in range(budget):
        make_comment(post=post, body=f"Conversation {number}")
    reader = a_reader()
    read(reader, post, page=1)
    for number in range(2, budget + 2):
        read(reader, post, page=number)
    read(reader, post, page=budget + 1)

    assert pages.kept(rf.get(post.get_absolute_url(), {"page": 1})) is None
    assert pages.kept(rf.get(post.get_absolute_url(), {"page": budget + 1})) is not None


def test_a_page_kept_during_a_lockdown_is_not_served_after_the_lockdown_ends(
    shown_once, rf, monkeypatch
):
    ends = timezone.now() + datetime.timedelta(minutes=10)
    ModerationPolicy.objects.filter(pk=1).update(mode="never", lockdown_until=ends)
    pages.site_changed()
    assert "read by a moderator" in read(a_reader(), shown_once).content.decode()
    assert pages.kept(rf.get(shown_once.get_absolute_url())) is not None

    monkeypatch.setattr(pages.clock, "time", lambda: ends.timestamp() + 1)
    assert pages.kept(rf.get(shown_once.get_absolute_url())) is None
