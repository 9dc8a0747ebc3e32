"""Writing a reader's comment into its thread: the tree stays sound whatever moved meanwhile."""

from forum import services
from forum.models import Comment


def _tree(post) -> list[tuple[str, int, int, int]]:
    rows = Comment.objects.filter(post=post).order_by("tree_id", "lft")
    return list(rows.values_list("body", "lft", "rght", "level"))


def _reply(parent: Comment, body: str) -> Comment:
    return services.submit_comment(
        post=parent.post, parent=parent, author_name="", body=body, commenter=body
    )


def test_a_reply_is_numbered_from_where_its_parent_is_now_not_where_it_was_read(
    a_published_comment, moderation_off
):
    as_read = Comment.objects.get(pk=a_published_comment.pk)
    # Someone else's reply lands after the parent was read: the parent's rght moves.
    _reply(Comment.objects.get(pk=a_published_comment.pk), "First.")

    _reply(as_read, "Second.")

    assert _tree(a_published_comment.post) == [
        (a_published_comment.body, 1, 6, 0),
        ("First.", 2, 3, 1),
        ("Second.", 4, 5, 1),
    ]
