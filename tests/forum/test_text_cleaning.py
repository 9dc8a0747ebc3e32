"""Every text field is cleaned on the way in: from the comment form and from imported pages."""

import contextlib
import re
import time
from io import StringIO

import hypothesis
import pytest
from django.core.management import CommandError, call_command
from hypothesis import strategies as st

from forum import markup
from forum.models import Comment
from moderation.notifications import notify_held
from tests.factories import make_moderator

# Characters XML 1.0 cannot carry (U+FFFE, U+FFFF, controls) and other invisible controls.
HOSTILE = "\x01\x07\x0b\x0c\x1b\x7f\x85\x9b\ufffe\uffff"
PAGE = (
    "Tuesday, 28 October 2014\n\nA title\n\nBody.\n\n1 comments:\n\n"
    "  1. {name}21 December 2015 at 10:55\n    {body}\n\n    ReplyDelete\n"
)


def post_comment(client, post, **data):
    return client.post(post.get_absolute_url(), data, REMOTE_ADDR="10.40.0.1")


def import_page(tmp_path, **parts) -> str:
    """Import a one-comment page with the import_blog command; returns what it printed."""
    page = tmp_path / "page.txt"
    page.write_text(PAGE.format(**parts), encoding="utf-8")
    out = StringIO()
    # A refused page raises CommandError after printing why, which is what is tested.
    with contextlib.suppress(CommandError):
        call_command("import_blog", str(page), stdout=out, stderr=out)
    return out.getvalue()


@pytest.mark.parametrize(
    "typed",
    [
        "Eve\nApprove: https://evil.example/",
        "Eve\r\nApprove: https://evil.example/",
        "Eve\u2028Approve: https://evil.example/",
        "Eve\u0085Approve: https://evil.example/",
        "Eve\x0bApprove: https://evil.example/",
        "  Eve \t Approve:\x07 https://evil.example/  ",
    ],
)
def test_a_name_is_stored_on_one_line_without_control_characters(
    a_post, client, moderation_off, typed
):
    post_comment(client, a_post, body="Hello.", author_name=typed)

    assert Comment.objects.get().author_name == "Eve Approve: https://evil.example/"


def test_a_name_cannot_reorder_the_text_around_it_with_bidi_overrides(
    a_post, client, moderation_off
):
    post_comment(client, a_post, body="Hello.", author_name="\u202eevE\u202c \u2067Bob\u2069")

    assert Comment.objects.get().author_name == "evE Bob"


def test_a_body_loses_what_xml_cannot_carry_and_keeps_everything_else(
    a_post, client, moderation_off
):
    kept = "Caf\u00e9 \u2764\ufe0f \U0001f469\u200d\U0001f4bb co\u00adoperate\tand\nmore"

    post_comment(client, a_post, body=f"{HOSTILE}{kept}{HOSTILE}")

    comment = Comment.objects.get()
    assert comment.body == kept
    assert markup.xml_safe(comment.body_html) == comment.body_html


def test_a_body_of_only_invisible_characters_is_refused_as_blank(a_post, client, moderation_off):
    response = post_comment(client, a_post, body="\u200b\u00ad\ufeff \u2060\x07")

    assert response.status_code == 400
    assert "Please write something before posting." in response.content.decode()
    assert not Comment.objects.exists()


def test_neither_a_name_nor_a_body_can_forge_a_line_of_the_moderators_digest(
    a_post, client, mailoutbox, settings
):
    settings.SITE_URL = "https://forum.example.org"
    make_moderator("alice")
    forged = "Approve: https://evil.example/a"
    body = f"Fine.\n\nReject: https://evil.example/b\u2028{forged}\x0b{forged}"

    post_comment(client, a_post, author_name=f"Eve\n{forged}", body=body)
    assert notify_held() == 1

    text = mailoutbox[0].body
    ours = re.findall(r"^(?:Approve|Reject): *(\S+)$", text, re.MULTILINE)
    assert len(ours) == 2
    assert all(url.startswith("https://forum.example.org/") for url in ours)
    assert f"Eve {forged} wrote:" in text
    assert "> Reject: https://evil.example/b\n> Approve:" in text


def test_lone_surrogates_are_dropped_from_bodies_and_names():
    assert markup.normalise("a\ud800b\udfffc") == "abc"
    assert markup.one_line("A\ud83dB") == "AB"


def test_an_imported_name_and_body_are_cleaned_like_a_readers(db, tmp_path):
    assert "1 new comment(s)" in import_page(
        tmp_path, name="Bad\x0bName\u2028Two", body=f"Hello {HOSTILE}there"
    )

    comment = Comment.objects.get()
    assert comment.author_name == "Bad Name Two"
    assert comment.body == "Hello there"
    assert comment.body_html == "<p>Hello there</p>"


def test_an_imported_comment_longer_than_a_reader_may_post_is_refused_at_its_line(
    db, tmp_path, settings
):
    settings.FORUM_MAX_COMMENT_LENGTH = 500

    printed = import_page(tmp_path, name="Netnipper", body="<b>x" * 126)

    assert f"{tmp_path / 'page.txt'}:9: a comment of 504 characters (at most 500)" in printed
    assert not Comment.objects.exists()


def test_tags_nested_past_the_limit_are_shown_as_the_text_they_were():
    deep = markup.MAX_NESTING + 5

    html = markup.render("<b>" * deep + "x")

    assert html.count("<b>") == markup.MAX_NESTING
    assert html.count("&lt;b&gt;") == 5


def test_tags_nested_within_the_limit_are_kept_however_many_there_are():
    text = "<b>bold</b> <i>it</i> " * 500

    assert markup.render(text) == "<p>" + text.strip() + "</p>"


def test_misnested_tags_cannot_open_more_than_the_limit():
    html = markup.render("<i></b>x" * 100)

    assert html.count("<i>") <= markup.MAX_NESTING


def test_sanitising_a_large_body_of_nested_tags_takes_time_in_proportion_to_its_size():
    # Before nesting was bounded, 60 KB of these took about 12 s and 198 KB 136 s.
    started = time.perf_counter()
    markup.render("<b><i>x" * 10_000)

    assert time.perf_counter() - started < 5


@hypothesis.settings(max_examples=300, deadline=None)
@hypothesis.given(st.text(max_size=60))
def test_whatever_is_typed_what_is_stored_and_shown_is_carriable_by_xml(text):
    name, body = markup.one_line(text), markup.normalise(text)

    assert markup.xml_safe(name) == name and "\n" not in name
    assert markup.xml_safe(body) == body
    assert markup.xml_safe(markup.render(text)) == markup.render(text)
    assert len(name.splitlines()) <= 1
