"""Honest captures with lines shaped like Blogger's layout, read by the page's evidence."""

from datetime import date, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from blogarchive.dates import LONDON
from blogarchive.models import Post
from blogarchive.parsing import ParseError, parse_page
from forum.models import Comment
from tests.blogarchive.test_parsing import ARCHIVE_TITLES, seed


def with_lines(text: str, after: int, *new: str) -> str:
    """The text with new lines inserted after its 1-based line `after`."""
    lines = text.split("\n")
    return "\n".join([*lines[:after], *new, *lines[after:]])


def thread_page(thread: str, caption: str, day: str = "Tuesday 1 December 2015") -> str:
    """A single-post page whose thread starts at line 9."""
    return f"{day}\n\nA Title\n\nThe body.\n\n{caption}\n\n{thread}"


def stamped(*stamps: str) -> str:
    """A thread of top-level comments, one per stamp, each with one line of text."""
    return "".join(
        f"  {n}. {stamp}\n\n    Text {n}.\n\n    ReplyDelete\n" for n, stamp in enumerate(stamps, 1)
    )


# A comment that quotes Blogger's furniture


def test_a_comment_quoting_reply_delete_replies_and_a_number_keeps_them_as_its_text():
    text = with_lines(
        seed(0), 35, "    ReplyDelete", "    Replies", "    1. quoted", "    ReplyDelete"
    )
    page = parse_page(text)
    (post,) = page.posts
    first = post.comments[0]
    assert post.comment_count == 63
    assert first.body.endswith("\nReplyDelete\nReplies\n1. quoted\nReplyDelete")
    assert [reply.line for reply in first.replies] == [43, 50, 53]
    assert page.doubts == ()


def test_a_reply_quoting_delete_keeps_it_and_the_text_after_it():
    text = with_lines(seed(0), 39, "      Delete", "      (that was the button under it)")
    (post,) = parse_page(text).posts
    reply = post.comments[0].replies[0]
    assert post.comment_count == 63
    assert reply.body.startswith(
        "That is an excellent point - it seems asking too much to encourage some blogging about it"
    )
    assert "\nDelete\n(that was the button under it)\n\nThe stress comes through" in reply.body
    assert [r.line for r in post.comments[0].replies] == [39, 48, 51]


def test_a_comment_whose_last_typed_line_is_reply_delete_keeps_it():
    thread = "  1. Press this:\n\n    ReplyDelete\n\n    ReplyDelete\n  2. Next.\n    ReplyDelete\n"
    first, second = parse_page(thread_page(thread, "2 comments:")).posts[0].comments
    assert (first.body, second.body) == ("Press this:\n\nReplyDelete", "Next.")


def test_a_comment_quoting_the_caption_and_the_page_links_keeps_them_as_its_text():
    thread = (
        "  1. The old page said\n    63 comments:\n    Post a Comment\n    Newer Post\n"
        "    ReplyDelete\n  2. Next.\n    ReplyDelete\n"
    )
    first, second = parse_page(thread_page(thread, "2 comments:")).posts[0].comments
    assert first.body == "The old page said\n63 comments:\nPost a Comment\nNewer Post"
    assert second.body == "Next."


def test_a_post_quoting_a_comments_caption_keeps_it_as_a_paragraph():
    page = parse_page(with_lines(seed(1), 5, "", "12 comments:"))
    (post,) = page.posts
    assert post.paragraphs[1] == "12 comments:"
    assert (post.declared_comments, post.comment_count) == (25, 25)


def test_a_quoted_caption_does_not_hide_a_real_thread_that_lost_a_comment():
    lines = with_lines(seed(1), 5, "", "12 comments:").split("\n")
    last = next(i for i, line in enumerate(lines) if line.startswith("  15. "))
    text = "\n".join(lines[:last])
    with pytest.raises(ParseError) as error:
        parse_page(text)
    assert error.value.line == 58
    assert error.value.message == "page says 25 comments but 24 were found"


# A date line inside an archive page's post


def test_a_dated_letter_in_an_archive_post_stays_in_that_post():
    text = with_lines(seed(4), 5, "", "Monday, 1 September 2014", "", "Dear Colleague")
    page = parse_page(text)
    assert [p.title for p in page.posts] == ARCHIVE_TITLES
    sad = page.posts[0]
    assert sad.paragraphs[1:3] == ("Monday, 1 September 2014", "Dear Colleague")
    (decision,) = [d for d in page.decisions if d.line == 7]
    assert (decision.is_title, decision.reason) == (
        False,
        "a date line that does not head a day: part of the post",
    )
    assert page.doubts == ()


def test_a_date_later_than_the_page_opens_with_is_text_of_its_post():
    text = with_lines(seed(4), 5, "", "Friday, 19 September 2014", "", "Dear Colleague")
    page = parse_page(text)
    assert [p.title for p in page.posts] == ARCHIVE_TITLES
    assert "Friday, 19 September 2014" in page.posts[0].paragraphs


def test_a_date_line_run_into_text_is_text_even_with_the_wrong_weekday():
    text = with_lines(seed(4), 5, "", "Sunday, 17 September 2014", "the letter was dated.")
    page = parse_page(text)
    assert [p.title for p in page.posts] == ARCHIVE_TITLES
    assert page.posts[0].paragraphs[1:3] == ("Sunday, 17 September 2014", "the letter was dated.")


def test_a_damaged_day_heading_is_still_refused_at_its_line():
    text = seed(4).replace("Tuesday, 16 September 2014", "Monday, 16 September 2014")
    with pytest.raises(ParseError) as error:
        parse_page(text)
    assert (error.value.line, error.value.message) == (
        35,
        "'Monday, 16 September 2014': that day was a Tuesday",
    )


def test_two_headings_for_the_same_day_are_both_named_for_a_curator_and_the_page_imports():
    text = with_lines(seed(4), 40, "Monday, 15 September 2014", "", "Dear Colleague", "")
    page = parse_page(text)
    assert [(d.line, d.message) for d in page.doubts] == [
        (
            41,
            "the date line 'Monday, 15 September 2014' could head a new day or belong to the "
            "post above: taken as a new day",
        ),
        (
            75,
            "the date line 'Monday, 15 September 2014' could head a new day or belong to the "
            "post above: taken as text of the post above",
        ),
    ]
    assert [p.title for p in page.posts][2:5] == [
        "Messages From the Top",
        "Dear Colleague",
        "You Are a Deviant. Be proud",
    ]
    dear = page.posts[3]
    assert dear.published == date(2014, 9, 15)
    date_line = dear.paragraphs.index("Monday, 15 September 2014")
    assert dear.paragraphs[date_line + 1] == "Core Values and Ethical Principles"


# A commenter's name ending in digits, glued to a one-digit day


def test_a_name_ending_in_digits_is_settled_by_the_post_date():
    # "Jo22 on 1 December" would be older than this post of 21 December.
    page = parse_page(
        thread_page(
            stamped("Jo221 December 2015 at 10:55"), "1 comment:", "Monday 21 December 2015"
        )
    )
    (comment,) = page.posts[0].comments
    assert (comment.author, comment.created) == (
        "Jo2",
        datetime(2015, 12, 21, 10, 55, tzinfo=LONDON),
    )
    assert (comment.body, page.doubts) == ("Text 1.", ())


def test_a_name_ending_in_digits_is_settled_by_the_next_comments_time():
    thread = stamped("Jo221 December 2015 at 10:55", "Sue Smith5 December 2015 at 09:00")
    page = parse_page(thread_page(thread, "2 comments:"))
    first, second = page.posts[0].comments
    assert (first.author, first.created) == ("Jo22", datetime(2015, 12, 1, 10, 55, tzinfo=LONDON))
    assert (second.author, page.doubts) == ("Sue Smith", ())


def test_a_reply_is_read_as_no_older_than_the_comment_it_answers():
    thread = (
        "  1. Sue Smith10 December 2015 at 09:00\n    Top.\n    ReplyDelete\n    Replies\n"
        "    1. Al919 December 2015 at 08:00\n      Under.\n      Delete\n"
    )
    page = parse_page(thread_page(thread, "2 comments:"))
    reply = page.posts[0].comments[0].replies[0]
    assert (reply.author, reply.created) == ("Al9", datetime(2015, 12, 19, 8, 0, tzinfo=LONDON))
    assert page.doubts == ()


def test_a_name_settled_once_settles_the_same_commenter_later_on_the_page():
    thread = stamped(
        "Jo221 December 2015 at 10:55",
        "Sue Smith1 December 2015 at 11:00",
        "Jo2215 December 2015 at 10:00",
    )
    page = parse_page(thread_page(thread, "3 comments:"))
    first, _, third = page.posts[0].comments
    assert first.author == third.author == "Jo22"
    assert third.created == datetime(2015, 12, 15, 10, 0, tzinfo=LONDON)
    assert page.doubts == ()


def test_a_stamp_the_page_cannot_settle_is_imported_one_way_and_named_for_a_curator():
    page = parse_page(thread_page(stamped("Jo221 December 2015 at 10:55"), "1 comment:"))
    (comment,) = page.posts[0].comments
    assert (comment.author, comment.created.day, comment.body) == ("Jo2", 21, "Text 1.")
    assert [(d.line, d.message) for d in page.doubts] == [
        (
            9,
            "the commenter and day could be Jo2 on 21 December 2015 or Jo22 on 1 December "
            "2015: took Jo2",
        )
    ]


def test_a_two_digit_day_after_a_name_without_digits_is_never_in_doubt():
    page = parse_page(thread_page(stamped("Bob21 December 2015 at 10:55"), "1 comment:"))
    (comment,) = page.posts[0].comments
    assert (comment.author, comment.created.day, page.doubts) == ("Bob", 21, ())


def test_a_name_ending_in_zero_takes_the_digit_a_day_cannot_start_with():
    page = parse_page(thread_page(stamped("Agent0075 December 2015 at 10:55"), "1 comment:"))
    (comment,) = page.posts[0].comments
    assert (comment.author, comment.created.day, page.doubts) == ("Agent007", 5, ())


# Through the import command


def test_import_blog_imports_a_doubtful_page_and_names_each_doubtful_line(db, tmp_path):
    text = with_lines(seed(4), 40, "Monday, 15 September 2014", "", "Dear Colleague", "")
    (tmp_path / "archive.txt").write_text(text, encoding="utf-8")
    (tmp_path / "thread.txt").write_text(
        thread_page(stamped("Jo221 December 2015 at 10:55"), "1 comment:"), encoding="utf-8"
    )
    out = StringIO()
    call_command("import_blog", str(tmp_path), "-v", "0", stdout=out, stderr=StringIO())
    checks = [line for line in out.getvalue().splitlines() if ": check: " in line]
    assert [line.split(": check: ")[0] for line in checks] == [
        f"{tmp_path / 'archive.txt'}:41",
        f"{tmp_path / 'archive.txt'}:75",
        f"{tmp_path / 'thread.txt'}:9",
    ]
    assert Post.objects.count() == 10
    assert Comment.objects.get().author_name == "Jo2"


def test_import_blog_still_refuses_a_broken_page_with_file_and_line(db, tmp_path):
    text = seed(4).replace("Tuesday, 16 September 2014", "Monday, 16 September 2014")
    (tmp_path / "archive.txt").write_text(text, encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_blog", str(tmp_path), stdout=StringIO(), stderr=err)
    assert f"{tmp_path / 'archive.txt'}:35: " in err.getvalue()
    assert Post.objects.count() == 0
