import datetime
import json
import pickle
import re
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from blogarchive.models import Post
from forum.importing import importer
from forum.importing.importer import import_file
from forum.models import Comment
from tests.factories import make_post

SEEDS = Path(__file__).resolve().parents[2] / "data" / "seeds"
SEED_COUNTS = {
    "000_4b34ee96ce484cb9.txt": ("The Waiting Game 2", 63),
    "001_f2ce7a70528780ac.txt": ("Re-nationalisation?", 25),
    "002_ecdb575820ffe45e.txt": ("Reunification Is Coming!", 17),
    "003_cc3877ba95a5ea30.txt": ("Probation System Review", 38),
}


def run_import(*paths, **options) -> str:
    out = StringIO()
    call_command("import_blog", *map(str, paths), stdout=out, stderr=out, **options)
    return out.getvalue()


def export() -> list[dict]:
    out = StringIO()
    call_command("export_blog", stdout=out)
    return json.loads(out.getvalue())


def count(comments: list[dict]) -> int:
    return sum(1 + count(c["replies"]) for c in comments)


@pytest.mark.parametrize(("name", "expected"), SEED_COUNTS.items())
def test_each_seed_page_imports_as_many_comments_as_it_says(db, name, expected):
    title, comments = expected
    run_import(SEEDS / name)

    post = Post.objects.get(title=title)
    assert post.comments.count() == comments
    assert post.comments.published().count() == comments


def test_the_default_import_loads_every_bundled_seed(db):
    output = run_import()

    assert Post.objects.count() == 13
    assert Comment.objects.count() == 63 + 25 + 17 + 38
    assert "13 new post(s), 143 new comment(s)" in output


def test_named_commenters_keep_their_name_and_time(db):
    run_import(SEEDS / "001_f2ce7a70528780ac.txt")

    named = Comment.objects.filter(author_name="Probation Officer").order_by("created")
    assert [c.created.isoformat() for c in named] == [
        "2015-12-21T10:49:00+00:00",
        "2015-12-21T10:55:00+00:00",
    ]
    assert named[0].parent is None
    assert named[1].parent is not None and named[1].level == 1
    assert Comment.objects.filter(author_name="", created__isnull=True).count() == 23


def test_replies_keep_their_parent(db):
    run_import(SEEDS / "000_4b34ee96ce484cb9.txt")

    first = Comment.objects.get(import_key="1")
    assert first.body.startswith("I think more needs to be said about burn out")
    replies = list(first.get_children())
    assert [r.import_key for r in replies] == ["1.1", "1.2", "1.3"]
    assert replies[2].body.startswith("I'm anon 12:51")
    assert Comment.objects.filter(parent__isnull=True).count() == 32


def test_the_archive_page_yields_its_posts_on_their_dates(db):
    output = run_import(SEEDS / "004_99abbdc2b388a286.txt")

    posts = {(p.published.isoformat(), p.title) for p in Post.objects.all()}
    assert ("2014-09-17", "A Sad Fact of Life") in posts
    assert ("2014-09-17", "Some Reflections") in posts
    assert ("2014-09-13", "Guest Blog 7") in posts
    assert not any(title == "The Domestic Violence Question" for _, title in posts)
    guest = Post.objects.get(title="Guest Blog 7")
    assert guest.paragraphs[0] == "The Domestic Violence Question"
    assert "'The Domestic Violence Question': not a post" in output


def test_a_curators_titles_file_overrides_the_layout_rules(db, tmp_path):
    page = tmp_path / "archive.txt"
    shutil.copy(SEEDS / "004_99abbdc2b388a286.txt", page)
    titles = [
        "A Sad Fact of Life",
        "Messages From the Top",
        "Core Values and Ethical Principles",
        "You Are a Deviant. Be proud",
        "TR Week Fifteen",
        "Guest Blog 7",
        "The Domestic Violence Question",
        "Omnishambles Update 70",
        "Latest From Napo 39",
    ]
    page.with_suffix(".titles").write_text("# decided by hand\n" + "\n".join(titles) + "\n")

    output = run_import(page)

    assert set(Post.objects.values_list("title", flat=True)) == set(titles)
    assert "titles from" in output


def test_a_second_import_changes_nothing(db):
    run_import()
    before = export()
    ids = sorted(Comment.objects.values_list("pk", flat=True))

    output = run_import()

    assert export() == before
    assert sorted(Comment.objects.values_list("pk", flat=True)) == ids
    assert "0 new post(s), 0 new comment(s)" in output


def test_the_export_matches_the_page(db):
    run_import(SEEDS / "001_f2ce7a70528780ac.txt")

    [post] = export()

    assert post["published"] == "2015-12-21"
    assert post["title"] == "Re-nationalisation?"
    assert post["url"] == "/2015/12/re-nationalisation/"
    assert post["paragraphs"][0].startswith("At least we can rely on Mark Leftly")
    assert count(post["comments"]) == 25
    reply = post["comments"][0]["replies"][0]
    assert reply["author"] == "Probation Officer"
    assert reply["created"] == "2015-12-21T10:55:00+00:00"
    assert reply["status"] == "approved"
    assert post["comments"][1]["author"] == "Probation Officer"
    assert post["comments"][2]["author"] is None


def test_a_malformed_file_is_reported_with_its_line_and_nothing_of_it_is_written(db, tmp_path):
    good = tmp_path / "a_good.txt"
    shutil.copy(SEEDS / "003_cc3877ba95a5ea30.txt", good)
    bad = tmp_path / "b_bad.txt"
    lines = (SEEDS / "000_4b34ee96ce484cb9.txt").read_text().splitlines()
    # Renumber the third top-level comment: the thread no longer adds up.
    third = next(i for i, line in enumerate(lines) if line.startswith("  3. "))
    lines[third] = lines[third].replace("  3. ", "  4. ", 1)
    bad.write_text("\n".join(lines) + "\n")

    with pytest.raises(CommandError, match="1 of 2 file"):
        run_import(tmp_path)

    assert not Post.objects.filter(title="The Waiting Game 2").exists()
    assert Post.objects.filter(title="Probation System Review").exists()


def test_a_malformed_file_prints_file_and_line(db, tmp_path, capsys):
    bad = tmp_path / "bad.txt"
    bad.write_text("Tuesday, 28 October 2014\n\nA title\n\nBody.\n\n2 comments:\n\n  1. Hi\n")
    err = StringIO()

    with pytest.raises(CommandError):
        call_command("import_blog", str(bad), stdout=StringIO(), stderr=err)

    assert f"{bad}:" in err.getvalue()
    assert not Post.objects.exists()


def test_a_count_mismatch_names_the_file(db, tmp_path):
    page = tmp_path / "short.txt"
    text = (SEEDS / "002_ecdb575820ffe45e.txt").read_text()
    page.write_text(text.replace("17 comments:", "18 comments:"))
    err = StringIO()

    with pytest.raises(CommandError):
        call_command("import_blog", str(page), stdout=StringIO(), stderr=err)

    assert "short.txt:" in err.getvalue() and "18" in err.getvalue()
    assert not Comment.objects.exists()


def test_a_file_that_is_not_utf8_is_refused_cleanly(db, tmp_path):
    page = tmp_path / "latin1.txt"
    page.write_bytes("Tuesday, 28 October 2014\n\nCaf\xe9\n".encode("latin-1"))
    err = StringIO()

    with pytest.raises(CommandError):
        call_command("import_blog", str(page), stdout=StringIO(), stderr=err)

    assert "latin1.txt:3: not valid UTF-8" in err.getvalue()


def test_a_dry_run_writes_nothing(db):
    output = run_import(dry_run=True)

    assert "Nothing was written" in output
    assert not Post.objects.exists()


def test_a_new_page_costs_the_same_queries_however_long_its_thread(db):
    def queries_to_import(name: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            import_file(SEEDS / name)
        return len(queries)

    # 63 comments against 17: one insert per depth, not per comment.
    assert queries_to_import("000_4b34ee96ce484cb9.txt") == queries_to_import(
        "002_ecdb575820ffe45e.txt"
    )


def test_a_post_titled_like_others_in_its_month_gets_a_slug_of_its_own(db):
    title = "Reunification Is Coming!"
    make_post(title=title, slug="reunification-is-coming", published=datetime.date(2019, 4, 1))
    make_post(title=title, slug="reunification-is-coming-2", published=datetime.date(2019, 4, 2))
    make_post(title=title, slug="reunification-is-coming-3", published=datetime.date(2019, 5, 1))

    run_import(SEEDS / "002_ecdb575820ffe45e.txt")

    post = Post.objects.get(published=datetime.date(2019, 4, 17))
    assert post.slug == "reunification-is-coming-3"
    assert post.comments.count() == 17


def test_two_posts_titled_alike_in_one_month_each_answer_at_an_address_of_their_own(
    client, db, tmp_path
):
    page = "Tuesday, {day} October 2014\n\nMonday Again\n\n{body}\n\n0 comments:\n"
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text(page.format(day=7, body="The first week."))
    second.write_text(page.format(day=14, body="The second week."))

    run_import(first, second)

    earlier, later = Post.objects.filter(title="Monday Again").order_by("published")
    assert earlier.slug != later.slug
    for post, body in [(earlier, "The first week."), (later, "The second week.")]:
        response = client.get(post.get_absolute_url())
        assert response.status_code == 200
        assert body in response.content.decode()


def tree_columns() -> dict[int, tuple]:
    """Each comment's place in its tree, as django-mptt stores it."""
    columns = ("pk", "tree_id", "lft", "rght", "level", "parent")
    return {pk: place for pk, *place in Comment.objects.values_list(*columns)}


def test_the_imported_seed_threads_are_the_trees_django_mptt_would_rebuild(db):
    run_import()
    imported = tree_columns()

    # Comment.objects is the site's own manager; django-mptt's, which rebuilds, is this one.
    Comment._tree_manager.rebuild()

    assert len(imported) == 63 + 25 + 17 + 38
    assert tree_columns() == imported


def test_a_comment_added_to_a_page_already_imported_shows_on_its_kept_page(db, tmp_path):
    page = tmp_path / "page.txt"
    text = (SEEDS / "002_ecdb575820ffe45e.txt").read_text()
    page.write_text(text)
    run_import(page)
    address = Post.objects.get().get_absolute_url()
    assert "A late one." not in Client().get(address).content.decode()  # now kept
    page.write_text(
        text.replace("17 comments:", "18 comments:") + "\n  9. A late one.\n\n    ReplyDelete\n"
    )

    output = run_import(page)

    assert "0 new post(s), 1 new comment(s)" in output
    assert "A late one." in Client().get(address).content.decode()


def test_many_pages_read_ahead_in_another_process_import_the_same(db, tmp_path, monkeypatch):
    run_import()
    serial = export()
    Post.objects.all().delete()
    for page in SEEDS.glob("*.txt"):
        shutil.copy(page, tmp_path / page.name)
    bad = tmp_path / "004_bad.txt"
    bad.write_text((SEEDS / "000_4b34ee96ce484cb9.txt").read_text().replace("  3. ", "  4. ", 1))
    monkeypatch.setattr(importer, "READ_AHEAD_FROM", 2)
    monkeypatch.setattr(importer, "READ_AHEAD", 3)

    err = StringIO()
    with pytest.raises(CommandError, match="1 of 6 file"):
        call_command("import_blog", str(tmp_path), stdout=StringIO(), stderr=err)

    assert export() == serial
    assert re.search(r"004_bad\.txt:\d+: ", err.getvalue())


def test_a_failure_found_ahead_keeps_its_file_and_line():
    failure = importer.ImportFailed(Path("page.txt"), 12, "the thread does not add up")

    copy = pickle.loads(pickle.dumps(failure))

    assert (copy.path, copy.line, str(copy)) == (failure.path, 12, str(failure))


def planner_statistics_of(table: str) -> list:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if not cursor.fetchall():
            return []
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table])
        return cursor.fetchall()


def test_an_import_leaves_sqlite_statistics_of_what_it_wrote_and_a_new_database_none(db):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's planner statistics")
    # A new database: statistics of empty tables would mislead the planner through the import.
    assert planner_statistics_of("forum_comment") == []

    run_import(SEEDS)

    assert planner_statistics_of("forum_comment") != []
