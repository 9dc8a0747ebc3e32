"""export_blog --format blogger on an archive that did not come from Blogger."""

import io
from io import StringIO

from django.core.management import call_command

from blogarchive import blogger
from forum.models import Comment
from tests.factories import make_comment, make_post


def exported_entries() -> list[blogger.Entry]:
    out = StringIO()
    call_command("export_blog", "--format", "blogger", stdout=out)
    return list(blogger.entries(io.BytesIO(out.getvalue().encode())))


def test_comments_waiting_for_a_moderator_are_left_out_of_the_backup(a_post):
    make_comment(post=a_post, body="Published.")
    make_comment(post=a_post, body="Held.", status=Comment.Status.PENDING)
    bodies = [e.html for e in exported_entries() if e.kind == "comment"]
    assert bodies == ["Published."]


def test_a_rejected_comment_goes_out_deleted_and_its_reply_still_answers_it(a_post):
    rejected = make_comment(post=a_post, body="Rude.", status=Comment.Status.REJECTED)
    make_comment(post=a_post, parent=rejected, body="A calm reply.")
    first, reply = (e for e in exported_entries() if e.kind == "comment")
    assert (first.status, reply.status) == ("deleted", "live")
    assert reply.reply_to == first.id


def test_a_post_from_a_capture_gets_an_id_and_an_address_that_stay_the_same(db):
    post = make_post(title="Guest Blog 7", slug="guest-blog-7")
    make_comment(post=post, body="First.")
    first, again = exported_entries(), exported_entries()
    assert [e.id for e in first] == [e.id for e in again]
    exported_post = next(e for e in first if e.kind == "post")
    assert exported_post.path == f"/{post.published:%Y/%m}/guest-blog-7.html"
    assert next(e for e in first if e.kind == "comment").post_id == exported_post.id


def test_the_backup_can_be_written_to_a_file(a_published_comment, tmp_path):
    path = tmp_path / "feed.atom"
    call_command("export_blog", "--format", "blogger", "--output", str(path))
    kinds = [e.kind for e in blogger.entries(path.open("rb"))]
    assert kinds == ["post", "comment"]
