"""Hostile Blogger backups are refused with a clear error, and nothing of them is written."""

import io
import zipfile
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from blogarchive.models import Label, Post
from forum.models import Comment
from tests.blogarchive.blogger_backups import BLOG, STRUCTURE, current_schema, takeout_zip

FEED_OPEN = (
    "<feed xmlns='http://www.w3.org/2005/Atom' "
    "xmlns:blogger='http://schemas.google.com/blogger/2018'>"
)


def refusal(path) -> str:
    """What import_blog says on stderr when it refuses path; fails if it does not refuse."""
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_blog", str(path), stdout=StringIO(), stderr=err)
    return err.getvalue()


def archive_rows() -> tuple[int, int, int]:
    return Post.objects.count(), Comment.objects.count(), Label.objects.count()


def with_comments(*comments: str) -> bytes:
    """The hand-written backup with these comment entries added to post 1001's thread."""
    feed = current_schema(STRUCTURE).decode()
    return feed.replace("</feed>", "".join(comments) + "</feed>").encode()


def a_comment(cid: str, reply_to: str, *, post: str = "1001") -> str:
    answered = f"{BLOG}.post-{reply_to}" if reply_to else ""
    return (
        f"<entry><id>{BLOG}.post-{cid}</id><blogger:parent>{BLOG}.post-{post}</blogger:parent>"
        f"<blogger:inReplyTo>{answered}</blogger:inReplyTo><blogger:type>COMMENT</blogger:type>"
        "<blogger:status>LIVE</blogger:status><author><name>Troll</name></author>"
        "<content type='html'>Hello</content><published>2014-10-27T10:00:00Z</published></entry>"
    )


@pytest.fixture
def write(tmp_path):
    def write(data: bytes, name: str = "feed.atom"):
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return write


def test_a_billion_laughs_backup_is_refused_before_any_entity_is_expanded(db, write):
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" if n > 1 else "&lol;" * 10}">' for n in range(1, 10)
    )
    path = write(
        f"<?xml version='1.0'?><!DOCTYPE feed [{entities}]>{FEED_OPEN}&lol9;</feed>".encode()
    )
    assert "declares a DTD or entities" in refusal(path)
    assert archive_rows() == (0, 0, 0)


def test_a_backup_with_an_external_entity_is_refused_without_reading_it(db, write):
    doctype = '<!DOCTYPE feed [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
    entry = f"<entry><id>{BLOG}.post-1</id><blogger:type>POST</blogger:type><title>&secret;</title>"
    path = write(f"{doctype}{FEED_OPEN}{entry}</entry></feed>".encode())
    assert "declares a DTD or entities" in refusal(path)
    assert not Post.objects.exists()


def test_a_zip_whose_member_escapes_its_folder_is_refused(db, write):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../../outside/feed.atom", current_schema(STRUCTURE))
    assert "would escape its folder" in refusal(write(buffer.getvalue(), "takeout.zip"))
    assert archive_rows() == (0, 0, 0)


def test_a_zip_that_would_expand_past_a_sane_ratio_is_refused(db, write):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Takeout/feed.atom", current_schema(STRUCTURE))
        archive.writestr("Takeout/padding.bin", b"\0" * (20 << 20))
    assert "would expand more than 100 times" in refusal(write(buffer.getvalue(), "t.zip"))
    assert archive_rows() == (0, 0, 0)


@pytest.mark.parametrize(
    ("comments", "message"),
    [
        ([a_comment("9001", "9001")], "comment 9001 answers itself"),
        (
            [a_comment("9001", "9003"), a_comment("9002", "9001"), a_comment("9003", "9002")],
            "answers in a cycle",
        ),
        ([a_comment("9001", "3001")], "comment 9001 answers a comment on another post"),
        ([a_comment("9001", "1003")], "comment 9001 answers a post where a comment belongs"),
        ([a_comment("9001", "", post="2001")], "comment 9001 names a comment as its post"),
    ],
    ids=["itself", "cycle", "another-post-comment", "a-post", "comment-as-post"],
)
def test_a_backup_with_a_hostile_reply_reference_is_refused_whole(db, write, comments, message):
    assert message in refusal(write(with_comments(*comments)))
    assert archive_rows() == (0, 0, 0)


def test_a_refused_backup_leaves_an_archive_already_there_as_it_was(db, write):
    call_command("import_blog", str(write(current_schema(STRUCTURE))), stdout=StringIO())
    before = list(Comment.objects.values_list("pk", "blogger_id", "status", "created"))
    cycle = [a_comment("9001", "9002"), a_comment("9002", "9001")]
    assert "answers in a cycle" in refusal(write(with_comments(*cycle), "second.atom"))
    assert list(Comment.objects.values_list("pk", "blogger_id", "status", "created")) == before


def test_a_reply_nested_past_the_limit_is_refused(db, write):
    chain = [a_comment("9000", "")] + [a_comment(f"{9001 + n}", f"{9000 + n}") for n in range(205)]
    assert "replies deep" in refusal(write(with_comments(*chain)))
    assert archive_rows() == (0, 0, 0)


def test_a_backup_that_is_not_well_formed_is_refused_with_its_line(db, write):
    path = write(current_schema(STRUCTURE).replace(b"</feed>", b"<entry></feed>"))
    assert "not well-formed XML" in refusal(path)
    assert archive_rows() == (0, 0, 0)


def test_a_zip_without_a_feed_is_refused(db, write):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("Takeout/readme.html", "<html/>")
    assert "holds no Atom feed" in refusal(write(buffer.getvalue(), "t.zip"))


def test_an_honest_takeout_zip_passes_the_same_checks(db, write):
    call_command("import_blog", str(write(takeout_zip(current_schema(STRUCTURE)), "t.zip")))
    assert Post.objects.count() == 2


def test_two_posts_with_one_old_address_are_refused(db, write):
    feed = current_schema(STRUCTURE).replace(
        b"/2015/03/summer-again.html", b"/2014/10/the-clocks-go-back.html"
    )
    assert "has the address /2014/10/the-clocks-go-back.html of another post" in refusal(
        write(feed)
    )
    assert archive_rows() == (0, 0, 0)


def test_a_post_claiming_the_old_address_of_a_post_already_there_is_refused(db, write):
    call_command("import_blog", str(write(current_schema(STRUCTURE))), stdout=StringIO())
    before = archive_rows()
    impostor = [{**STRUCTURE[2], "id": "8888", "title": "Impostor", "comments": []}]
    impostor[0]["path"] = "/2014/10/the-clocks-go-back.html"
    message = refusal(write(current_schema(impostor), "second.atom"))
    assert "the address /2014/10/the-clocks-go-back.html is already another post's" in message
    assert archive_rows() == before


def test_a_big_backup_is_refused_whole_while_its_helper_starts(db, write, monkeypatch):
    from forum.importing import backup_threads

    cycle = [a_comment("9001", "9002"), a_comment("9002", "9001")]
    path = write(with_comments(*cycle))
    monkeypatch.setattr(backup_threads, "EARLY_HELPER_FROM", path.stat().st_size)
    assert "answers in a cycle" in refusal(path)
    assert archive_rows() == (0, 0, 0)
