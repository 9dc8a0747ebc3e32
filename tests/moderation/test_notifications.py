"""The moderators' digest of held comments, and its signed one-click Approve / Reject links."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group, User
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.utils import timezone

from forum.models import Comment
from moderation import services
from moderation.email_links import fingerprint, make_link
from moderation.models import Decision, DigestState
from moderation.notifications import notify_held
from tests.factories import make_comment

SITE = "https://forum.example.org"
QUEUE = "/admin/moderation/pendingcomment/"


def make_user(username: str, *, email: str = "", moderator: bool = True, **fields) -> User:
    user = User.objects.create_user(username, email=email, is_staff=True, **fields)
    if moderator:
        user.groups.add(Group.objects.get(name="Moderators"))
    return user


def make_held(post, body: str = "Please look at this.", **fields) -> Comment:
    fields.setdefault("created", timezone.now())
    return make_comment(
        post=post,
        body=body,
        status=Comment.Status.PENDING,
        hold_reason="a held word: idiot",
        **fields,
    )


def local(url: str) -> str:
    """A link's address on this site: its path and the query that carries its token."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def links_in(mail) -> dict[str, list[str]]:
    """The paths of a digest's Approve and Reject links, in the order of its comments."""
    return {
        action: [local(url) for url in re.findall(rf"^{action}: +(\S+)$", mail.body, re.M)]
        for action in ("Approve", "Reject")
    }


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def alice(db):
    return make_user("alice", email="alice@example.org")


@pytest.fixture
def held(a_post):
    return make_held(a_post, "You are all wrong about burn out.")


@pytest.fixture
def approve_path(held, alice):
    return local(make_link(held, "approve", alice))


def test_a_held_comment_emails_each_moderator_once_with_the_queue_and_its_links(
    a_post, held, alice, mailoutbox
):
    make_user("bob", email="bob@example.org")
    make_comment(post=a_post, body="Already published.")

    assert notify_held() == 2

    assert sorted(mail.to[0] for mail in mailoutbox) == ["alice@example.org", "bob@example.org"]
    mail = mailoutbox[0]
    assert mail.subject == "1 comment waiting for moderation"
    assert SITE + QUEUE in mail.body
    assert "The Waiting Game 2" in mail.body and "Anonymous" in mail.body
    assert "You are all wrong about burn out." in mail.body
    assert "Held because: a held word: idiot" in mail.body
    assert "Already published." not in mail.body
    links = links_in(mail)
    assert len(links["Approve"]) == len(links["Reject"]) == 1
    assert re.search(rf"^Approve: {SITE}/moderation/link/\?t=\S+$", mail.body, re.M)


def test_a_flood_sends_one_digest_and_ten_minutes_later_one_more_with_only_the_new_ones(
    a_post, alice, mailoutbox
):
    start = timezone.now()
    for n in range(20):
        moment = start + timedelta(seconds=25 * n)
        make_held(a_post, f"Flood comment {n:02d}", created=moment)
        notify_held(now=moment)

    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "1 comment waiting for moderation"

    assert notify_held(now=start + timedelta(minutes=10)) == 1

    later = mailoutbox[1]
    assert later.subject == "19 comments waiting for moderation"
    assert "Flood comment 00" not in later.body
    assert "Flood comment 01" in later.body and "Flood comment 19" in later.body
    assert len(links_in(later)["Approve"]) == 19


def test_nothing_is_sent_while_no_comment_is_waiting(alice, mailoutbox):
    assert notify_held() == 0
    assert not mailoutbox
    assert DigestState.objects.get(pk=1).last_sent is None


def test_only_active_staff_moderators_with_an_address_are_emailed(held, alice, mailoutbox):
    make_user("no_address")
    make_user("reader", email="reader@example.org", moderator=False)
    make_user("gone", email="gone@example.org", is_active=False)
    User.objects.create_superuser("admin", email="admin@example.org")

    notify_held()

    assert sorted(mail.to[0] for mail in mailoutbox) == ["admin@example.org", "alice@example.org"]


def test_two_processes_finding_a_digest_due_send_it_once(held, alice, mailoutbox, monkeypatch):
    from moderation import notifications

    real_recipients = notifications.recipients

    def another_process_sends_first():
        # Runs after this call has read last_sent and found a digest due.
        monkeypatch.setattr(notifications, "recipients", real_recipients)
        notifications.notify_held()
        return real_recipients()

    monkeypatch.setattr(notifications, "recipients", another_process_sends_first)

    assert notify_held() == 0
    assert len(mailoutbox) == 1


def test_a_mail_server_failure_keeps_the_comments_for_the_next_digest(
    held, alice, mailoutbox, monkeypatch
):
    def refuse(self, messages):
        raise ConnectionRefusedError("no mail server")

    with monkeypatch.context() as patch:
        patch.setattr(EmailBackend, "send_messages", refuse)
        assert notify_held() == 0

    assert DigestState.objects.get(pk=1).last_sent is None
    assert notify_held() == 1
    assert "You are all wrong" in mailoutbox[0].body


def test_the_command_flushes_the_comments_held_since_the_last_digest(a_post, alice, mailoutbox):
    now = timezone.now()
    DigestState.objects.update_or_create(pk=1, defaults={"last_sent": now - timedelta(minutes=11)})
    make_held(a_post, "Held just after the last digest", created=now - timedelta(minutes=9))

    call_command("send_moderation_digest", "--dry-run")
    assert not mailoutbox

    call_command("send_moderation_digest")

    assert len(mailoutbox) == 1
    assert "Held just after the last digest" in mailoutbox[0].body
    call_command("send_moderation_digest")
    assert len(mailoutbox) == 1


def test_a_comment_held_from_the_post_page_emails_the_moderators(
    a_post, alice, client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(a_post.get_absolute_url(), {"body": "Held on arrival"})

    assert Comment.objects.get(body="Held on arrival").status == Comment.Status.PENDING
    assert len(mailoutbox) == 1
    assert "Held on arrival" in mailoutbox[0].body


def test_opening_a_link_asks_for_confirmation_and_changes_nothing(client, held, approve_path):
    response = client.get(approve_path)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Approve this comment?" in html and "You are all wrong about burn out." in html
    assert "The Waiting Game 2" in html and "csrfmiddlewaretoken" in html
    held.refresh_from_db()
    assert held.status == Comment.Status.PENDING
    assert not Decision.objects.exists()


def test_confirming_a_link_approves_the_comment_as_its_moderator(client, held, alice, approve_path):
    response = client.post(approve_path)

    assert response.status_code == 200
    assert "Approved" in response.content.decode()
    held.refresh_from_db()
    assert held.status == Comment.Status.PUBLISHED
    decision = Decision.objects.get(comment=held)
    assert decision.action == Decision.Action.APPROVE
    assert decision.moderator == alice
    assert decision.reason == "one-click e-mail link"
    assert decision.link_token == fingerprint(approve_path.split("?t=", 1)[1])


def test_a_reject_link_rejects_the_comment(client, held, alice):
    client.post(local(make_link(held, "reject", alice)))

    held.refresh_from_db()
    assert held.status == Comment.Status.REJECTED


def test_a_link_works_once(client, held, alice, approve_path):
    client.post(approve_path)
    services.undo(Decision.objects.get(comment=held), moderator=alice)

    response = client.post(approve_path)

    assert response.status_code == 410
    assert "This link has already been used" in response.content.decode()
    held.refresh_from_db()
    assert held.status == Comment.Status.PENDING


def test_an_expired_link_is_refused(client, held, approve_path, settings):
    settings.MODERATION_LINK_MAX_AGE = -1

    response = client.post(approve_path)

    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    assert QUEUE in response.content.decode()
    held.refresh_from_db()
    assert held.status == Comment.Status.PENDING


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_link_is_refused(client, held, approve_path, method):
    middle = len(approve_path) // 2
    flipped = "A" if approve_path[middle] != "A" else "B"
    tampered = approve_path[:middle] + flipped + approve_path[middle + 1 :]

    response = getattr(client, method)(tampered)

    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()
    held.refresh_from_db()
    assert held.status == Comment.Status.PENDING


def test_a_link_to_a_comment_another_moderator_rejected_says_so(client, held, approve_path):
    bob = make_user("bob", email="bob@example.org")
    services.decide([held.pk], Decision.Action.REJECT, moderator=bob)

    response = client.post(approve_path)

    html = response.content.decode()
    assert "This comment has already been rejected." in html and "by bob" in html
    held.refresh_from_db()
    assert held.status == Comment.Status.REJECTED
    assert not Decision.objects.exclude(link_token="").exists()


def test_a_link_whose_moderator_lost_the_permission_is_refused(client, held, alice, approve_path):
    alice.groups.clear()

    response = client.post(approve_path)

    assert response.status_code == 403
    held.refresh_from_db()
    assert held.status == Comment.Status.PENDING


def test_a_link_to_a_deleted_comment_is_refused(client, held, approve_path):
    held.delete()

    assert client.post(approve_path).status_code == 410
