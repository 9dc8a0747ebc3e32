"""The seed posts imported from their text captures, then from a Blogger backup: one archive."""

import datetime
from io import StringIO
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from django.conf import settings
from django.core.management import call_command

from blogarchive import parsing
from blogarchive.dates import LONDON
from blogarchive.models import Post
from forum.models import Comment
from tests.blogarchive.blogger_backups import comment, current_schema

SEEDS = Path(settings.BASE_DIR) / "data" / "seeds"


def seed_posts() -> list[parsing.ParsedPost]:
    pages = sorted(SEEDS.glob("*.txt"))
    return [post for page in pages for post in parsing.parse_page(page.read_text()).posts]


def seed_comment(parsed: parsing.ParsedComment, ids, clock: list) -> dict:
    """A captured comment as the backup has it: a capture gives the minute (or no time), the
    backup the second. Comments a capture gives no time are put a minute apart, in page order."""
    clock[0] = parsed.created or clock[0] + datetime.timedelta(minutes=1)
    moment = clock[0] + datetime.timedelta(seconds=37)
    return comment(
        str(next(ids)),
        moment.astimezone(datetime.UTC).isoformat(),
        parsed.body,
        author=parsed.author,
        status="DELETED" if parsed.removed else "LIVE",
        replies=[seed_comment(reply, ids, clock) for reply in parsed.replies],
    )


def backup_of_seeds(*, extra_reply: bool = False) -> list[dict]:
    """The seeds as Blogger's backup holds them: ids, and times to the second."""
    ids = iter(range(60000, 70000))
    structure = []
    for number, post in enumerate(seed_posts()):
        noon = datetime.datetime.combine(post.published, datetime.time(12), LONDON)
        clock = [datetime.datetime.combine(post.published, datetime.time(0), LONDON)]
        comments = [seed_comment(parsed, ids, clock) for parsed in post.comments]
        if extra_reply and number == 0:
            comments[0]["replies"].append(
                comment(str(next(ids)), "2030-01-01T10:00:00Z", "A reply the capture missed.")
            )
        structure.append(
            {
                "id": str(5000 + number),
                "title": post.title,
                "published": noon.astimezone(datetime.UTC).isoformat(),
                "path": f"/{post.published:%Y/%m}/seed-{number}.html",
                "labels": ["Seeds"],
                "status": "LIVE",
                "html": "".join(f"<p>{escape(p)}</p>" for p in post.paragraphs),
                "comments": comments,
            }
        )
    return structure


def tree_shape() -> list[tuple]:
    return list(
        Comment.objects.order_by("pk").values_list("pk", "post_id", "parent_id", "body", "status")
    )


@pytest.fixture
def seeds_then_backup(db, tmp_path):
    call_command("import_blog", stdout=StringIO())
    shape = tree_shape()
    backup = tmp_path / "feed.atom"
    backup.write_bytes(current_schema(backup_of_seeds()))
    output = StringIO()
    call_command("import_blog", str(backup), stdout=output)
    return shape, backup, output.getvalue()


def test_the_backup_adds_no_post_and_no_comment_to_the_seeds(seeds_then_backup):
    shape, _backup, output = seeds_then_backup
    assert "0 new post(s), 0 new comment(s)" in output
    assert tree_shape() == shape
    assert Post.objects.count() == len(seed_posts())


def test_every_seed_post_and_comment_is_completed_with_its_blogger_id(seeds_then_backup):
    assert not Post.objects.filter(blogger_id="").exists()
    assert not Post.objects.filter(old_path="").exists()
    assert not Comment.objects.filter(blogger_id="").exists()
    assert all(post.labels.filter(name="Seeds").exists() for post in Post.objects.all())


def test_a_seed_comment_takes_the_backup_s_time_to_the_second(seeds_then_backup):
    minute = datetime.datetime(2015, 12, 21, 10, 55, tzinfo=LONDON)
    stamped = Comment.objects.get(
        author_name="Probation Officer",
        created__range=(minute, minute + datetime.timedelta(seconds=59)),
    )
    assert stamped.created == minute + datetime.timedelta(seconds=37)


def test_importing_the_backup_again_after_the_seeds_changes_nothing(seeds_then_backup):
    _shape, backup, _output = seeds_then_backup
    before = list(Comment.objects.order_by("pk").values())
    posts = list(Post.objects.order_by("pk").values())
    call_command("import_blog", str(backup), stdout=StringIO())
    assert list(Comment.objects.order_by("pk").values()) == before
    assert list(Post.objects.order_by("pk").values()) == posts


def test_a_reply_only_the_backup_has_joins_the_seed_thread_where_it_belongs(db, tmp_path):
    call_command("import_blog", stdout=StringIO())
    count = Comment.objects.count()
    backup = tmp_path / "feed.atom"
    backup.write_bytes(current_schema(backup_of_seeds(extra_reply=True)))
    call_command("import_blog", str(backup), stdout=StringIO())
    assert Comment.objects.count() == count + 1
    added = Comment.objects.get(body="A reply the capture missed.")
    first_of_thread = Comment.objects.filter(post=added.post, parent=None).order_by("tree_id")[0]
    assert added.parent == first_of_thread
    assert added.blogger_id and added.is_published
