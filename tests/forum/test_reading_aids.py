"""What helps a reader find their way round a post and join in without losing anything: said
through the pages as a reader's browser gets them (the browser tests show the same on screen)."""

import datetime
import re
from pathlib import Path

from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

from forum.models import Comment
from moderation.models import Decision, ModerationPolicy
from moderation.services import decide
from tests.factories import make_comment, make_post


def page(client, post, **params) -> str:
    return client.get(post.get_absolute_url(), params).content.decode()


def test_the_form_says_comments_are_read_first_when_every_comment_is_held(a_post, client):
    ModerationPolicy.objects.filter(pk=1).update(mode=ModerationPolicy.Mode.ALWAYS)

    html = page(client, a_post)

    assert "read by a moderator before they appear" in html
    assert ">Send for moderation</button>" in html
    assert ">Publish</button>" not in html


def test_the_form_promises_publishing_only_when_comments_are_published_at_once(
    a_post, client, moderation_off
):
    html = page(client, a_post)

    assert "read by a moderator" not in html
    assert ">Publish</button>" in html


def test_a_post_with_only_the_readers_own_held_comment_does_not_say_no_comments_yet(a_post, client):
    ModerationPolicy.objects.filter(pk=1).update(mode=ModerationPolicy.Mode.ALWAYS)
    client.post(a_post.get_absolute_url(), {"body": "Waiting for a moderator to read me."})

    html = page(client, a_post)

    assert "Waiting for a moderator to read me." in html
    assert "No comments yet" not in html
    assert "No published comments yet" in html


def test_the_thank_you_is_shown_inside_the_comment_the_page_lands_on(
    a_post, client, moderation_off
):
    for n in range(5):
        make_comment(post=a_post, body=f"Earlier comment {n}")

    response = client.post(a_post.get_absolute_url(), {"body": "Mine, at the end."}, follow=True)

    mine = Comment.objects.get(body="Mine, at the end.")
    html = response.content.decode()
    article = re.search(rf'<article [^>]*id="c{mine.pk}".*?</article>', html, re.S)[0]
    assert "Thank you: your comment is published." in article
    assert html.count("Thank you: your comment is published.") == 1
    assert '<div class="messages"' not in html


def test_too_fast_keeps_the_typed_comment_and_says_when_to_try_again(a_post, client):
    ModerationPolicy.objects.filter(pk=1).update(min_seconds_between=60)
    client.post(a_post.get_absolute_url(), {"body": "First thought."})

    response = client.post(
        a_post.get_absolute_url(), {"author_name": "Ex PO", "body": "A long second thought."}
    )

    html = response.content.decode()
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "You can post again in 60 seconds" in html
    assert ">A long second thought.</textarea>" in html
    assert 'value="Ex PO"' in html


def test_a_reply_refused_as_too_fast_keeps_its_place_in_the_thread(a_published_comment, client):
    ModerationPolicy.objects.filter(pk=1).update(min_seconds_between=60)
    post = a_published_comment.post
    client.post(post.get_absolute_url(), {"body": "First thought."})

    response = client.post(
        post.get_absolute_url(), {"body": "My reply.", "parent": a_published_comment.pk}
    )

    html = response.content.decode()
    assert response.status_code == 429
    assert f'name="parent" value="{a_published_comment.pk}"' in html
    assert ">My reply.</textarea>" in html


def test_the_post_links_to_its_comments_its_form_and_the_posts_either_side(db, client):
    before = make_post(title="The week before", published=datetime.date(2014, 10, 21))
    post = make_post(title="This week", published=datetime.date(2014, 10, 28))
    after = make_post(title="The week after", published=datetime.date(2014, 11, 4))
    make_comment(post=post, body="One")

    html = page(client, post)

    handles = re.search(r'<p class="post-handles">(.*?)</p>', html, re.S)[1]
    assert 'href="#comments">1 comment</a>' in handles
    assert 'href="#comment-form">Leave a comment</a>' in handles
    assert f'rel="prev" href="{before.get_absolute_url()}"' in html
    assert f'rel="next" href="{after.get_absolute_url()}"' in html


def test_a_new_post_adds_a_next_link_to_the_kept_page_of_the_one_before(db, client):
    post = make_post(title="Last week", published=datetime.date(2014, 10, 28))
    assert 'rel="next"' not in page(client, post)

    newer = make_post(title="This week", published=datetime.date(2014, 11, 4))

    assert f'rel="next" href="{newer.get_absolute_url()}"' in page(client, post)


def test_the_pager_numbers_every_page_and_links_the_newest_comment(db, client, settings):
    settings.FORUM_COMMENTS_PER_PAGE = 2
    post = make_post(title="Busy")
    comments = [make_comment(post=post, body=f"Conversation {n}") for n in range(5)]

    html = page(client, post, page=2)

    pager = re.search(r'<nav class="pager thread-pager".*?</nav>', html, re.S)[0]
    assert f'href="{post.get_absolute_url()}#comments" aria-label="Comments page 1"' in pager
    assert '<span aria-current="page">2</span>' in pager
    assert 'href="?page=3#comments" aria-label="Comments page 3"' in pager
    assert f'href="/comments/{comments[-1].pk}/">Newest comment</a>' in pager


def test_a_page_past_the_last_is_a_404_that_says_how_many_there_are(db, client, settings):
    settings.FORUM_COMMENTS_PER_PAGE = 2
    post = make_post(title="Busy")
    for n in range(5):
        make_comment(post=post, body=f"Conversation {n}")

    response = client.get(post.get_absolute_url(), {"page": 4})

    assert response.status_code == 404
    html = response.content.decode()
    assert "No page 4 of comments" in html
    assert "fill 3 pages" in html
    assert f'href="{post.get_absolute_url()}?page=3#comments"' in html


def test_an_imported_comment_without_a_time_is_linked_by_its_number_in_the_thread(a_post, client):
    make_comment(post=a_post, body="Old one", created=None, import_key="12")
    make_comment(post=a_post, body="Timed", author_name="Ex PO")

    html = page(client, a_post)

    assert re.search(r'<a class="permalink" href="#c\d+">#12</a>', html)
    assert "· Link" not in html and ">Link<" not in html
    assert re.search(r'<a class="permalink" href="#c\d+"><time datetime="[^"]+">', html)


def test_a_reply_says_which_comment_it_answers(a_post, client):
    top = make_comment(post=a_post, body="Top", author_name="Netnipper")
    reply = make_comment(post=a_post, parent=top, body="Reply")
    old = make_comment(post=a_post, body="Old", created=None, import_key="3")
    old_reply = make_comment(post=a_post, parent=old, body="Old reply", created=None)

    html = page(client, a_post)

    assert f'id="c{reply.pk}"' in html
    assert f'<a href="#c{top.pk}">in reply to Netnipper</a>' in html
    assert f'<a href="#c{old.pk}">in reply to Anonymous #3</a>' in html
    assert html.index(f'id="c{old_reply.pk}"') > html.index(f'id="c{old.pk}"')


def test_a_reply_below_the_deepest_indent_is_marked_so_its_parent_is_named(a_post, client):
    parent = None
    for depth in range(11):
        parent = make_comment(post=a_post, parent=parent, body=f"Depth {depth}")

    html = page(client, a_post)

    assert html.count("past-indent") == 2  # depths 9 and 10
    assert re.search(r'class="comment d8 past-indent" id="c\d+"', html)


def test_a_removal_reason_that_ends_a_sentence_gets_no_second_full_stop(
    a_post, client, a_moderator
):
    client.post(a_post.get_absolute_url(), {"body": "Names a colleague"})
    comment = Comment.objects.get(body="Names a colleague")
    decide(
        [comment.pk],
        Decision.Action.REJECT,
        moderator=a_moderator,
        public_reason="Please do not name colleagues.",
    )

    html = page(client, a_post) + client.get("/your-comments/").content.decode()

    assert "saying: “Please do not name colleagues.”" in html
    assert "colleagues.”." not in html


def test_your_comments_shows_a_published_one_as_good_news_not_a_warning(
    a_post, client, moderation_off
):
    client.post(a_post.get_absolute_url(), {"body": "Out in the open."})

    html = client.get("/your-comments/").content.decode()

    assert '<p class="notice notice-approved">Published.</p>' in html


def test_the_home_page_excerpt_runs_past_a_short_first_paragraph(db, client):
    words = " ".join(f"word{n}" for n in range(80))
    make_post(title="Greetings", paragraphs=["Hello everyone,", words])

    html = client.get(reverse("forum:home")).content.decode()

    excerpt = re.search(r'<p class="excerpt">(.*?)</p>', html, re.S)[1]
    assert excerpt.startswith("Hello everyone, word0 word1")
    assert excerpt.endswith(" …")
    assert len(excerpt.removesuffix(" …").split()) == 50


def test_the_favicon_is_found_where_browsers_look_for_it(db, client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"] == static("favicon.ico")
    icon = Path(finders.find("favicon.ico")).read_bytes()
    assert icon[:4] == b"\x00\x00\x01\x00"  # an icon file, not a page
    assert 'rel="icon"' in client.get("/").content.decode()
