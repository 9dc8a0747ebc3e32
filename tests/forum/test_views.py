import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from blogarchive.models import Label
from forum import markup
from forum.models import Comment
from forum.pages import thread_changed
from tests.factories import make_comment, make_label, make_post, make_thread


def post_page(client, post, **params):
    return client.get(post.get_absolute_url(), params)


def test_the_home_page_lists_posts_newest_first_with_their_comment_counts(db, client):
    older = make_post(title="Older news", published="2014-09-01")
    make_post(title="Newer news", published="2015-12-21")
    make_comment(post=older, body="one")
    make_comment(post=older, body="two")
    make_comment(post=older, body="held", status=Comment.Status.PENDING)

    html = client.get(reverse("forum:home")).content.decode()

    assert html.index("Newer news") < html.index("Older news")
    assert "2 comments" in html
    assert "No comments yet" in html


def test_the_home_page_is_paginated(db, client, settings):
    for day in range(1, 13):
        make_post(title=f"Day {day}", published=f"2014-09-{day:02d}")

    first = client.get(reverse("forum:home")).content.decode()
    second = client.get(reverse("forum:home"), {"page": 2}).content.decode()

    assert "Day 12" in first and "Day 1<" not in first
    assert "Day 1<" in second and "Page 2 of 2" in second


def test_the_archive_lists_months_with_their_counts_and_each_month_its_posts(db, client):
    make_post(title="First in September", published="2014-09-12")
    make_post(title="Second in September", published="2014-09-17")
    make_post(title="In October", published="2014-10-28")

    home = client.get(reverse("forum:home")).content.decode()
    month = client.get(reverse("forum:archive_month", args=[2014, 9])).content.decode()
    year = client.get(reverse("forum:archive_year", args=[2014])).content.decode()

    assert re.search(r"September 2014</a>\s*<span class=\"count\">\(2\)", home)
    assert "First in September" in month and "In October" not in month
    assert "First in September" in year and "In October" in year


def test_an_empty_or_impossible_month_is_not_found(db, client):
    assert client.get("/2014/13/").status_code == 404
    assert client.get("/1999/01/").status_code == 404
    assert client.get("/2014/10/no-such-post/").status_code == 404


def test_the_post_page_shows_the_body_and_the_whole_thread_indented_by_depth(a_post, client):
    top = make_comment(post=a_post, body="Top level")
    reply = make_comment(post=a_post, parent=top, body="A reply")
    deeper = make_comment(post=a_post, parent=reply, body="A reply to the reply")

    html = post_page(client, a_post).content.decode()

    assert "The body of The Waiting Game 2." in html
    assert f'class="comment d0" id="c{top.pk}"' in html
    assert f'class="comment d1" id="c{reply.pk}"' in html
    assert f'class="comment d2" id="c{deeper.pk}"' in html
    assert html.index("Top level") < html.index("A reply") < html.index("A reply to the reply")
    assert "3 comments" in html


def test_a_comment_shows_its_author_and_its_time_as_the_blog_showed_it(a_post, client):
    make_comment(
        post=a_post,
        author_name="Probation Officer",
        created="2015-12-21T10:55:00+00:00",
        body="Fantastic, the truth is out.",
    )
    make_comment(post=a_post, created="2016-06-16T07:47:00+00:00", body="summer time")

    html = post_page(client, a_post).content.decode()

    assert "Probation Officer" in html
    assert "21 December 2015 at 10:55" in html
    # 07:47 UTC is 08:47 in the UK in June: readers refer to comments by the time they saw.
    assert "16 June 2016 at 08:47" in html


def test_an_anonymous_comment_is_shown_as_anonymous(a_published_comment, client):
    html = post_page(client, a_published_comment.post).content.decode()
    assert "Anonymous" in html


def test_pending_and_rejected_comments_are_not_shown_to_readers(a_post, client):
    make_comment(post=a_post, body="Waiting for a moderator", status=Comment.Status.PENDING)
    make_comment(post=a_post, body="Rejected outright", status=Comment.Status.REJECTED)

    html = post_page(client, a_post).content.decode()

    assert "Waiting for a moderator" not in html
    assert "Rejected outright" not in html
    assert "No comments yet" in html


def test_a_removed_comment_with_visible_replies_leaves_a_placeholder(a_post, client):
    top = make_comment(post=a_post, body="Offensive words", status=Comment.Status.REJECTED)
    make_comment(post=a_post, parent=top, body="Calm reply")

    html = post_page(client, a_post).content.decode()

    assert "Offensive words" not in html
    assert "This comment has been removed by a moderator." in html
    assert "Calm reply" in html


def queries_for_page(client, post) -> tuple[list[str], list[str]]:
    """The SQL of the post page with the thread's HTML not cached, then cached."""
    with CaptureQueriesContext(connection) as cold:
        first = post_page(client, post)
    with CaptureQueriesContext(connection) as warm:
        second = post_page(client, post)
    assert without_csrf(first) == without_csrf(second)
    return [q["sql"] for q in cold], [q["sql"] for q in warm]


def without_csrf(response) -> str:
    """The page without its CSRF and form tokens, which are new on every response."""
    tokens = r'name="(csrfmiddlewaretoken|form_token)" value="[^"]*"'
    return re.sub(tokens, "", response.content.decode())


def page_data(statements: list[str]) -> list[str]:
    """The statements that read the page's data, without those of the page generations (which
    live in Redis on a site that has it): what bench/targets.py counts."""
    return [sql for sql in statements if "forum_counter" not in sql and "SAVEPOINT" not in sql]


def test_the_post_page_makes_the_same_few_queries_whatever_the_thread_size(db, client, settings):
    settings.FORUM_COUNTERS_URL = ""  # the page generations in the database, and counted here
    small, large = make_post(title="Small"), make_post(title="Large")
    make_thread(small, size=10)
    make_thread(large, size=1000)
    labels = [make_label("Probation"), make_label("Caseloads")]
    for post in (small, large):
        post.labels.set(labels)
    # As on a site already serving: some page has been read since the last policy change.
    post_page(client, make_post(title="Another"))

    small_cold, small_warm = queries_for_page(client, small)
    large_cold, large_warm = queries_for_page(client, large)

    # Not yet kept: the page generations (this post's made under a savepoint: four queries),
    # the post with its labels, the comment policy, the thread and the posts either side; with
    # the counters in the database no copy is shared between processes (forum.renders).
    # Kept: the generations alone say the copy in this process's own store is still current.
    assert len(page_data(small_cold)) == len(page_data(large_cold)) == 4
    assert (len(small_cold), len(small_warm)) == (len(large_cold), len(large_warm)) == (8, 1)
    shown = [post_page(client, large, page=n).content.decode() for n in (1, 2)]
    assert sum(html.count('class="comment d') for html in shown) == 1000
    assert '<a href="/label/caseloads/" rel="tag">Caseloads</a>' in shown[0]


def test_the_post_page_lists_its_labels_in_the_order_the_database_sorts_their_names(a_post, client):
    names = ["zebra crossings", "Écoles", "approved premises", "Bail hostels", "MAPPA"]
    a_post.labels.set([make_label(name) for name in names])
    make_post(title="Filed elsewhere").labels.set([make_label("Unrelated")])
    expected = list(Label.objects.filter(posts=a_post).order_by("name"))

    html = post_page(client, a_post).content.decode()

    listed = re.findall(r'<a href="([^"]+)" rel="tag">([^<]+)</a>', html)
    assert listed == [(label.get_absolute_url(), escape(label.name)) for label in expected]


def test_a_post_without_labels_shows_no_labels(a_post, client):
    make_post(title="Filed elsewhere").labels.set([make_label("Unrelated")])

    html = post_page(client, a_post).content.decode()

    assert "post-labels" not in html and "Unrelated" not in html


def test_a_long_thread_is_paged_by_conversation_and_permalinks_land_on_the_right_page(
    db, client, settings
):
    settings.FORUM_COMMENTS_PER_PAGE = 2
    post = make_post(title="Busy")
    thread = make_thread(post, size=18, replies_per_comment=2)  # six conversations
    late_reply = thread[-1]

    first = post_page(client, post).content.decode()
    third = post_page(client, post, page=3).content.decode()
    response = client.get(f"/comments/{late_reply.pk}/")

    assert "Comments page 1 of 3" in first
    assert 'href="?page=2#comments"' in first
    assert f'id="c{late_reply.pk}"' not in first
    assert f'id="c{late_reply.pk}"' in third
    assert response["Location"] == f"{post.get_absolute_url()}?page=3#c{late_reply.pk}"


def test_the_reply_link_opens_a_reply_form_under_that_comment(a_published_comment, client):
    html = post_page(client, a_published_comment.post, reply=a_published_comment.pk).content
    html = html.decode()

    comment_at = html.index(f'id="c{a_published_comment.pk}"')
    form_at = html.index('id="reply-form"')
    assert comment_at < form_at < html.index('id="comment-form"')
    assert f'name="parent" value="{a_published_comment.pk}"' in html


def test_the_reply_form_lands_in_its_comment_whatever_another_comment_says(a_post, client):
    earlier = make_comment(post=a_post, body="Placeholder")
    target = make_comment(post=a_post, body="Reply to me.")
    trap = f'Look: id="c{target.pk}" and </article> <article id="c{target.pk}">'
    Comment.objects.filter(pk=earlier.pk).update(body=trap, body_html=markup.render(trap))

    html = post_page(client, a_post, reply=target.pk).content.decode()

    articles = re.split(r"(?=<article )", html)
    holding = [a for a in articles if 'id="reply-form"' in a]
    assert html.count('id="reply-form"') == 1
    assert len(holding) == 1 and holding[0].startswith(
        f'<article class="comment d0" id="c{target.pk}"'
    )
    assert "Reply to me." in holding[0].split('id="reply-form"')[0]


def test_posting_a_comment_shows_it_in_place(a_post, client, moderation_off):
    response = client.post(
        a_post.get_absolute_url(), {"author_name": "Ex PO", "body": "Well said."}, follow=True
    )

    comment = Comment.objects.get(body="Well said.")
    assert response.redirect_chain[-1][0].endswith(f"#c{comment.pk}")
    html = response.content.decode()
    assert f'id="c{comment.pk}"' in html and "Ex PO" in html


def test_a_reply_to_a_reply_is_shown_at_depth_three(a_post, client, moderation_off):
    top = make_comment(post=a_post, body="Top")
    reply = make_comment(post=a_post, parent=top, body="First reply")

    client.post(a_post.get_absolute_url(), {"body": "Replying to the reply", "parent": reply.pk})

    new = Comment.objects.get(body="Replying to the reply")
    assert new.parent == reply and new.level == 2
    html = post_page(client, a_post).content.decode()
    assert re.search(rf'class="comment d2[^"]*" id="c{new.pk}"', html)


def test_an_empty_comment_gets_a_field_error_and_stores_nothing(a_post, client):
    response = client.post(a_post.get_absolute_url(), {"author_name": "Someone", "body": "  "})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not Comment.objects.exists()


def test_a_failed_reply_keeps_the_text_in_the_reply_form(a_published_comment, client):
    post = a_published_comment.post
    response = client.post(
        post.get_absolute_url(),
        {"body": "x" * 10_001, "parent": a_published_comment.pk},
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="reply-form"' in html and "x" * 10_001 in html
    assert "at most 10000 characters" in html


def test_a_reply_to_a_comment_of_another_post_is_refused(a_post, client):
    elsewhere = make_comment(post=make_post(title="Elsewhere"), body="Other thread")

    response = client.post(a_post.get_absolute_url(), {"body": "Hi", "parent": elsewhere.pk})

    assert response.status_code == 400
    assert "not on this post" in response.content.decode()
    assert not Comment.objects.filter(body="Hi").exists()


def test_html_and_script_in_a_comment_are_rendered_inert(a_post, client):
    body = (
        '<script>alert("x")</script><img src=x onerror=alert(1)>'
        '<a href="javascript:alert(1)">go</a>'
    )
    client.post(a_post.get_absolute_url(), {"body": body})

    html = post_page(client, a_post).content.decode()

    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert 'href="javascript:' not in html
    assert "&lt;script&gt;alert" in html
    assert Comment.objects.get().body == body


def test_a_revisit_with_an_unchanged_thread_is_answered_not_modified(a_published_comment, client):
    post = a_published_comment.post
    post_page(client, post)  # the first visit sets the CSRF cookie the validator depends on
    first = post_page(client, post)
    again = client.get(post.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])

    make_comment(post=post, body="Something new")
    thread_changed(post.pk)
    changed = client.get(post.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert changed.status_code == 200
    assert "Something new" in changed.content.decode()


def test_a_reader_with_comments_of_their_own_gets_no_shared_validator(a_post, client):
    url = a_post.get_absolute_url()
    post_page(client, a_post)  # the first visit sets the CSRF cookie the validator depends on
    shared = post_page(client, a_post)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=shared).status_code == 304

    client.post(url, {"body": "Mine"})
    read = post_page(client, a_post)  # shows the thank-you message, and expires its cookie
    assert read.cookies["messages"]["max-age"] == 0
    del client.cookies["messages"]  # as a browser drops an expired cookie
    response = client.get(url, HTTP_IF_NONE_MATCH=shared)

    assert response.status_code == 200
    assert response["ETag"] != shared
    assert "Held for moderation" in response.content.decode()


def test_a_new_published_comment_is_in_the_page_the_moment_it_is_posted(
    a_published_comment, client, moderation_off
):
    post = a_published_comment.post
    post_page(client, post)  # the thread is now cached

    client.post(post.get_absolute_url(), {"body": "Fresh off the press"})
    html = post_page(client.__class__(), post).content.decode()

    assert "Fresh off the press" in html
