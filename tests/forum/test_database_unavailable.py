"""A database that cannot do its work gives a 503 page whose words fit every cause; a bug stays
a 500."""

import pytest
from django.conf import settings
from django.db import IntegrityError, OperationalError, ProgrammingError, connection
from django.test import Client, RequestFactory

from forum.middleware import DatabaseUnavailableMiddleware
from forum.models import Comment
from moderation.models import ModerationPolicy
from tests.factories import make_post

FRIENDLY = "Back in a moment"
UNAVAILABLE = [
    'connection to server at "127.0.0.1", port 5432 failed: Connection refused',
    "the database did not answer within 5 s",
    "canceling statement due to statement timeout",
    "database is locked",
    "database or disk is full",
    'could not extend file "base/16384/2619": No space left on device',
    "attempt to write a readonly database",
]


def answer(error: Exception):
    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    return middleware.process_exception(RequestFactory().get("/"), error)


@pytest.mark.parametrize("message", UNAVAILABLE)
def test_a_database_that_is_down_hung_locked_full_or_read_only_gives_the_503_page(db, message):
    response = answer(OperationalError(message))

    page = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"]
    assert FRIENDLY in page and "cannot do its work just now" in page
    assert "cannot be reached" not in page
    assert "it will not be posted twice" in page


@pytest.mark.parametrize(
    "error", [IntegrityError("duplicate key value"), ProgrammingError("syntax error at or near")]
)
def test_a_bug_in_a_query_is_left_to_be_a_500(db, error):
    assert answer(error) is None


@pytest.mark.postgres
@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3",
    reason="a read-only server is PostgreSQL's (a standby, or read-only by setting)",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_read_only_postgresql_gives_posters_the_503_page_and_readers_the_post():
    post = make_post(title="Read only")
    ModerationPolicy.current()
    ModerationPolicy.objects.filter(pk=1).update(mode="never", min_seconds_between=0)
    reader = Client(REMOTE_ADDR="203.0.113.5")
    with connection.cursor() as cursor:
        cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
    try:
        page = reader.get(post.get_absolute_url())
        posted = reader.post(post.get_absolute_url(), {"body": "Written to a standby."})
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE")

    assert page.status_code == 200
    assert posted.status_code == 503
    assert FRIENDLY in posted.content.decode()
    assert not Comment.objects.filter(body="Written to a standby.").exists()
