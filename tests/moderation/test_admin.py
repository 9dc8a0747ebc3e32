import html
import re
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forum.models import Comment
from moderation import reports, screening, services
from moderation.models import BlockedCommenter, Decision, ModerationPolicy, PolicyChange
from tests.factories import make_comment, make_moderator, make_post

QUEUE = reverse("admin:moderation_pendingcomment_changelist")
COMMENTS = reverse("admin:forum_comment_changelist")
DECISIONS = reverse("admin:moderation_decision_changelist")
POLICY = reverse("admin:moderation_moderationpolicy_change", args=[1])


@pytest.fixture
def another_moderator(db):
    return make_moderator("bob")


def at(hour: int) -> datetime:
    return datetime(2015, 12, 21, hour, tzinfo=UTC)


def held(post, body: str = "A held comment.", **fields) -> Comment:
    fields.setdefault("hold_reason", "moderation is on")
    fields.setdefault("commenter", "abc")
    return make_comment(post=post, body=body, status=Comment.Status.PENDING, **fields)


def reported(post, body: str, *, readers: int = 3) -> Comment:
    """A published comment that enough readers reported to send it back to the queue."""
    comment = make_comment(post=post, body=body)
    ModerationPolicy.objects.filter(pk=1).update(report_threshold=readers)
    for n in range(readers):
        reports.report(
            comment,
            reporter=f"reader-{n}",
            network=f"network-{n}",
            reason="rude",
            policy=ModerationPolicy.current(),
        )
    return comment


def run_action(client, action: str, objects, *, url: str = QUEUE, **reasons):
    """Tick the rows and pick an action in the changelist's action bar, as a browser posts it."""
    data = {
        "action": action,
        "_selected_action": [obj.pk for obj in objects],
        "index": 0,
        "select_across": 0,
        "reason": reasons.get("reason", ""),
        "public_reason": reasons.get("public_reason", ""),
    }
    return client.post(url, data, follow=True)


def messages_in(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def listed_ids(response) -> set[int]:
    return {
        int(pk) for pk in re.findall(r'name="_selected_action" value="(\d+)"', html_of(response))
    }


def html_of(response) -> str:
    return response.content.decode()


def text_of(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def cells(page: str, field: str) -> list[str]:
    """The text of each cell of one column of an admin list, top to bottom."""
    return [
        text_of(cell) for cell in re.findall(rf'<td class="field-{field}">(.*?)</td>', page, re.S)
    ]


def test_the_queue_lists_only_pending_comments_oldest_first_with_what_a_moderator_needs(
    a_post, moderator_client
):
    point = make_comment(post=a_post, body="The original point about caseloads.")
    newer = held(
        a_post, body="A newer held reply.", parent=point, created=at(10), hold_reason="held word: x"
    )
    older = held(a_post, body="An older held comment.", created=at(9), author_name="Probation PO")
    make_comment(post=a_post, body="Published already.", commenter="abc")
    make_comment(
        post=a_post, body="Rejected already.", status=Comment.Status.REJECTED, commenter="abc"
    )

    response = moderator_client.get(QUEUE)
    page = html_of(response)

    assert listed_ids(response) == {older.pk, newer.pk}
    assert page.index("An older held comment.") < page.index("A newer held reply.")
    assert "Published already." not in page and "Rejected already." not in page
    first, second = cells(page, "comment_in_context")
    assert first.startswith("On The Waiting Game 2 Probation PO")
    assert second.startswith("On The Waiting Game 2 , in reply to: Anonymous")
    assert "The original point about caseloads." in second
    assert cells(page, "why_held") == ["moderation is on", "held word: x"]
    assert cells(page, "author_and_record") == [
        "Probation PO 1 approved, 1 rejected, 0 spam",
        "Anonymous 1 approved, 1 rejected, 0 spam",
    ]


def test_a_comment_hidden_after_reports_is_back_in_the_queue_with_its_reports(
    a_post, moderator_client
):
    comment = reported(a_post, "Something readers did not like.")

    response = moderator_client.get(QUEUE)

    assert listed_ids(response) == {comment.pk}
    assert cells(html_of(response), "why_held") == [
        "Reported by 3 readers rude rude rude reported by 3 readers"
    ]


def test_approving_a_comment_publishes_it_and_records_who_and_why(
    a_post, a_moderator, moderator_client
):
    comment = held(a_post)

    response = run_action(moderator_client, "approve_selected", [comment], reason="fair point")

    comment.refresh_from_db()
    decision = Decision.objects.get(comment=comment)
    assert comment.status == Comment.Status.PUBLISHED
    assert (decision.action, decision.moderator, decision.reason) == (
        "approve",
        a_moderator,
        "fair point",
    )
    assert messages_in(response)[0].startswith("1 comment approved.")


@pytest.mark.parametrize(
    ("action", "status"),
    [
        ("approve_selected", Comment.Status.PUBLISHED),
        ("reject_selected", Comment.Status.REJECTED),
        ("spam_selected", Comment.Status.SPAM),
    ],
)
def test_a_bulk_decision_decides_every_ticked_comment_and_records_each(
    a_post, a_moderator, moderator_client, action, status
):
    ticked = [held(a_post, body=f"Held number {n}.") for n in range(3)]
    left = held(a_post, body="Not ticked.")

    response = run_action(
        moderator_client, action, ticked, reason="off topic", public_reason="Stay on topic."
    )

    assert {c.status for c in Comment.objects.filter(pk__in=[c.pk for c in ticked])} == {status}
    assert {c.public_reason for c in Comment.objects.filter(pk__in=[c.pk for c in ticked])} == {
        "Stay on topic."
    }
    assert Comment.objects.get(pk=left.pk).status == Comment.Status.PENDING
    decisions = Decision.objects.filter(moderator=a_moderator, reason="off topic")
    assert sorted(decisions.values_list("comment_id", flat=True)) == [c.pk for c in ticked]
    assert messages_in(response)[0].startswith("3 comments ")


def test_when_two_moderators_decide_the_same_comment_the_first_decision_stands(
    a_post, a_moderator, another_moderator
):
    comment = held(a_post, body="Is this acceptable?")
    alice, bob = Client(), Client()
    alice.force_login(a_moderator)
    bob.force_login(another_moderator)
    assert listed_ids(alice.get(QUEUE)) == listed_ids(bob.get(QUEUE)) == {comment.pk}

    run_action(alice, "approve_selected", [comment])
    response = run_action(bob, "reject_selected", [comment])

    comment.refresh_from_db()
    assert comment.status == Comment.Status.PUBLISHED
    assert list(Decision.objects.values_list("moderator__username", "action")) == [
        ("mod", "approve")
    ]
    assert messages_in(response) == [
        "“Is this acceptable?” was already approved by someone else; left as it is."
    ]


def test_the_undo_link_asks_first_and_then_puts_the_comments_back_in_the_queue(
    a_post, a_moderator, moderator_client
):
    comments = [held(a_post, body="Rejected by mistake."), held(a_post, body="This one too.")]
    response = run_action(moderator_client, "reject_selected", comments)
    undo_url = html.unescape(re.search(r'href="([^"]*/decision/undo/[^"]*)"', html_of(response))[1])

    question = moderator_client.get(undo_url)

    assert "Rejected by mistake." in html_of(question) and "Yes, undo" in html_of(question)
    assert set(Comment.objects.values_list("status", flat=True)) == {Comment.Status.REJECTED}

    done = moderator_client.post(undo_url, follow=True)

    assert set(Comment.objects.values_list("status", flat=True)) == {Comment.Status.PENDING}
    assert Decision.objects.filter(action="undo", moderator=a_moderator).count() == 2
    assert listed_ids(done) == {c.pk for c in comments}
    assert "2 decisions undone." in messages_in(done)


def test_a_decision_can_be_undone_from_the_audit_trail(a_post, a_moderator, moderator_client):
    comment = held(a_post)
    services.decide([comment.pk], Decision.Action.APPROVE, moderator=a_moderator)

    run_action(moderator_client, "undo_selected", Decision.objects.all(), url=DECISIONS)

    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert Decision.objects.filter(action="undo").count() == 1


def test_blocking_a_commenter_marks_their_comment_as_spam_and_their_next_one_too(
    a_post, a_moderator, moderator_client
):
    comment = held(a_post, body="Abuse.", commenter="troll")
    other = held(a_post, body="A fair comment.", commenter="someone-else")

    run_action(moderator_client, "block_commenters", [comment], reason="abusive")

    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.SPAM
    assert Comment.objects.get(pk=other.pk).status == Comment.Status.PENDING
    block = BlockedCommenter.objects.get()
    assert (block.commenter, block.reason, block.blocked_by) == ("troll", "abusive", a_moderator)
    verdict = screening.screen(post=a_post, author_name="", body="More abuse.", commenter="troll")
    assert verdict.status == Comment.Status.SPAM


def test_rejecting_everything_pending_from_a_commenter_leaves_everyone_else_alone(
    a_post, moderator_client
):
    first = held(a_post, body="One.", commenter="troll")
    second = held(a_post, body="Two.", commenter="troll")
    published = make_comment(post=a_post, body="An old published one.", commenter="troll")
    other = held(a_post, body="Someone else.", commenter="reader")

    run_action(moderator_client, "reject_all_from_commenters", [first], reason="troll")

    statuses = dict(Comment.objects.values_list("pk", "status"))
    assert statuses[first.pk] == statuses[second.pk] == Comment.Status.REJECTED
    assert statuses[published.pk] == Comment.Status.PUBLISHED
    assert statuses[other.pk] == Comment.Status.PENDING
    assert Decision.objects.filter(reason="troll").count() == 2


def test_the_change_page_lets_a_moderator_correct_only_the_text(a_post, moderator_client):
    comment = held(a_post, body="Visit http://spam.example now")
    url = reverse("admin:moderation_pendingcomment_change", args=[comment.pk])

    page = html_of(moderator_client.get(url))

    assert 'name="body"' in page
    assert 'name="status"' not in page and 'name="post"' not in page
    assert "The Waiting Game 2" in page


def test_correcting_the_text_keeps_the_old_text_in_the_audit_trail(
    a_post, a_moderator, moderator_client
):
    comment = held(a_post, body="Visit http://spam.example now")
    url = reverse("admin:moderation_pendingcomment_change", args=[comment.pk])
    other_post = make_post(title="Elsewhere")

    moderator_client.post(
        url,
        {
            "body": "Visit <b>our</b> site\r\nnow",
            "reason": "removed a link",
            "status": Comment.Status.PUBLISHED,
            "post": other_post.pk,
        },
    )

    comment.refresh_from_db()
    assert comment.body == "Visit <b>our</b> site\nnow"
    assert comment.body_html == "<p>Visit <b>our</b> site<br>now</p>"
    assert (comment.status, comment.post) == (Comment.Status.PENDING, a_post)
    decision = Decision.objects.get(comment=comment)
    assert (decision.action, decision.old_body, decision.moderator, decision.reason) == (
        "edit",
        "Visit http://spam.example now",
        a_moderator,
        "removed a link",
    )


def test_saving_the_change_page_without_editing_records_nothing(a_post, moderator_client):
    comment = held(a_post, body="Line one\nLine two")
    url = reverse("admin:moderation_pendingcomment_change", args=[comment.pk])

    moderator_client.post(url, {"body": "Line one\r\nLine two", "reason": ""})

    assert not Decision.objects.exists()


def policy_form(client) -> dict:
    """The policy form's fields as the browser would send them back."""
    form = client.get(POLICY).context["adminform"].form
    return {field.html_name: "" if field.value() is None else field.value() for field in form}


def test_switching_moderation_off_records_who_switched_what_from_what_to_what(
    a_moderator, moderator_client
):
    data = policy_form(moderator_client)
    assert data["mode"] == ModerationPolicy.Mode.ALWAYS

    moderator_client.post(POLICY, {**data, "mode": "never", "max_links": 5})

    assert ModerationPolicy.current().mode == ModerationPolicy.Mode.NEVER
    changes = PolicyChange.objects.filter(changed_by=a_moderator)
    assert {(c.field, c.old_value, c.new_value) for c in changes} == {
        (
            "moderate comments",
            "Always: hold every comment for a moderator",
            "Never: publish comments at once",
        ),
        ("links allowed", "2", "5"),
    }
    page = html_of(moderator_client.get(POLICY))
    history = text_of(page[page.index('id="policy-history"') :])
    assert "mod moderate comments Always: hold every comment for a moderator Never" in history
    assert history.index("links allowed") < history.index("(a new install)")


def test_saving_the_policy_unchanged_records_no_history(moderator_client):
    moderator_client.post(POLICY, policy_form(moderator_client))

    assert not PolicyChange.objects.exclude(changed_by=None).exists()


def test_the_policy_is_one_row_that_is_neither_added_nor_deleted(admin_client):
    listing = admin_client.get(reverse("admin:moderation_moderationpolicy_changelist"))

    assert listing.status_code == 302 and listing["Location"] == POLICY
    assert admin_client.get(reverse("admin:moderation_moderationpolicy_add")).status_code == 403
    delete = reverse("admin:moderation_moderationpolicy_delete", args=[1])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert ModerationPolicy.objects.count() == 1


def test_the_policy_history_and_the_audit_trail_can_be_read_but_not_written(
    a_post, a_moderator, admin_client
):
    change = PolicyChange.objects.get()
    services.decide([held(a_post).pk], Decision.Action.APPROVE, moderator=a_moderator)
    decision = Decision.objects.get()

    for model, row in [("policychange", change), ("decision", decision)]:
        assert admin_client.get(reverse(f"admin:moderation_{model}_changelist")).status_code == 200
        assert admin_client.get(reverse(f"admin:moderation_{model}_add")).status_code == 403
        delete = reverse(f"admin:moderation_{model}_delete", args=[row.pk])
        assert admin_client.post(delete, {"post": "yes"}).status_code == 403
        page = html_of(admin_client.get(reverse(f"admin:moderation_{model}_change", args=[row.pk])))
        assert 'name="_save"' not in page


def test_the_admin_front_page_says_how_many_comments_wait(a_post, moderator_client):
    held(a_post, body="One.")
    held(a_post, body="Two.")
    reported(a_post, "Three, reported.")

    page = html_of(moderator_client.get(reverse("admin:index")))

    assert f'<a href="{QUEUE}">3 comments waiting for moderation</a>' in page
    assert f'<a href="{QUEUE}?state=reported">1 of them reported by readers</a>' in page
    assert page.index("3 comments waiting") < page.index("Moderation queue</a>")


def test_the_queue_counts_the_comments_in_each_state(a_post, moderator_client):
    held(a_post, body="One.")
    held(a_post, body="Two.")
    reported(a_post, "Three, reported.")
    for n in range(4):
        make_comment(post=a_post, body=f"Published {n}.")
    make_comment(post=a_post, body="Rejected.", status=Comment.Status.REJECTED)
    make_comment(post=a_post, body="Spam.", status=Comment.Status.SPAM)
    make_comment(post=a_post, body="Removed.", status=Comment.Status.REMOVED)

    page = html_of(moderator_client.get(QUEUE))

    counts = re.search(r'<p class="state-counts".*?</p>', page, re.DOTALL)[0]
    assert text_of(counts) == (
        "Waiting: 3 ( of which reported: 1 ) · Published: 4 · Rejected: 1 · Spam: 1 · Removed: 1"
    )


@pytest.mark.parametrize("params", [{}, {"state": "reported"}, {"q": "One"}])
def test_the_queue_counts_every_comment_waiting_whatever_it_lists(a_post, moderator_client, params):
    held(a_post, body="One.")
    held(a_post, body="Two.")
    reported(a_post, "Three, reported.")

    page = html_of(moderator_client.get(QUEUE, params))

    counts = re.search(r'<p class="state-counts".*?</p>', page, re.DOTALL)[0]
    assert text_of(counts).startswith("Waiting: 3 ( of which reported: 1 ) · Published: 0 ·")


def test_the_queue_can_be_filtered_by_post_and_by_state_and_searched(a_post, moderator_client):
    sad_fact = make_post(title="A Sad Fact of Life")
    here = held(a_post, body="About caseloads.", author_name="Jim")
    there = held(sad_fact, body="About facts.")
    flagged = reported(a_post, "Something readers did not like.")

    def listed(**params) -> set[int]:
        return listed_ids(moderator_client.get(QUEUE, params))

    assert listed(post__id__exact=sad_fact.pk) == {there.pk}
    assert listed(state="reported") == {flagged.pk}
    assert listed(state="held") == {here.pk, there.pk}
    assert listed(q="caseloads") == {here.pk}
    assert listed(q="Jim") == {here.pk}
    assert listed(q="Sad Fact") == {there.pk}


def test_a_staff_member_who_may_only_view_the_queue_can_neither_see_nor_run_actions(
    a_post, a_moderator, client
):
    viewer = User.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_pendingcomment"))
    comment = held(a_post)
    client.force_login(viewer)

    listing = client.get(QUEUE)
    run_action(client, "approve_selected", [comment])

    assert listed_ids(listing) == set() and "A held comment." in html_of(listing)
    assert 'name="action"' not in html_of(listing)
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.PENDING
    assert not Decision.objects.exists()
    services.decide([comment.pk], Decision.Action.APPROVE, moderator=a_moderator)
    undo = f"{reverse('admin:moderation_decision_undo')}?ids={Decision.objects.get().pk}"
    assert client.post(undo).status_code == 403
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.PUBLISHED


def test_only_signed_in_staff_reach_the_queue(a_post, client):
    comment = held(a_post)
    anonymous = client.get(QUEUE)
    client.force_login(User.objects.create_user("reader"))
    reader = client.get(QUEUE)
    run_action(client, "approve_selected", [comment])

    for response in (anonymous, reader):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.PENDING


def test_nothing_is_ever_added_or_deleted_from_the_comment_admins(a_post, admin_client):
    comment = held(a_post)

    for model in ("moderation_pendingcomment", "forum_comment"):
        page = html_of(admin_client.get(reverse(f"admin:{model}_changelist")))
        assert 'value="approve_selected"' in page and 'value="delete_selected"' not in page
        assert admin_client.get(reverse(f"admin:{model}_add")).status_code == 403
        delete = reverse(f"admin:{model}_delete", args=[comment.pk])
        assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_rejecting_a_published_comment_leaves_a_placeholder_above_its_reply(
    a_post, moderator_client
):
    nasty = make_comment(post=a_post, body="Something nasty.")
    make_comment(post=a_post, parent=nasty, body="Do not feed the troll.")

    run_action(moderator_client, "reject_selected", [nasty], url=COMMENTS, reason="abuse")

    assert Comment.objects.get(pk=nasty.pk).status == Comment.Status.REJECTED
    page = html_of(Client().get(a_post.get_absolute_url()))
    assert "Something nasty." not in page
    placeholder = page.index("This comment has been removed by a moderator.")
    assert placeholder < page.index("Do not feed the troll.")


def test_the_comment_list_filters_by_status(a_post, moderator_client):
    pending = held(a_post)
    published = make_comment(post=a_post, body="Published.")

    assert listed_ids(moderator_client.get(COMMENTS, {"status__exact": "approved"})) == {
        published.pk
    }
    assert listed_ids(moderator_client.get(COMMENTS, {"status__exact": "pending"})) == {pending.pk}


def test_the_queue_makes_the_same_number_of_queries_whatever_its_length(a_post, moderator_client):
    point = make_comment(post=a_post, body="A published point.")

    def queries_for_a_queue_of(size: int) -> int:
        while Comment.objects.pending().count() < size:
            n = Comment.objects.count()
            held(a_post, body=f"Held {n}.", parent=point if n % 2 else None, commenter=f"c{n % 7}")
        with CaptureQueriesContext(connection) as queries:
            response = moderator_client.get(QUEUE)
        assert len(listed_ids(response)) == size
        return len(queries)

    moderator_client.get(QUEUE)
    assert queries_for_a_queue_of(5) == queries_for_a_queue_of(50)


def test_the_post_filter_lists_the_latest_posts_with_comments_waiting_and_how_many(
    moderator_client,
):
    posts = [
        make_post(
            title=f"Post number {n}",
            published=f"2015-{(n - 1) // 28 + 1:02d}-{(n - 1) % 28 + 1:02d}",
        )
        for n in range(1, 33)
    ]
    for post in posts:
        held(post)
    held(posts[-1], body="A second one.")
    make_post(title="Nothing waiting here", published="2015-03-01")

    sidebar = html_of(moderator_client.get(QUEUE))

    assert "Post number 32 (2)" in sidebar and "Post number 31 (1)" in sidebar
    assert "Post number 3 (1)" in sidebar and "Post number 2 (1)" not in sidebar
    assert "Nothing waiting here" not in sidebar
    oldest = moderator_client.get(QUEUE, {"post": posts[0].pk})
    assert "Post number 1 (1)" in html_of(oldest)
    assert listed_ids(oldest) == {posts[0].comments.get().pk}
