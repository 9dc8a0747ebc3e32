"""The one table of comment transitions, and the services and pages that go through it."""

import pytest

from forum import transitions
from forum.models import Comment
from forum.transitions import MOVES, NEW, Actor, first_state, move_between, permits
from moderation import services
from moderation.models import Decision
from tests.factories import make_comment

Action = Decision.Action
COMMENTS = "/admin/forum/comment/"
QUEUE = "/admin/moderation/pendingcomment/"
NOT_MODERATORS = [actor for actor in Actor if actor != Actor.MODERATOR]


def post_own(client, post, body: str, address: str = "10.4.0.1") -> Comment:
    """Post a comment from this browser, which then owns it."""
    client.post(post.get_absolute_url(), {"body": body}, REMOTE_ADDR=address)
    return Comment.objects.get(body=body)


def act(moderator_client, action: str, comment: Comment, url: str = QUEUE):
    data = {"action": action, "_selected_action": [comment.pk], "index": 0}
    return moderator_client.post(url, data, follow=True)


@pytest.mark.parametrize("actor", NOT_MODERATORS)
@pytest.mark.parametrize("status", [Comment.Status.REJECTED, Comment.Status.SPAM])
def test_only_a_moderator_may_move_a_comment_a_moderator_turned_down(actor, status):
    assert [name for name in MOVES if permits(name, actor, status)] == []


@pytest.mark.parametrize("status", [Comment.Status.PENDING, Comment.Status.PUBLISHED])
def test_an_author_may_delete_a_pending_or_published_comment(status):
    assert permits("delete_own", Actor.AUTHOR, status)


@pytest.mark.parametrize(
    "status", [Comment.Status.REJECTED, Comment.Status.SPAM, Comment.Status.REMOVED]
)
def test_an_author_may_not_delete_what_is_already_decided_or_removed(status):
    assert not permits("delete_own", Actor.AUTHOR, status)


def test_readers_reports_may_only_hide_a_published_comment():
    readers = {
        name for name in MOVES if any(permits(name, Actor.READERS, s) for s in Comment.Status)
    }

    assert readers == {"hide"}
    assert MOVES["hide"].sources == {Comment.Status.PUBLISHED}


def test_undoing_a_decision_is_a_moderators_move_only():
    assert (
        move_between(Comment.Status.REJECTED, Comment.Status.PENDING, Actor.MODERATOR) == "reopen"
    )
    assert (
        move_between(Comment.Status.REJECTED, Comment.Status.PUBLISHED, Actor.MODERATOR)
        == "reinstate"
    )
    for actor in NOT_MODERATORS:
        assert move_between(Comment.Status.REJECTED, Comment.Status.PENDING, actor) is None
        assert move_between(Comment.Status.REJECTED, Comment.Status.PUBLISHED, actor) is None


def test_only_screening_and_the_importer_create_comments_and_each_only_as_allowed():
    assert first_state("hold", Actor.SYSTEM) == Comment.Status.PENDING
    assert first_state("import_removed", Actor.IMPORTER) == Comment.Status.REMOVED
    with pytest.raises(transitions.NotAllowed):
        first_state("import_removed", Actor.SYSTEM)
    assert not any(permits(name, Actor.AUTHOR, NEW) for name in MOVES)


def test_the_author_cannot_delete_a_comment_a_moderator_rejected(a_post, client, a_moderator):
    mine = post_own(client, a_post, "Something rude about the SPO.")
    services.decide([mine.pk], Action.REJECT, moderator=a_moderator)

    response = client.post(f"/comments/{mine.pk}/delete/", follow=True)

    mine.refresh_from_db()
    assert (mine.status, mine.removed_by) == (Comment.Status.REJECTED, Comment.RemovedBy.MODERATOR)
    assert not mine.decisions.filter(action=Action.AUTHOR_DELETE).exists()
    assert "A moderator has removed this comment" in response.content.decode()


def test_a_taken_down_comment_keeps_the_moderators_placeholder_whatever_its_author_does(
    a_post, client, moderator_client, open_forum
):
    mine = post_own(client, a_post, "A point that went too far.")
    make_comment(post=a_post, parent=mine, body="A reply that stays.")
    act(moderator_client, "reject_selected", mine, url=COMMENTS)

    client.post(f"/comments/{mine.pk}/delete/")

    page = client.__class__().get(a_post.get_absolute_url()).content.decode()
    assert "This comment has been removed by a moderator." in page
    assert "removed by the author" not in page
    assert "A reply that stays." in page


def test_the_author_may_still_delete_their_pending_comment(a_post, client):
    mine = post_own(client, a_post, "On second thoughts.")

    client.post(f"/comments/{mine.pk}/delete/")

    mine.refresh_from_db()
    assert (mine.status, mine.removed_by) == (Comment.Status.REMOVED, Comment.RemovedBy.AUTHOR)


def test_a_moderator_undoes_a_take_down_and_the_comment_is_published_again(
    a_post, moderator_client, a_moderator
):
    comment = make_comment(post=a_post, body="Taken down by mistake.")
    act(moderator_client, "reject_selected", comment, url=COMMENTS)
    decision = Decision.objects.get(comment=comment)

    moderator_client.post(f"/admin/moderation/decision/undo/?ids={decision.pk}")

    comment.refresh_from_db()
    assert (comment.status, comment.removed_by) == (
        Comment.Status.PUBLISHED,
        Comment.RemovedBy.NOBODY,
    )
    assert comment.decisions.first().action == Action.UNDO


def test_an_undo_cannot_bring_back_a_comment_its_author_deleted_since(a_post, client, a_moderator):
    mine = post_own(client, a_post, "Approved, then deleted.")
    services.decide([mine.pk], Action.APPROVE, moderator=a_moderator)
    approval = Decision.objects.get(comment=mine)
    client.post(f"/comments/{mine.pk}/delete/")

    assert services.undo(approval, moderator=a_moderator) is False
    mine.refresh_from_db()
    assert mine.status == Comment.Status.REMOVED


def test_a_decision_cannot_reach_past_the_table_whatever_a_screen_allows(a_post, a_moderator):
    removed = make_comment(post=a_post, body="Gone.", status=Comment.Status.REMOVED)
    too_wide = {Action.APPROVE: (frozenset(Comment.Status.values), Comment.Status.PUBLISHED)}

    outcome = services.decide([removed.pk], Action.APPROVE, moderator=a_moderator, allowed=too_wide)

    assert outcome.already == {removed.pk: Comment.Status.REMOVED}
    removed.refresh_from_db()
    assert removed.status == Comment.Status.REMOVED


def test_a_moderator_corrects_the_text_and_the_status_stays(a_published_comment, a_moderator):
    services.correct_text(a_published_comment, "Corrected.", moderator=a_moderator)

    a_published_comment.refresh_from_db()
    assert (a_published_comment.body, a_published_comment.status) == (
        "Corrected.",
        Comment.Status.PUBLISHED,
    )
    assert a_published_comment.decisions.get().old_body.startswith("I think more")
