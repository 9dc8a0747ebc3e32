"""The queue's post filter, given what a hand-edited address can hold."""

import pytest
from django.urls import reverse

from forum.models import Comment
from tests.factories import make_comment, make_post

QUEUE = reverse("admin:moderation_pendingcomment_changelist")


@pytest.mark.parametrize("value", ["9" * 5000, "9" * 19, "٣", "-1", "1e3", ""])
def test_a_post_filter_that_is_no_post_id_is_ignored(moderator_client, a_post, value):
    make_comment(post=a_post, body="Waiting here.", status=Comment.Status.PENDING)

    response = moderator_client.get(QUEUE, {"post": value})

    assert response.status_code == 200
    assert "Waiting here." in response.content.decode()


def test_the_post_filter_still_narrows_the_queue_to_one_post(moderator_client, a_post):
    other = make_post(title="Another post")
    make_comment(post=a_post, body="Waiting here.", status=Comment.Status.PENDING)
    make_comment(post=other, body="Waiting there.", status=Comment.Status.PENDING)

    html = moderator_client.get(QUEUE, {"post": str(other.pk)}).content.decode()

    assert "Waiting there." in html
    assert "Waiting here." not in html
