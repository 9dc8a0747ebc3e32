"""No table keeps a reader's or a moderator's address: only keyed hashes of it."""

import ipaddress

import pytest
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.db import connection
from django.urls import reverse

from tests.factories import make_comment

LOGIN = reverse("admin:login")
READER_V4 = "198.51.100.23"
READER_V6 = "2001:db8::23"
PROXY = "10.0.0.1"


def tables_containing(text: str) -> list[str]:
    """Every table with a column whose value, read as text, contains `text`."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            if any(text in str(value) for row in cursor.fetchall() for value in row):
                found.append(table)
    return found


def forms_of(address: str) -> list[str]:
    """The ways an address can be written down: as given, compressed and in full."""
    parsed = ipaddress.ip_address(address)
    return sorted({address, parsed.compressed, parsed.exploded})


def sign_in(client, password: str, **meta):
    return client.post(LOGIN, {"username": "mod", "password": password}, **meta)


def act_from(client, post, comment, **meta) -> None:
    """What one address can do: comment, report, fail to sign in, get locked out, sign in."""
    client.post(post.get_absolute_url(), {"body": "Said from somewhere."}, **meta)
    client.post(reverse("moderation:report", args=[comment.pk]), {"reason": "rude"}, **meta)
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        sign_in(client, "wrong guess", **meta)


@pytest.mark.usefixtures("open_policy")
@pytest.mark.parametrize(
    ("meta", "address"),
    [
        ({"REMOTE_ADDR": READER_V4}, READER_V4),
        ({"REMOTE_ADDR": READER_V6}, READER_V6),
        ({"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": READER_V4}, READER_V4),
    ],
)
def test_no_table_holds_the_address_after_comments_reports_and_sign_ins(
    client, a_post, a_moderator, settings, meta, address
):
    settings.TRUSTED_PROXIES = [PROXY]
    comment = make_comment(post=a_post, body="Report me.")

    act_from(client, a_post, comment, **meta)
    assert sign_in(client, "a long passphrase", **meta).status_code == 429
    signed_in = sign_in(client, "a long passphrase", REMOTE_ADDR="192.0.2.200")

    assert signed_in.status_code == 302
    assert AccessAttempt.objects.filter(ip_address__startswith="100:").exists()
    found = {form: tables_containing(form) for form in forms_of(address)}
    assert found == {form: [] for form in forms_of(address)}
    assert tables_containing("192.0.2.200") == []


def test_a_successful_sign_in_leaves_no_access_log(client, a_moderator):
    response = sign_in(client, "a long passphrase", REMOTE_ADDR=READER_V4)

    assert response.status_code == 302
    assert not AccessLog.objects.exists()


def test_a_failed_sign_in_keeps_a_hashed_address_and_the_name_tried_but_not_the_password(
    client, a_moderator
):
    sign_in(client, "my-secret-guess", REMOTE_ADDR=READER_V4)

    [attempt] = AccessAttempt.objects.all()
    assert attempt.ip_address.startswith("100:")
    assert attempt.username == "mod"
    assert tables_containing("my-secret-guess") == []
