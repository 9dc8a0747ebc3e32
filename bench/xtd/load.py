"""Load the same posts and threads (bench.shapes, same seeds) into the django-comments-xtd blog.

    python -m bench.xtd.load SIZES_JSON MANIFEST_PATH   (in bench/.venv-xtd, after migrate)

XtdComment is a multi-table child of django_comments' Comment, which bulk_create refuses, so
each row is saved, but through Model.save with the thread numbers computed here: XtdComment's
own save() would renumber the thread on every insert.
"""

import json
import sys
from itertools import count
from pathlib import Path

import django

from bench import shapes
from bench.data import analyze
from bench.sizes import Sizes


def main(sizes: Sizes, manifest_path: Path) -> None:
    django.setup()
    from django.db import transaction

    with transaction.atomic():
        posts = _posts(sizes.posts)
        ids = count(1)
        manifest = {"pages": {}}
        for n, post in zip(sizes.pages, posts, strict=False):
            if n not in sizes.xtd_pages:
                continue
            for root in shapes.thread(n, seed=n):
                _save_conversation(post, root, ids)
            manifest["pages"][str(n)] = {"url": post.get_absolute_url(), "comments": n}
    analyze()
    manifest_path.write_text(json.dumps(manifest, indent=1))


def _posts(total: int) -> list:
    from django.utils.text import slugify

    from bench.xtd.models import Post

    rows = [
        Post(
            title=p.title,
            slug=slugify(p.title)[:100],
            published=p.published,
            paragraphs=p.paragraphs,
        )
        for p in shapes.posts(total)
    ]
    return Post.objects.bulk_create(rows, batch_size=500)


def _save_conversation(post, root: shapes.Node, ids) -> None:
    """One top-level comment and its replies, numbered as XtdComment would number them."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import models
    from django_comments_xtd.models import XtdComment

    content_type = ContentType.objects.get_for_model(post)
    thread_id = None
    parents: dict[int, int] = {}
    for order, (node, level) in enumerate(shapes.walk([root]), start=1):
        pk = next(ids)
        thread_id = thread_id or pk
        for reply in node.replies:
            parents[id(reply)] = pk
        comment = XtdComment(
            id=pk,
            content_type=content_type,
            object_pk=str(post.pk),
            site_id=1,
            user_name=node.author or "Anonymous",
            comment=node.body,
            submit_date=node.created,
            is_public=True,
            is_removed=node.removed is not None,
            thread_id=thread_id,
            parent_id=parents.get(id(node), pk),
            level=level,
            order=order,
            nested_count=shapes.count(node.replies),
        )
        comment.comment_ptr_id = pk
        models.Model.save(comment, force_insert=True)


if __name__ == "__main__":
    main(Sizes.from_json(sys.argv[1]), Path(sys.argv[2]))
