"""The sanitiser: Blogger's small allow-list, links marked as user content, text kept."""

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forum import markup


def through_bleach(text: str) -> str:
    """What render() gives when every paragraph goes through bleach, fast path or not."""
    paragraphs = [p.strip() for p in markup._PARAGRAPH_BREAK.split(markup.normalise(text))]
    return "".join(
        "<p>" + markup._cleaner.clean(p).replace("\n", "<br>") + "</p>" for p in paragraphs if p
    )


def test_bold_italic_and_links_are_kept_and_links_marked_as_user_content():
    html = markup.render('<b>Napo</b> says <i>no</i>: <a href="https://napo.org.uk">read</a>')

    assert "<b>Napo</b>" in html
    assert "<i>no</i>" in html
    assert '<a href="https://napo.org.uk" rel="nofollow ugc">read</a>' in html


def test_bare_addresses_become_links():
    html = markup.render("See www.example.org/x and http://example.com/a?b=1&c=2")

    assert '<a href="http://www.example.org/x" rel="nofollow ugc">' in html
    assert 'href="http://example.com/a?b=1&amp;c=2"' in html


def test_paragraphs_and_line_breaks_are_kept():
    assert markup.render("One\nline two\n\n\nTwo") == "<p>One<br>line two</p><p>Two</p>"


def test_markup_outside_the_list_is_shown_as_text_not_run():
    html = markup.render('<script>alert(1)</script><img src=x onerror="alert(1)">')

    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_control_characters_are_dropped_but_text_is_not():
    assert markup.normalise("a\x00b\x07c\r\nd\te") == "abc\nd\te"


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=string.printable + "£’“”é\u00a0", max_size=120))
def test_plain_prose_skips_the_parser_with_the_same_result(text):
    assert markup.render(text) == through_bleach(text)


@pytest.mark.parametrize(
    "text",
    [
        "Cuts, e.g. to hostels, i.e. the lot.",
        "See Example.ORG or justice.gov.uk/probation now.",
        "www.napo.org.uk, e.g. and it's 'quoted'",
        "Ends with a dot.",
    ],
)
def test_abbreviations_and_addresses_render_as_bleach_would(text):
    assert markup.render(text) == through_bleach(text)


LINKISH = ["e.g.", "i.e.", ".", "org", "Co", "uk", "gov", "www", "http://", "/", " ", "a", "'"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from([*LINKISH, "ſ", "\u212a", "-", ":80"]), max_size=20).map("".join))
def test_text_that_looks_like_an_address_skips_the_parser_only_when_bleach_would_not_link_it(
    text,
):
    assert markup.render(text) == through_bleach(text)
