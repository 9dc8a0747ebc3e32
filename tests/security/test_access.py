"""Who gets in: only staff moderators reach the queue, and guessing passwords gets nobody in."""

from django.conf import settings
from django.contrib.auth.models import Group, Permission, User
from django.test import Client
from django.urls import reverse

from forum.models import Comment
from moderation.permissions import MODERATORS_GROUP
from tests.factories import make_comment

QUEUE = reverse("admin:moderation_pendingcomment_changelist")
LOGIN = reverse("admin:login")
PASSWORD = "a long passphrase"

# Exactly what moderating needs, written out here so that any change to the group shows up.
MODERATORS_PERMISSIONS = {
    "moderation.view_pendingcomment",
    "moderation.change_pendingcomment",
    "moderation.moderate",
    "forum.view_comment",
    "forum.change_comment",
    "blogarchive.view_post",
    "blogarchive.change_post",
    "moderation.view_moderationpolicy",
    "moderation.change_moderationpolicy",
    "moderation.view_policychange",
    "moderation.view_wordrule",
    "moderation.add_wordrule",
    "moderation.change_wordrule",
    "moderation.delete_wordrule",
    "moderation.view_blockedcommenter",
    "moderation.add_blockedcommenter",
    "moderation.change_blockedcommenter",
    "moderation.delete_blockedcommenter",
    "moderation.view_watchedname",
    "moderation.add_watchedname",
    "moderation.change_watchedname",
    "moderation.delete_watchedname",
    "moderation.view_decision",
    "moderation.view_report",
}


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_moderators_group_made_by_the_migration_has_exactly_the_permissions_needed(db):
    group = Group.objects.get(name=MODERATORS_GROUP)

    granted = {
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }

    assert granted == MODERATORS_PERMISSIONS


def test_an_anonymous_visitor_is_sent_to_sign_in_before_the_queue(db, client):
    response = client.get(QUEUE)

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={QUEUE}"


def test_staff_without_the_moderation_permissions_are_refused_the_queue(db):
    staff = User.objects.create_user("editor", password=PASSWORD, is_staff=True)

    response = signed_in(staff).get(QUEUE)

    assert response.status_code == 403


def test_a_moderator_who_is_not_staff_is_not_let_into_the_admin(db):
    user = User.objects.create_user("outsider", password=PASSWORD, is_staff=False)
    user.groups.add(Group.objects.get(name=MODERATORS_GROUP))

    response = signed_in(user).get(QUEUE)

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_a_member_of_the_moderators_group_reaches_the_queue(a_moderator):
    response = signed_in(a_moderator).get(QUEUE)

    assert response.status_code == 200
    assert "Moderation queue" in response.content.decode()


def test_only_moderators_may_approve_a_held_comment_from_the_post_page(a_post, a_moderator):
    held = make_comment(post=a_post, body="Held.", status=Comment.Status.PENDING)
    staff = User.objects.create_user("editor", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="change_comment"))
    url = reverse("moderation:moderate", args=[held.pk])

    for outsider in (Client(), signed_in(staff)):
        response = outsider.post(url, {"action": "approve"})

        assert response.status_code == 403
        assert Comment.objects.get(pk=held.pk).status == Comment.Status.PENDING
    signed_in(a_moderator).post(url, {"action": "approve"})
    assert Comment.objects.get(pk=held.pk).status == Comment.Status.PUBLISHED


def sign_in(client: Client, username: str, password: str, *, address: str = "10.0.0.66"):
    data = {"username": username, "password": password, "next": QUEUE}
    return client.post(LOGIN, data, REMOTE_ADDR=address)


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_failed_sign_ins_below_the_limit_do_not_lock_anyone_out(a_moderator, client):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "mod", "wrong guess").status_code == 200

    response = sign_in(client, "mod", PASSWORD)

    assert response.status_code == 302
    assert is_signed_in(client)


def test_repeated_failed_sign_ins_lock_out_even_the_right_password(a_moderator, client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "mod", "wrong guess")

    response = sign_in(client, "mod", PASSWORD)

    assert response.status_code == 429
    assert not is_signed_in(client)
    assert client.get(QUEUE).status_code == 302
    page = response.content.decode()
    assert "Too many failed sign-ins" in page
    assert PASSWORD not in page


def test_a_lockout_holds_for_the_address_whatever_name_it_tries(a_moderator, client):
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, f"guess{n}", "wrong guess")

    fresh = Client()
    response = sign_in(fresh, "mod", PASSWORD)

    assert response.status_code == 429
    assert not is_signed_in(fresh)


def test_guessing_at_a_moderators_name_elsewhere_does_not_lock_them_out(a_moderator, client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "mod", "wrong guess")

    fresh = Client()
    response = sign_in(fresh, "mod", PASSWORD, address="10.0.0.77")

    assert response.status_code == 302
    assert is_signed_in(fresh)


def test_someone_else_from_elsewhere_can_still_sign_in_during_a_lockout(a_moderator, client):
    other = User.objects.create_user("mod2", password=PASSWORD, is_staff=True)
    other.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "mod", "wrong guess")

    fresh = Client()
    response = sign_in(fresh, "mod2", PASSWORD, address="10.0.0.77")

    assert response.status_code == 302
    assert is_signed_in(fresh)
