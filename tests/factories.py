"""Small factories for tests: real rows, written straight to the database.

Not through the site's services: no screening, no rate limit and no tree lock, so that a test
sets up exactly the rows it names (one test writes at a time).
"""

import datetime
import itertools

from django.contrib.auth.models import Group, User
from django.utils import timezone
from django.utils.text import slugify

from blogarchive.models import Label, Post
from forum import markup
from forum.models import Comment
from moderation.permissions import MODERATORS_GROUP

_numbers = itertools.count(1)


def make_post(*, title: str | None = None, published=None, **fields) -> Post:
    number = next(_numbers)
    title = title or f"Post number {number}"
    return Post.objects.create(
        title=title,
        slug=fields.pop("slug", f"post-{number}"),
        published=published or datetime.date(2014, 10, 28),
        paragraphs=fields.pop("paragraphs", [f"The body of {title}."]),
        **fields,
    )


def make_label(name: str) -> Label:
    return Label.objects.create(name=name, slug=slugify(name, allow_unicode=True))


def make_comment(
    *, post: Post, parent: Comment | None = None, body: str = "A comment.", **fields
) -> Comment:
    """Insert a comment straight into the tree (published, and posted now, unless told
    otherwise: only comments imported from captured pages lack a time)."""
    fields.setdefault("created", timezone.now())
    comment = Comment(
        post=post,
        body=body,
        body_html=markup.render(body),
        status=fields.pop("status", Comment.Status.PUBLISHED),
        **fields,
    )
    comment.insert_at(parent, position="last-child", save=True)
    return comment


def make_thread(post: Post, *, size: int, replies_per_comment: int = 3) -> list[Comment]:
    """A thread of `size` published comments: top-level comments each with a few replies."""
    made: list[Comment] = []
    while len(made) < size:
        root = make_comment(post=post, body=f"Comment {len(made)}")
        made.append(root)
        for _ in range(min(replies_per_comment, size - len(made))):
            made.append(make_comment(post=post, parent=root, body=f"Reply {len(made)}"))
    return made


def make_moderator(username: str, *, password: str = "a long passphrase") -> User:
    """A staff user in the Moderators group, with an address for the digest."""
    user = User.objects.create_user(username, f"{username}@example.org", password, is_staff=True)
    user.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    return user
