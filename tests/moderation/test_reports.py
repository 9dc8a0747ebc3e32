"""Readers' reports as readers and attackers send them: over the report URL, from many addresses."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from forum.identity import network_of
from forum.models import Comment
from moderation import reports
from moderation.models import Decision, DigestState, ModerationPolicy, Report
from moderation.notifications import notify_held
from tests.factories import make_comment, make_post

QUEUE = "/admin/moderation/pendingcomment/"
COMMENTS = "/admin/forum/comment/"
# Three readers on three different networks: enough to reach the default threshold.
THREE_NETWORKS = ["10.1.0.7", "10.2.0.7", "10.3.0.7"]


@pytest.fixture
def renationalisation(db):
    """The post the report-bombing was tried on: 25 published comments."""
    post = make_post(title="Re-nationalisation?")
    for n in range(25):
        make_comment(post=post, body=f"Comment number {n} on re-nationalisation.")
    return post


def report(client, comment: Comment, address: str, reason: str = "rude"):
    url = f"/comments/{comment.pk}/report/"
    return client.post(url, {"reason": reason}, REMOTE_ADDR=address)


def statuses(post) -> dict[str, int]:
    comments = Comment.objects.filter(post=post)
    return {status: comments.filter(status=status).count() for status in Comment.Status.values}


def test_three_addresses_reporting_every_comment_on_a_post_hide_only_three(
    renationalisation, client
):
    ModerationPolicy.objects.filter(pk=1).update(report_threshold=3)
    for comment in Comment.objects.filter(post=renationalisation):
        for address in THREE_NETWORKS:
            report(client, comment, address)

    counts = statuses(renationalisation)
    assert counts[Comment.Status.PENDING] == 3
    assert counts[Comment.Status.PUBLISHED] == 22


def test_reports_past_the_hourly_budget_only_flag_the_comment(renationalisation, client):
    comments = list(Comment.objects.filter(post=renationalisation)[:5])
    ModerationPolicy.objects.filter(pk=1).update(report_threshold=1, report_hides_per_hour=2)

    for comment in comments:
        report(client, comment, THREE_NETWORKS[0])

    assert [c.status for c in Comment.objects.filter(pk__in=[c.pk for c in comments])].count(
        Comment.Status.PENDING
    ) == 2
    assert Report.objects.filter(comment__in=comments, resolved=False).count() == 5


def test_the_hiding_budget_is_renewed_an_hour_later(renationalisation, client):
    first, second = Comment.objects.filter(post=renationalisation)[:2]
    ModerationPolicy.objects.filter(pk=1).update(report_threshold=1, report_hides_per_hour=1)
    report(client, first, "10.1.0.1")
    report(client, second, "10.2.0.1")
    assert Comment.objects.get(pk=second.pk).status == Comment.Status.PUBLISHED

    Decision.objects.update(decided_at=timezone.now() - timedelta(minutes=61))
    report(client, second, "10.3.0.1")

    assert Comment.objects.get(pk=second.pk).status == Comment.Status.PENDING


def test_the_budget_counts_each_post_on_its_own(renationalisation, client):
    elsewhere = make_comment(post=make_post(), body="On another post.")
    ModerationPolicy.objects.filter(pk=1).update(report_threshold=1, report_hides_per_hour=1)
    report(client, Comment.objects.filter(post=renationalisation).first(), "10.1.0.1")

    report(client, elsewhere, "10.1.0.1")

    assert Comment.objects.get(pk=elsewhere.pk).status == Comment.Status.PENDING


def test_readers_on_one_network_count_as_one_towards_hiding(a_published_comment, client):
    for address in ["192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.200"]:
        report(client, a_published_comment, address)

    a_published_comment.refresh_from_db()
    assert a_published_comment.status == Comment.Status.PUBLISHED
    assert a_published_comment.reports.count() == 4


def test_ipv6_readers_in_one_slash_64_count_as_one(a_published_comment, client):
    for address in ["2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ffff::3"]:
        report(client, a_published_comment, address)

    a_published_comment.refresh_from_db()
    assert a_published_comment.status == Comment.Status.PUBLISHED


def test_a_reader_may_send_only_so_many_reports_an_hour(renationalisation, client):
    comments = list(Comment.objects.filter(post=renationalisation))

    answers = [report(client, c, "10.9.0.1").status_code for c in comments[:11]]

    assert answers == [302] * reports.READER_LIMIT + [429]
    assert Report.objects.count() == reports.READER_LIMIT


def test_a_network_may_send_only_so_many_reports_an_hour_whatever_its_addresses(db, client):
    post = make_post()
    comments = [make_comment(post=post, body=f"c{n}") for n in range(reports.NETWORK_LIMIT + 1)]

    answers = [
        report(client, comment, f"10.9.0.{n % 30 + 1}").status_code
        for n, comment in enumerate(comments)
    ]

    assert answers.count(429) == 1 and answers[-1] == 429
    assert Report.objects.count() == reports.NETWORK_LIMIT


def test_a_reader_limited_an_hour_ago_may_report_again(renationalisation, client):
    comments = list(Comment.objects.filter(post=renationalisation))
    for comment in comments[: reports.READER_LIMIT]:
        report(client, comment, "10.9.0.1")
    Report.objects.update(reported_at=timezone.now() - timedelta(minutes=61))

    assert report(client, comments[-1], "10.9.0.1").status_code == 302


def test_reports_store_keyed_hashes_and_never_an_address(a_published_comment, client):
    report(client, a_published_comment, "203.0.113.77")
    report(client, a_published_comment, "2001:db8::77")

    for row in Report.objects.values("reporter", "network"):
        for value in row.values():
            assert re.fullmatch(r"[0-9a-f]{32}", value)
            assert "203.0.113" not in value and "2001" not in value


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("198.51.100.23", "198.51.100.0/24"),
        ("2001:db8:aa:bb:1:2:3:4", "2001:db8:aa:bb::/64"),
        ("::ffff:198.51.100.23", "198.51.100.0/24"),
        ("unknown", "unknown"),
    ],
)
def test_an_address_belongs_to_its_slash_24_or_slash_64(address, network):
    assert network_of(address) == network


def test_a_hidden_comment_heads_the_queue_before_older_held_ones(a_post, client, moderator_client):
    make_comment(
        post=a_post,
        body="Held since last year.",
        status=Comment.Status.PENDING,
        created=timezone.now() - timedelta(days=365),
    )
    reported = make_comment(post=a_post, body="Public until a moment ago.")
    for address in THREE_NETWORKS:
        report(client, reported, address)

    page = moderator_client.get(QUEUE).content.decode()

    assert page.index("Public until a moment ago.") < page.index("Held since last year.")


def test_a_hidden_comment_goes_into_the_next_digest_though_it_was_written_long_ago(
    a_post, client, a_moderator, mailoutbox
):
    old = make_comment(
        post=a_post, body="Written last month.", created=timezone.now() - timedelta(days=30)
    )
    DigestState.objects.create(pk=1, last_sent=timezone.now() - timedelta(days=1))
    for address in THREE_NETWORKS:
        report(client, old, address)

    assert notify_held() == 1

    assert "Written last month." in mailoutbox[0].body


def test_the_hidden_comment_is_sent_to_the_moderators_as_soon_as_it_is_hidden(
    a_post, client, a_moderator, mailoutbox, django_capture_on_commit_callbacks
):
    comment = make_comment(post=a_post, body="Readers did not like this.")

    with django_capture_on_commit_callbacks(execute=True):
        for address in THREE_NETWORKS:
            report(client, comment, address)

    assert len(mailoutbox) == 1
    assert "Readers did not like this." in mailoutbox[0].body


def keep(moderator_client, comment: Comment, url: str = QUEUE):
    data = {"action": "keep_selected", "_selected_action": [comment.pk], "index": 0}
    return moderator_client.post(url, data, follow=True)


def test_a_moderator_keeps_a_hidden_comment_up_and_dismisses_its_reports(
    a_post, client, moderator_client, a_moderator
):
    comment = make_comment(post=a_post, body="Unpopular but fair.")
    for address in THREE_NETWORKS:
        report(client, comment, address)

    response = keep(moderator_client, comment)

    comment.refresh_from_db()
    assert comment.status == Comment.Status.PUBLISHED and not comment.hidden_by_readers
    assert not comment.reports.filter(resolved=False).exists()
    decision = Decision.objects.filter(comment=comment).first()
    assert (decision.action, decision.moderator) == (Decision.Action.KEEP, a_moderator)
    assert "1 comment kept up; reports will not hide it again." in response.content.decode()


def test_a_kept_comment_is_not_hidden_by_reports_again(a_post, client, moderator_client):
    comment = make_comment(post=a_post, body="Unpopular but fair.")
    for address in THREE_NETWORKS:
        report(client, comment, address)
    keep(moderator_client, comment)

    for address in ["10.4.0.1", "10.5.0.1", "10.6.0.1"]:
        report(client, comment, address)

    comment.refresh_from_db()
    assert comment.status == Comment.Status.PUBLISHED
    assert comment.reports.filter(resolved=False).count() == 3


def test_a_flagged_published_comment_can_be_kept_from_the_comment_list(
    a_post, client, moderator_client
):
    ModerationPolicy.objects.filter(pk=1).update(report_hides_per_hour=0)
    comment = make_comment(post=a_post, body="Flagged, still up.")
    for address in THREE_NETWORKS:
        report(client, comment, address)

    keep(moderator_client, comment, url=COMMENTS)

    comment.refresh_from_db()
    assert comment.status == Comment.Status.PUBLISHED
    assert not comment.reports.filter(resolved=False).exists()
    assert comment.decisions.get().action == Decision.Action.KEEP


def test_keeping_cannot_bring_back_a_rejected_comment(a_post, moderator_client):
    rejected = make_comment(post=a_post, body="Rejected for good.", status=Comment.Status.REJECTED)

    response = keep(moderator_client, rejected, url=COMMENTS)

    rejected.refresh_from_db()
    assert rejected.status == Comment.Status.REJECTED
    assert "was already rejected by someone else" in response.content.decode()


def test_a_reader_reporting_twice_is_told_so_and_counted_once(a_published_comment, client):
    report(client, a_published_comment, "10.1.0.1")

    response = client.post(
        f"/comments/{a_published_comment.pk}/report/",
        {"reason": "still rude"},
        REMOTE_ADDR="10.1.0.1",
        follow=True,
    )

    assert "You have already reported this comment." in response.content.decode()
    assert a_published_comment.reports.count() == 1
