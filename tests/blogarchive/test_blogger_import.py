"""import_blog on Blogger backups of both schemas, and export_blog --format blogger back."""

import io
from datetime import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blogarchive import blogger
from blogarchive.bloggerhtml import paragraphs
from blogarchive.models import Label, Post
from forum.models import Comment
from tests.blogarchive.blogger_backups import (
    STRUCTURE,
    comment_html,
    current_schema,
    old_schema,
    takeout_zip,
    walk,
    what_readers_keep,
    without_deleted,
)


def import_blog(path, *args) -> str:
    out = StringIO()
    call_command("import_blog", str(path), *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def export_backup() -> bytes:
    out = StringIO()
    call_command("export_blog", "--format", "blogger", stdout=out)
    return out.getvalue().encode()


def read_structure(feed: bytes) -> list[dict]:
    """A backup read back into the shape of the hand-written structure, to compare."""
    entries = list(blogger.entries(io.BytesIO(feed)))
    comments = [e for e in entries if e.kind == "comment"]
    by_reply: dict[str, list] = {}
    for entry in comments:
        by_reply.setdefault(entry.reply_to or "post-" + entry.post_id, []).append(entry)

    def tree(key):
        return [
            {
                "id": e.id,
                "published": e.published,
                "body_html": e.html,
                "author": e.author or None,
                "status": e.status.upper(),
                "replies": tree(e.id),
            }
            for e in sorted(by_reply.get(key, []), key=lambda e: e.published)
        ]

    return [
        {
            "id": e.id,
            "title": e.title,
            "published": e.published,
            "path": e.path,
            "labels": sorted(e.labels),
            "paragraphs": paragraphs(e.html),
            "comments": tree("post-" + e.id),
        }
        for e in entries
        if e.kind == "post"
    ]


def as_exported(structure) -> list[dict]:
    """The hand-written structure in read_structure's shape."""

    def tree(comments):
        return [
            {
                "id": c["id"],
                "published": datetime.fromisoformat(c["published"]),
                "body_html": comment_html(c["body"]),
                "author": c["author"],
                "status": c["status"],
                "replies": tree(c["replies"]),
            }
            for c in comments
        ]

    return [
        {
            "id": p["id"],
            "title": p["title"],
            "published": datetime.fromisoformat(p["published"]),
            "path": p["path"],
            "labels": sorted(p["labels"]),
            "paragraphs": p["paragraphs"],
            "comments": tree(p["comments"]),
        }
        for p in structure
    ]


def snapshot() -> tuple:
    posts = list(Post.objects.order_by("pk").values())
    comments = list(Comment.objects.order_by("pk").values())
    labels = list(Post.labels.through.objects.order_by("pk").values())
    return posts, comments, labels


@pytest.fixture
def current_backup(tmp_path):
    path = tmp_path / "feed.atom"
    path.write_bytes(current_schema(STRUCTURE))
    return path


def test_a_current_backup_imported_then_exported_gives_back_what_readers_keep(db, current_backup):
    import_blog(current_backup)
    assert read_structure(export_backup()) == as_exported(what_readers_keep(STRUCTURE))


def test_an_old_export_imported_then_exported_gives_back_what_readers_keep(db, tmp_path):
    structure = without_deleted(STRUCTURE)
    path = tmp_path / "blog-10-28-2014.xml"
    path.write_bytes(old_schema(structure))
    import_blog(path)
    assert read_structure(export_backup()) == as_exported(what_readers_keep(structure))


def test_the_exported_backup_imports_into_an_empty_archive_as_the_same_archive(
    db, current_backup, tmp_path
):
    import_blog(current_backup)
    first = export_backup()
    Post.objects.all().delete()
    Label.objects.all().delete()
    again = tmp_path / "exported.atom"
    again.write_bytes(first)
    import_blog(again)
    assert export_backup() == first


def test_a_takeout_zip_is_imported_like_the_feed_it_holds(db, tmp_path):
    path = tmp_path / "takeout-20261202T103700Z-001.zip"
    path.write_bytes(takeout_zip(current_schema(STRUCTURE)))
    import_blog(path)
    assert read_structure(export_backup()) == as_exported(what_readers_keep(STRUCTURE))


def test_a_backup_is_known_by_its_content_whatever_its_name(db, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_bytes(current_schema(STRUCTURE))
    import_blog(path)
    assert Post.objects.filter(blogger_id="1001").exists()


def test_importing_the_same_backup_again_changes_nothing(db, current_backup):
    import_blog(current_backup)
    before = snapshot()
    output = import_blog(current_backup)
    assert snapshot() == before
    assert "0 new post(s), 0 new comment(s)" in output


def test_drafts_stay_out_of_the_archive(db, current_backup, client):
    import_blog(current_backup)
    assert not Post.objects.filter(title="Unfinished Thoughts").exists()
    assert "Unfinished Thoughts" not in client.get("/").content.decode()
    assert not Label.objects.filter(name="Drafts").exists()


def test_a_deleted_comment_with_replies_stands_as_a_placeholder_that_keeps_them(
    db, current_backup, client
):
    import_blog(current_backup)
    removed = Comment.objects.get(blogger_id="2006")
    reply = Comment.objects.get(blogger_id="2007")
    assert removed.status == Comment.Status.REMOVED
    assert reply.parent == removed and reply.is_published
    page = client.get(removed.post.get_absolute_url()).content.decode()
    assert "This comment has been removed by a moderator." in page
    assert "Something the author took back." not in page
    assert "A reply that stays." in page


def test_a_deleted_comment_without_replies_is_left_out(db, current_backup):
    import_blog(current_backup)
    assert not Comment.objects.filter(blogger_id="2008").exists()


def test_anonymous_comments_stay_anonymous_and_named_ones_keep_the_name(db, current_backup):
    import_blog(current_backup)
    assert Comment.objects.get(blogger_id="2001").author_name == ""
    assert Comment.objects.get(blogger_id="2002").author_name == "Probation Officer"


def test_times_are_kept_to_the_second_and_shown_in_uk_time(db, current_backup, client):
    import_blog(current_backup)
    summer = Comment.objects.get(blogger_id="2001")
    winter = Comment.objects.get(blogger_id="2002")
    assert summer.created == datetime.fromisoformat("2014-10-26T00:59:59Z")
    assert winter.created == datetime.fromisoformat("2014-10-26T01:00:01Z")
    page = client.get(summer.post.get_absolute_url()).content.decode()
    # 00:59:59 UTC was 01:59:59 BST; two seconds later the clocks had gone back to 01:00 GMT.
    assert "26 October 2014 at 01:59" in page
    assert "26 October 2014 at 01:00" in page


def test_a_post_published_after_midnight_uk_time_is_filed_under_its_uk_day(db, current_backup):
    import_blog(current_backup)
    post = Post.objects.get(blogger_id="1001")
    assert str(post.published) == "2014-10-26"
    assert post.published_at == datetime.fromisoformat("2014-10-25T23:30:00Z")
    assert post.get_absolute_url() == "/2014/10/the-clocks-go-back/"


def test_a_post_keeps_its_old_address_and_blogger_id(db, current_backup):
    import_blog(current_backup)
    post = Post.objects.get(title="The Clocks Go Back")
    assert (post.blogger_id, post.old_path) == ("1001", "/2014/10/the-clocks-go-back.html")
    assert Comment.objects.filter(post=post).exclude(blogger_id="").count() == 8


def test_a_post_page_lists_its_labels_and_a_label_page_lists_its_posts(db, current_backup, client):
    import_blog(current_backup)
    post = Post.objects.get(blogger_id="1001")
    page = client.get(post.get_absolute_url()).content.decode()
    tr = Label.objects.get(name="TR")
    assert f'<a href="/label/{tr.slug}/" rel="tag">TR</a>' in page
    label_page = client.get(f"/label/{tr.slug}/").content.decode()
    assert "The Clocks Go Back" in label_page and "Summer Again" in label_page
    omnishambles = client.get("/label/omnishambles/").content.decode()
    assert "The Clocks Go Back" in omnishambles and "Summer Again" not in omnishambles


def test_a_label_page_that_does_not_exist_is_not_found(db, client):
    assert client.get("/label/nothing-here/").status_code == 404


def test_a_post_s_links_are_kept_as_links(db, current_backup, client):
    import_blog(current_backup)
    page = client.get("/2014/10/the-clocks-go-back/").content.decode()
    assert 'href="https://example.org/report"' in page


def test_every_comment_of_the_structure_that_readers_keep_is_published_once(db, current_backup):
    import_blog(current_backup)
    kept = [c["id"] for p in what_readers_keep(STRUCTURE) for c in walk(p["comments"])]
    stored = list(Comment.objects.values_list("blogger_id", flat=True))
    assert sorted(stored) == sorted(kept)


def test_a_dry_run_checks_the_backup_and_writes_nothing(db, current_backup):
    output = import_blog(current_backup, "--dry-run")
    assert "Nothing was written" in output
    assert not Post.objects.exists() and not Comment.objects.exists()


def test_a_backup_of_many_posts_read_ahead_by_a_helper_imports_every_comment(db, tmp_path):
    from bench import backup_archive

    path = tmp_path / "feed.atom"
    backup_archive.write(path, 60, 240)
    output = import_blog(path)
    assert "60 new post(s)" in output
    live = {
        e.id for e in blogger.entries(path.open("rb")) if e.kind == "comment" and e.status == "live"
    }
    published = Comment.objects.filter(status=Comment.Status.PUBLISHED)
    assert set(published.values_list("blogger_id", flat=True)) == live


def test_a_backup_big_enough_to_start_its_helper_early_imports_every_comment(
    db, tmp_path, monkeypatch
):
    from bench import backup_archive
    from forum.importing import backup_threads

    path = tmp_path / "feed.atom"
    backup_archive.write(path, 20, 80)
    monkeypatch.setattr(backup_threads, "EARLY_HELPER_FROM", path.stat().st_size)
    import_blog(path)
    live = {
        e.id for e in blogger.entries(path.open("rb")) if e.kind == "comment" and e.status == "live"
    }
    published = Comment.objects.filter(status=Comment.Status.PUBLISHED)
    assert set(published.values_list("blogger_id", flat=True)) == live


def test_two_posts_of_one_day_with_one_title_both_keep_their_place(db, tmp_path):
    twins = [
        {
            **STRUCTURE[2],
            "id": str(n),
            "path": f"/2015/03/u-{n}.html",
            "title": "Update",
            "comments": [],
        }
        for n in (7001, 7002)
    ]
    path = tmp_path / "feed.atom"
    path.write_bytes(current_schema(twins))
    import_blog(path)
    import_blog(path)
    titles = sorted(Post.objects.values_list("blogger_id", "title"))
    assert titles == [("7001", "Update"), ("7002", "Update (2)")]


def test_a_post_without_a_title_is_imported_as_untitled(db, tmp_path):
    path = tmp_path / "feed.atom"
    path.write_bytes(current_schema([{**STRUCTURE[2], "title": ""}]))
    import_blog(path)
    assert Post.objects.get().title == "Untitled"


def test_finding_a_backup_s_posts_reads_no_whole_table_of_posts(db, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("reads SQLite's query plans")
    from bench import backup_archive

    path = tmp_path / "feed.atom"
    backup_archive.write(path, 12, 24)
    with CaptureQueriesContext(connection) as queries:
        import_blog(path)
    lookups = [q["sql"] for q in queries if q["sql"].startswith("SELECT") and "_post" in q["sql"]]
    assert lookups
    with connection.cursor() as cursor:
        for sql in lookups:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            steps = [row[-1] for row in cursor.fetchall()]
            assert not any(step.startswith("SCAN blogarchive_post") for step in steps), sql


def test_a_backup_is_written_with_a_bigger_sqlite_cache_and_the_old_one_after(db, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's page cache")
    from forum.importing.backup_import import SQLITE_CACHE_KIB, import_backup

    def cache_size() -> int:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            return cursor.fetchone()[0]

    path = tmp_path / "feed.atom"
    path.write_bytes(current_schema(STRUCTURE))
    before, while_written = cache_size(), []
    import_backup(path, progress=lambda *_: while_written.append(cache_size()))
    assert while_written and set(while_written) == {-SQLITE_CACHE_KIB}
    assert cache_size() == before != -SQLITE_CACHE_KIB


def test_labels_attached_in_batches_reach_every_post(db, tmp_path, monkeypatch):
    from bench import backup_archive
    from forum.importing import backup_import

    monkeypatch.setattr(backup_import, "LABEL_ROWS", 7)
    path = tmp_path / "feed.atom"
    backup_archive.write(path, 60, 120)
    import_blog(path)
    labelled = Post.objects.filter(labels__isnull=False).distinct()
    assert labelled.count() == Post.objects.count() == 60
    assert Post.labels.through.objects.count() == 60
