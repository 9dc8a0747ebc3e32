import pickle
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from blogarchive.dates import LONDON
from blogarchive.parsing import ParseError, parse_page, read_titles_file

SEEDS = Path(__file__).resolve().parents[2] / "data" / "seeds"
ARCHIVE_TITLES = [
    "A Sad Fact of Life",
    "Some Reflections",
    "Messages From the Top",
    "Core Values and Ethical Principles",
    "You Are a Deviant. Be proud",
    "TR Week Fifteen",
    "Guest Blog 7",
    "Omnishambles Update 70",
    "Latest From Napo 39",
]


def seed(number: int) -> str:
    (path,) = SEEDS.glob(f"{number:03d}_*.txt")
    return path.read_text(encoding="utf-8")


def single_post(thread: str, caption: str = "2 comments:") -> str:
    """A small single-post page whose thread starts at line 9."""
    return f"Monday 21 December 2015\n\nA Title\n\nThe body.\n\n{caption}\n\n{thread}"


def comments_of(text: str):
    (post,) = parse_page(text).posts
    return post.comments


def every_comment(comments):
    for comment in comments:
        yield comment
        yield from every_comment(comment.replies)


# The real pages


@pytest.mark.parametrize(
    ("number", "title", "published", "count"),
    [
        (0, "The Waiting Game 2", date(2014, 10, 28), 63),
        (1, "Re-nationalisation?", date(2015, 12, 21), 25),
        (2, "Reunification Is Coming!", date(2019, 4, 17), 17),
        (3, "Probation System Review", date(2016, 6, 16), 38),
    ],
)
def test_each_single_post_seed_has_its_title_date_and_declared_comment_count(
    number, title, published, count
):
    (post,) = parse_page(seed(number)).posts
    assert (post.line, post.title, post.published) == (3, title, published)
    assert post.declared_comments == count
    assert post.comment_count == count


def test_the_waiting_game_2_first_comment_has_three_replies():
    (post,) = parse_page(seed(0)).posts
    first = post.comments[0]
    assert len(post.comments) == 32
    assert (first.line, [reply.line for reply in first.replies]) == (35, [39, 46, 49])
    assert first.body.startswith("I think more needs to be said about burn out")
    assert first.replies[2].body == (
        "I'm anon 12:51. I also forgot to mention also the numerous parole reports. "
        "And also oral hearings"
    )


def test_a_comments_paragraphs_are_joined_by_a_blank_line_and_its_lines_by_a_newline():
    (post,) = parse_page(seed(0)).posts
    reply = post.comments[0].replies[0]
    second = post.comments[1]
    assert reply.body.count("\n\n") == 2
    assert reply.body.endswith(
        "\n\nhttp://effieperine.wordpress.com/2014/10/27/somewhere-beyond-the-sea-napo-2014/"
    )
    assert second.body.split("\n")[1].startswith("If Grayling can't")
    assert "\n\n" not in second.body


def test_post_paragraphs_are_the_stripped_non_blank_lines_between_title_and_caption():
    (post,) = parse_page(seed(0)).posts
    assert len(post.paragraphs) == 25
    assert post.paragraphs[0].endswith("republishing it here in full:-")
    assert post.paragraphs[-1].startswith("There is an easy out for Grayling here.")


def test_seed_001_probation_officer_wrote_a_reply_at_10_55_and_a_comment_at_10_49():
    (post,) = parse_page(seed(1)).posts
    reply, comment = post.comments[0].replies[0], post.comments[1]
    assert (reply.line, reply.author) == (64, "Probation Officer")
    assert reply.created == datetime(2015, 12, 21, 10, 55, tzinfo=LONDON)
    assert (comment.line, comment.author) == (95, "Probation Officer")
    assert comment.created == datetime(2015, 12, 21, 10, 49, tzinfo=LONDON)
    assert str(comment.created.tzinfo) == "Europe/London"
    assert comment.created.utcoffset() == timedelta(0)
    assert reply.body.startswith("All who voted for it are responsible")
    assert comment.body.startswith("Fantastic, the truth is out.")


def test_seed_003_has_three_timestamped_comments_in_british_summer_time():
    (post,) = parse_page(seed(3)).posts
    stamped = [c for c in every_comment(post.comments) if c.author]
    assert [(c.line, c.author, c.created.strftime("%d %b %Y %H:%M")) for c in stamped] == [
        (108, "Probation Officer", "16 Jun 2016 08:46"),
        (113, "Probation Officer", "16 Jun 2016 08:47"),
        (125, "Probation Officer", "16 Jun 2016 16:02"),
    ]
    assert {c.created.utcoffset() for c in stamped} == {timedelta(hours=1)}
    assert stamped[2] is post.comments[7].replies[2]


@pytest.mark.parametrize(("number", "stamped"), [(0, 0), (1, 2), (2, 0), (3, 3)])
def test_every_comment_without_a_stamp_is_anonymous(number, stamped):
    (post,) = parse_page(seed(number)).posts
    comments = list(every_comment(post.comments))
    anonymous = [c for c in comments if c.author is None and c.created is None]
    assert len(comments) - len(anonymous) == stamped
    assert not any(c.removed for c in comments)


def test_a_single_post_page_keeps_title_like_lines_in_its_body():
    page = parse_page(seed(2))
    (post,) = page.posts
    notes = "Notes from a visit to the National Probation Service in Wales"
    assert notes in post.paragraphs
    (decision,) = [d for d in page.decisions if d.text == notes]
    assert (decision.line, decision.is_title) == (42, False)
    assert "comments caption" in decision.reason


def test_the_archive_seed_holds_nine_posts_in_page_order():
    posts = parse_page(seed(4)).posts
    assert [(p.published.day, p.title) for p in posts] == [
        (17, "A Sad Fact of Life"),
        (17, "Some Reflections"),
        (16, "Messages From the Top"),
        (15, "Core Values and Ethical Principles"),
        (15, "You Are a Deviant. Be proud"),
        (14, "TR Week Fifteen"),
        (13, "Guest Blog 7"),
        (12, "Omnishambles Update 70"),
        (11, "Latest From Napo 39"),
    ]
    assert {p.published.replace(day=1) for p in posts} == {date(2014, 9, 1)}
    assert all(p.comments == () and p.declared_comments is None for p in posts)
    assert [d.line for d in parse_page(seed(4)).decisions if d.is_title] == [p.line for p in posts]


def test_seventeen_september_splits_at_some_reflections():
    sad, reflections = parse_page(seed(4)).posts[:2]
    assert (sad.line, reflections.line) == (3, 9)
    assert len(sad.paragraphs) == 2
    assert reflections.paragraphs[0].startswith("It was that sheep-like following")
    assert reflections.paragraphs[-1].startswith("A few years ago I met a young man")


def test_the_domestic_violence_question_is_a_sub_heading_of_guest_blog_7():
    page = parse_page(seed(4))
    guest = next(p for p in page.posts if p.title == "Guest Blog 7")
    assert guest.paragraphs[0] == "The Domestic Violence Question"
    assert guest.paragraphs[-1] == "Su McConnel"
    decisions = {d.text: d for d in page.decisions}
    assert decisions["Guest Blog 7"].is_title
    assert decisions["Guest Blog 7"].reason == "first line after the date"
    assert not decisions["The Domestic Violence Question"].is_title
    assert decisions["The Domestic Violence Question"].reason == (
        "follows the title 'Guest Blog 7': sub-heading"
    )
    assert decisions["Some Reflections"].is_title


@pytest.mark.parametrize(
    "line",
    [
        "Hello everyone,",
        "Best wishes",
        "Su McConnel",
        "2nd September 2014 12:52",
        "3.2 Diversity and difference is viewed with positive regard",
        "Thanks for your question.",
    ],
)
def test_greetings_signatures_stamps_and_numbered_points_are_not_titles(line):
    page = parse_page(seed(4))
    assert line not in [p.title for p in page.posts]
    assert any(line in p.paragraphs for p in page.posts)
    assert [d.is_title for d in page.decisions if d.text == line] == [False]


def test_a_signature_before_the_next_date_is_a_closing_line():
    decisions = {d.text: d.reason for d in parse_page(seed(4)).decisions}
    assert "closing line" in decisions["Su McConnel"]
    assert decisions["Best wishes"] == "mostly lower-case words"
    assert decisions["Hello everyone,"] == "ends with ','"


def test_archive_titles_may_end_in_a_question_mark_but_not_start_with_a_bullet():
    long_line = "A Capitalised Line That Runs On And On " * 3
    text = (
        "Monday 21 December 2015\n\nFirst Post\n\nBody one.\n\nIs This Working?\n\nBody two.\n\n"
        f"\u2022 Bullet Point Item\n\nBody three.\n\n{long_line}\n\nBody four.\n\n"
        "Sunday 20 December 2015\n\nOnly Post\n\nBody five.\n"
    )
    page = parse_page(text)
    assert [(p.published.day, p.title) for p in page.posts] == [
        (21, "First Post"),
        (21, "Is This Working?"),
        (20, "Only Post"),
    ]
    assert page.posts[1].paragraphs == (
        "Body two.",
        "\u2022 Bullet Point Item",
        "Body three.",
        long_line.strip(),
        "Body four.",
    )
    reasons = {d.text: d.reason for d in page.decisions}
    assert [d.line for d in page.decisions if d.is_title] == [3, 7, 21]
    assert reasons["\u2022 Bullet Point Item"] == "starts with a digit or a list marker"
    assert reasons["Body one."] == "ends with '.'"
    assert long_line.strip() not in reasons


# Titles chosen by a curator


def test_a_curator_can_make_the_sub_heading_a_post():
    titles = [*ARCHIVE_TITLES, "The Domestic Violence Question"]
    page = parse_page(seed(4), titles=titles)
    by_title = {p.title: p for p in page.posts}
    assert len(page.posts) == 10
    assert by_title["Guest Blog 7"].paragraphs == ()
    assert by_title["The Domestic Violence Question"].published == date(2014, 9, 13)
    assert (
        by_title["The Domestic Violence Question"].paragraphs[0].startswith("I went to my (new) GP")
    )
    assert {d.reason for d in page.decisions if d.is_title} == {"curator's list"}


def test_a_curator_can_fold_a_post_into_the_one_before():
    titles = [t for t in ARCHIVE_TITLES if t != "Some Reflections"]
    page = parse_page(seed(4), titles=titles)
    assert [p.title for p in page.posts] == titles
    assert page.posts[0].paragraphs[2] == "Some Reflections"
    (decision,) = [d for d in page.decisions if d.text == "Some Reflections"]
    assert (decision.is_title, decision.reason) == (False, "not in the curator's list")


def test_curator_titles_are_matched_after_stripping():
    titles = [f"  {t}\u00a0 " for t in ARCHIVE_TITLES]
    assert [p.title for p in parse_page(seed(4), titles=titles).posts] == ARCHIVE_TITLES


def test_a_curator_title_missing_from_the_page_is_named_in_the_error():
    with pytest.raises(ParseError) as error:
        parse_page(seed(4), titles=[*ARCHIVE_TITLES, "Guest Blog 8"])
    assert error.value.line == 1
    assert "'Guest Blog 8'" in error.value.message


def test_a_date_must_open_with_one_of_the_curators_titles():
    titles = [t for t in ARCHIVE_TITLES if t != "Guest Blog 7"]
    with pytest.raises(ParseError) as error:
        parse_page(seed(4), titles=titles)
    assert error.value.line == 260
    assert "'Guest Blog 7'" in error.value.message


def test_the_titles_sidecar_skips_blank_and_hash_lines():
    sidecar = (
        "\ufeff# 004 archive\r\n\r\n  Guest Blog 7  \r\n#Some Reflections\r\nTR Week Fifteen\r\n"
    )
    assert read_titles_file(sidecar) == ["Guest Blog 7", "TR Week Fifteen"]


def test_a_sidecar_file_drives_parse_page():
    sidecar = "# the nine posts\n\n" + "\n".join(ARCHIVE_TITLES) + "\n"
    page = parse_page(seed(4), titles=read_titles_file(sidecar))
    assert [p.title for p in page.posts] == ARCHIVE_TITLES


# Threads written out in the tests


def test_a_name_glued_to_a_timestamp_becomes_author_and_time():
    thread = (
        "  1. Jo Bloggs21 December 2015 at 10:55\n\n    First paragraph.\n\n    Second.\n\n"
        "    ReplyDelete\n  2. Sue Smith1 July 2015 at 09:05\n    Same paragraph.\n"
        "    ReplyDelete\n"
    )
    winter, summer = comments_of(single_post(thread))
    assert (winter.author, winter.body) == ("Jo Bloggs", "First paragraph.\n\nSecond.")
    assert winter.created == datetime(2015, 12, 21, 10, 55, tzinfo=LONDON)
    assert winter.created.utcoffset() == timedelta(0)
    assert (summer.author, summer.body) == ("Sue Smith", "Same paragraph.")
    assert (summer.created.day, summer.created.month, summer.created.hour) == (1, 7, 9)
    assert summer.created.utcoffset() == timedelta(hours=1)


def test_a_stamp_needs_a_name_glued_to_it():
    thread = (
        "  1. We met on 21 December 2015 at 10:55\n\n    ReplyDelete\n"
        "  2. 21 December 2015 at 10:55\n\n    ReplyDelete\n"
    )
    first, second = comments_of(single_post(thread))
    assert (first.author, first.created) == (None, None)
    assert first.body == "We met on 21 December 2015 at 10:55"
    assert (second.author, second.body) == (None, "21 December 2015 at 10:55")


def test_removal_stubs_count_as_comments_with_an_empty_body():
    thread = (
        "  1. This comment has been removed by the author.\n\n    ReplyDelete\n    Replies\n"
        "    1. This comment has been removed by a blog administrator.\n\n      Delete\n"
        "  2. This comment has been removed by the author, and more.\n\n    ReplyDelete\n"
    )
    first, second = comments_of(single_post(thread, caption="3 comments:"))
    assert (first.removed, first.body) == ("author", "")
    assert (first.replies[0].removed, first.replies[0].body) == ("administrator", "")
    assert second.removed is None
    assert second.body.startswith("This comment has been removed by the author,")


def test_one_comment_caption_and_no_comments_caption():
    (one,) = parse_page(single_post("  1. Alone.\n\n    ReplyDelete\n", "1 comment:")).posts
    (none,) = parse_page(single_post("Post a Comment\n", "No comments:")).posts
    assert (one.declared_comments, one.comment_count, one.comments[0].body) == (1, 1, "Alone.")
    assert (none.declared_comments, none.comments) == (0, ())
    with pytest.raises(ParseError, match="page says no comments but 1 were found"):
        parse_page(single_post("  1. Alone.\n\n    ReplyDelete\n", "No comments:"))


def test_post_a_comment_and_blogger_chrome_end_the_thread():
    thread = (
        "  1. One.\n\n    ReplyDelete\n  2. Two.\n\n    ReplyDelete\n\n"
        "Post a Comment\n\nNewer Post Older Post Home\n  7. not a comment\n"
    )
    assert [c.body for c in comments_of(single_post(thread))] == ["One.", "Two."]
    thread = thread.replace("Post a Comment", "Older Post")
    assert len(comments_of(single_post(thread))) == 2


def test_replies_are_numbered_from_one_under_each_comment():
    thread = (
        "  1. Top\n    continued\n\n    ReplyDelete\n    Replies\n"
        "    1. Reply one\n\n      more\n\n\n      again\n      Delete\n"
        "    2. Reply two\n      Delete\n  2. Next\n\n    ReplyDelete\n"
    )
    first, second = comments_of(single_post(thread, caption="4 comments:"))
    assert first.body == "Top\ncontinued"
    assert [r.body for r in first.replies] == ["Reply one\n\nmore\n\nagain", "Reply two"]
    assert [r.line for r in first.replies] == [14, 21]
    assert (second.line, second.replies) == (23, ())


def test_trailing_spaces_and_non_breaking_spaces_are_stripped():
    text = single_post(
        "  1. Hi \u00a0\n\n    there\u00a0\u00a0\n\n    ReplyDelete\u00a0\n", "1 comment:"
    )
    text = text.replace("A Title", "A Title\u00a0 ")
    (post,) = parse_page(text).posts
    assert (post.title, post.comments[0].body) == ("A Title", "Hi\n\nthere")


def test_windows_line_endings_and_a_byte_order_mark_are_accepted():
    plain = parse_page(seed(1))
    windows = parse_page("\ufeff" + seed(1).replace("\n", "\r\n"))
    assert windows == plain
    assert windows.posts[0].comment_count == 25


# Malformed pages

MALFORMED = [
    pytest.param("", 1, "empty", id="empty file"),
    pytest.param("\n \u00a0\n\n", 1, "empty", id="blank file"),
    pytest.param("\n\nA Title\n\nBody\n", 3, "expected a date line", id="no date at the top"),
    pytest.param("Monday 21 December 2015\n\n\n", 1, "no title", id="date with no title"),
    pytest.param("Monday 21 December 2015\n\nA Title\n\n", 3, "no body", id="date with no body"),
    pytest.param(
        "Monday 21 December 2015\n\nA\n\nB\n\nSunday 20 December 2015\n\n",
        7,
        "no title",
        id="second date with no title",
    ),
    pytest.param("Saturday, 31 February 2015\n\nA\n\nB\n", 1, "impossible date", id="31 February"),
    pytest.param("Tuesday 21 December 2015\n\nA\n\nB\n", 1, "was a Monday", id="wrong weekday"),
    pytest.param(
        single_post("  1. a\n\n    ReplyDelete\n  3. b\n\n    ReplyDelete\n"),
        12,
        "comment numbered 3 where 2 was expected",
        id="comment numbering",
    ),
    pytest.param(
        single_post("  1. a\n    ReplyDelete\n    Replies\n    2. b\n      Delete\n"),
        12,
        "reply to comment 1 numbered 2 where 1 was expected",
        id="reply numbering",
    ),
    pytest.param(
        single_post("  1. a\n    ReplyDelete\n    1. b\n      Delete\n"),
        11,
        "without 'Replies'",
        id="reply without Replies",
    ),
    pytest.param(
        single_post("  1. a\n    ReplyDelete\n    Replies\n  2. b\n    ReplyDelete\n"),
        11,
        "has no reply",
        id="Replies with no reply",
    ),
    pytest.param(
        single_post("  1. a\n\n    text\n  2. b\n\n    ReplyDelete\n"),
        9,
        "comment 1 has no 'ReplyDelete' before line 12",
        id="comment interrupted",
    ),
    pytest.param(
        single_post("  1. a\n    ReplyDelete\n  2. b\n\n    text\n", "2 comments:"),
        11,
        "comment 2 has no 'ReplyDelete' before the end",
        id="comment runs off the page",
    ),
    pytest.param(
        single_post("  1. a\n    ReplyDelete\n    Replies\n    1. b\n\n  2. c\n    ReplyDelete\n"),
        12,
        "reply 1 to comment 1 has no 'Delete'",
        id="reply never deleted",
    ),
    pytest.param(
        single_post("  1. a\n      too deep\n    ReplyDelete\n"),
        10,
        "indentation 6 in comment 1, not 4",
        id="deeper line in comment",
    ),
    pytest.param(
        single_post("  1. a\n    ReplyDelete\nstray words\n"),
        11,
        "expected comment 2, found 'stray words' at indentation 0",
        id="stray line in thread",
    ),
    pytest.param(
        single_post("  1. a\n    ReplyDelete\n   2. b\n    ReplyDelete\n"),
        11,
        "at indentation 3",
        id="comment at indentation 3",
    ),
    pytest.param(
        single_post("  1. a\n    ReplyDelete\n", "63 comments:"),
        7,
        "page says 63 comments but 1 were found",
        id="count mismatch",
    ),
    pytest.param(
        single_post("  1. Bob21 December 2015 at 25:10\n    ReplyDelete\n", "1 comment:"),
        9,
        "impossible date or time",
        id="impossible stamp",
    ),
    pytest.param(
        single_post("  " + "9" * 5000 + ". a\n    ReplyDelete\n", "1 comment:"),
        9,
        "expected comment 1",
        id="absurd comment number",
    ),
]


@pytest.mark.parametrize(("text", "line", "message"), MALFORMED)
def test_malformed_pages_raise_parse_error_at_the_faulty_line(text, line, message):
    with pytest.raises(ParseError) as error:
        parse_page(text)
    assert error.value.line == line
    assert message in error.value.message
    assert str(error.value) == f"{line}: {error.value.message}"


def test_a_parse_error_is_a_value_error_that_survives_pickling():
    error = pickle.loads(pickle.dumps(ParseError(7, "page says 63 comments but 62 were found")))
    assert isinstance(error, ValueError)
    assert (error.line, error.message, str(error)) == (
        7,
        "page says 63 comments but 62 were found",
        "7: page says 63 comments but 62 were found",
    )


def test_a_seed_missing_a_reply_line_is_reported_at_its_replies_line():
    lines = seed(0).split("\n")
    assert lines[38].startswith("    1. That is an excellent point")
    del lines[38]
    with pytest.raises(ParseError) as error:
        parse_page("\n".join(lines))
    assert error.value.line == 38
    assert error.value.message == "'Replies' under comment 1 has no reply"


def parse_or_error(text: str) -> ParseError | None:
    try:
        parse_page(text)
    except ParseError as error:
        return error
    return None


@pytest.mark.parametrize("number", [0, 1, 2, 3, 4])
def test_deleting_or_swapping_any_line_parses_or_raises_parse_error(number):
    lines = seed(number).split("\n")
    outcomes = set()
    for i in range(len(lines)):
        deleted = lines[:i] + lines[i + 1 :]
        swapped = lines[:i] + lines[i + 1 : i + 2] + lines[i : i + 1] + lines[i + 2 :]
        for variant in (deleted, swapped):
            error = parse_or_error("\n".join(variant))
            assert error is None or 1 <= error.line <= len(variant)
            outcomes.add(type(error))
    assert outcomes == {ParseError, type(None)}
