"""Fill a migrated database with the synthetic archive, through the forum's own services and ORM.

    python -m bench.data SIZES_JSON MANIFEST_PATH   (Django's settings from the environment)

The threads read and replied to go in through forum.services.import_thread, as the importer
writes them; the moderation queue's pending comments are bulk-created, each its own tree, as
submit_comment would have left them. The manifest says where everything is.
"""

import json
import random
import sys
from datetime import timedelta
from pathlib import Path

import django

from bench import shapes
from bench.sizes import Sizes


def main(sizes: Sizes, manifest_path: Path) -> None:
    django.setup()
    from django.db import transaction

    with transaction.atomic():
        _open_the_gates()
        posts = _posts(sizes.posts)
        manifest = {"pages": {}, "replies": {}}
        for n, post in zip(sizes.pages, posts, strict=False):
            manifest["pages"][str(n)] = _thread(post, n)
        for n, post in zip(sizes.replies, posts[len(sizes.pages) :], strict=False):
            manifest["replies"][str(n)] = _thread(post, n) | {"parent": _worst_parent(post)}
        _pending(sizes.pending, posts[len(sizes.pages) + len(sizes.replies) :])
        manifest["moderator"] = _moderator()
    analyze()
    manifest_path.write_text(json.dumps(manifest, indent=1))


def analyze() -> None:
    """Give the planner its statistics after the bulk load: PostgreSQL's autovacuum would have
    done it (and cleared the dead rows) long before a production database held this much, and
    SQLite, which has none, needs them to read the queue off its own index."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")


def _open_the_gates() -> None:
    """No rate limit, no holding: the bench posts many replies at once from one address."""
    from moderation.models import ModerationPolicy

    policy = ModerationPolicy.current()
    policy.mode = ModerationPolicy.Mode.NEVER
    policy.min_seconds_between = 0
    policy.max_per_hour = 10**9
    policy.close_after_days = None
    policy.save()


def _posts(count: int) -> list:
    from django.utils.text import slugify

    from blogarchive.models import Post

    posts = [
        Post(
            title=p.title,
            slug=slugify(p.title)[:100],
            published=p.published,
            paragraphs=p.paragraphs,
        )
        for p in shapes.posts(count)
    ]
    return Post.objects.bulk_create(posts, batch_size=500)


def _thread(post, total: int) -> dict:
    from forum import services

    services.import_thread(post=post, roots=shapes.thread(total, seed=total))
    return {"post": post.pk, "url": post.get_absolute_url(), "comments": total}


def _worst_parent(post) -> int:
    """The published comment whose reply moves most of a tree: the first leaf of the largest
    conversation (a reply is numbered after its parent's subtree, so everything after shifts)."""
    from django.db.models import F

    from forum.models import Comment

    comments = Comment.objects.filter(post=post)
    largest = comments.filter(level=0).order_by(F("lft") - F("rght"), "tree_id").first()
    leaf = comments.published().filter(tree_id=largest.tree_id).order_by("rght").first()
    return leaf.pk


def _pending(count: int, posts: list) -> None:
    """The moderation queue: held comments on older posts, a few of them reported."""
    from django.db.models import Max
    from django.utils import timezone

    from forum import markup
    from forum.models import Comment
    from moderation.models import Report

    rng = random.Random(2)
    bodies = [shapes.body_text(rng) for _ in range(300)]
    rendered = [(body, markup.render(body)) for body in bodies]
    commenters = [f"{rng.getrandbits(128):032x}" for _ in range(2_000)]
    next_tree = (Comment.objects.aggregate(top=Max("tree_id"))["top"] or 0) + 1
    now = timezone.now()
    comments = []
    for i in range(count):
        body, html = rng.choice(rendered)
        comments.append(
            Comment(
                post=posts[i % len(posts)],
                body=body,
                body_html=html,
                author_name=rng.choice(shapes.NAMES) if rng.random() < 0.3 else "",
                created=now - timedelta(minutes=count - i),
                status=Comment.Status.PENDING,
                hold_reason="moderation is on: Always: hold every comment for a moderator",
                commenter=rng.choice(commenters),
                tree_id=next_tree + i,
                lft=1,
                rght=2,
                level=0,
            )
        )
    created = Comment.objects.bulk_create(comments, batch_size=2_000)
    reported = created[:: max(len(created) // 500, 1)]
    Report.objects.bulk_create(
        Report(comment=c, reporter=f"reader{i}", reason="offensive") for i, c in enumerate(reported)
    )


def _moderator() -> str:
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("bench", "bench@localhost", "bench-only-password")
    return "bench"


if __name__ == "__main__":
    main(Sizes.from_json(sys.argv[1]), Path(sys.argv[2]))
