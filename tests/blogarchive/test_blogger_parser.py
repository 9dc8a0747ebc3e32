"""The Blogger backup reader and its HTML conversions, as pure functions."""

import io
from datetime import UTC, datetime

import pytest

from blogarchive import blogger
from blogarchive.bloggerhtml import body_html, comment_body, paragraphs, paragraphs_html

FEED = (
    "<feed xmlns='http://www.w3.org/2005/Atom' "
    "xmlns:blogger='http://schemas.google.com/blogger/2018'>{}</feed>"
)


def read(entries: str) -> list[blogger.Entry]:
    return list(blogger.entries(io.BytesIO(FEED.format(entries).encode())))


@pytest.mark.parametrize(
    "value",
    [
        "tag:blogger.com,1999:blog-4242.post-7401",
        "7401",
        "http://www.blogger.com/feeds/4242/1001/comments/default/7401",
        " tag:blogger.com,1999:blog-4242.post-7401\n",
    ],
)
def test_a_reference_is_read_as_its_trailing_number_in_every_spelling(value):
    assert blogger.reference(value, 1) == "7401"


def test_an_empty_reference_means_none():
    assert blogger.reference("", 1) == ""


def test_a_reference_that_is_not_blogger_s_is_refused_with_its_line():
    with pytest.raises(blogger.Refused) as refused:
        blogger.reference("tag:example.com,2000:whatever", 7)
    assert refused.value.line == 7 and "cannot read the Blogger reference" in refused.value.message


def test_a_trashed_comment_counts_as_deleted_and_an_empty_trashed_as_not():
    comment = (
        "<entry><id>tag:blogger.com,1999:blog-1.post-{}</id><blogger:type>COMMENT</blogger:type>"
        "<blogger:parent>tag:blogger.com,1999:blog-1.post-9</blogger:parent>"
        "<blogger:status>LIVE</blogger:status><blogger:trashed>{}</blogger:trashed></entry>"
    )
    trashed, kept = read(comment.format(1, "2020-01-01T00:00:00Z") + comment.format(2, ""))
    assert (trashed.status, kept.status) == ("deleted", "live")


def test_labels_joined_by_newlines_in_one_term_are_read_as_several():
    (post,) = read(
        "<entry><id>tag:blogger.com,1999:blog-1.post-5</id><blogger:type>POST</blogger:type>"
        "<category scheme='tag:blogger.com,1999:blog-1' term='TR&#10;Napo'/>"
        "<category scheme='tag:blogger.com,1999:blog-1' term='CRC'/></entry>"
    )
    assert post.labels == ["TR", "Napo", "CRC"]


def test_an_anonymous_author_has_no_name_and_a_named_one_keeps_it():
    entry = (
        "<entry><id>tag:blogger.com,1999:blog-1.post-{}</id><blogger:type>COMMENT</blogger:type>"
        "<blogger:parent>5</blogger:parent>"
        "<author><name>{}</name><blogger:type>{}</blogger:type></author></entry>"
    )
    anonymous, named = read(
        entry.format(1, "Anonymous", "ANONYMOUS") + entry.format(2, "Jo", "OPENID")
    )
    assert (anonymous.author, anonymous.anonymous) == ("", True)
    assert (named.author, named.anonymous) == ("Jo", False)


def test_times_are_kept_to_the_second_with_their_zone():
    (post,) = read(
        "<entry><id>tag:blogger.com,1999:blog-1.post-5</id><blogger:type>POST</blogger:type>"
        "<published>2014-10-26T01:59:59.278+01:00</published></entry>"
    )
    assert post.published == datetime(2014, 10, 26, 0, 59, 59, tzinfo=UTC)


def test_settings_and_templates_are_read_as_nothing_of_the_archive_s():
    (settings,) = read(
        "<entry><id>tag:blogger.com,1999:blog-1.settings.BLOG_NAME</id><title>x</title></entry>"
    )
    assert settings.kind == ""


def test_a_file_that_is_not_an_atom_feed_is_refused():
    with pytest.raises(blogger.Refused, match="not an Atom feed"):
        list(blogger.entries(io.BytesIO(b"<rss><channel/></rss>")))


def test_a_post_s_html_becomes_paragraphs_with_its_links_kept():
    html = (
        '<div dir="ltr">See <a href="https://example.org/a">the report</a>.<br />'
        "<br />Next &amp; last <b>line</b>.</div><script>alert(1)</script>"
        '<p><a href="https://example.org/b">https://example.org/b</a></p><img src="x.png">'
    )
    assert paragraphs(html) == [
        "See the report (https://example.org/a).",
        "Next & last line.",
        "https://example.org/b",
    ]


def test_a_link_that_is_not_to_the_web_is_kept_as_its_text_only():
    assert paragraphs('<p><a href="javascript:alert(1)">click</a></p>') == ["click"]


def test_a_comment_s_html_becomes_what_its_author_typed_with_blogger_s_tags():
    html = (
        'Hi <b>you</b>,<br />see <a href="http://x.org/" rel="nofollow">this</a> &lt;3'
        "<br /><br />Bye"
    )
    assert comment_body(html) == 'Hi <b>you</b>,\nsee <a href="http://x.org/">this</a> &lt;3\n\nBye'


def test_a_comment_body_goes_back_to_blogger_html_and_returns_the_same():
    body = 'Line one & <i>two</i>\n\nPara <a href="http://x.org/">x</a>'
    assert comment_body(body_html(comment_body(body))) == comment_body(body)


def test_paragraphs_go_back_to_html_and_return_the_same():
    kept = ["Read it at https://example.org/r?a=1&b=2.", "Then <this> & that."]
    assert paragraphs(paragraphs_html(kept)) == kept
