"""The troll rule counts moderators' decisions only, and the queue tells a crowd from a person."""

import re

from django.test import Client, RequestFactory

from forum import browsers
from forum.models import Comment
from moderation.models import WordRule

COMMENTS = "/admin/forum/comment/"
QUEUE = "/admin/moderation/pendingcomment/"
TROLL_REASON = "most of this commenter's recent comments were rejected"
SHARED = "10.7.0.9"


def post(client, a_post, body: str, address: str = SHARED, **fields) -> Comment:
    client.post(a_post.get_absolute_url(), {"body": body, **fields}, REMOTE_ADDR=address)
    return Comment.objects.get(body=body)


def act(moderator_client, action: str, comments, url: str = COMMENTS):
    data = {"action": action, "_selected_action": [c.pk for c in comments], "index": 0}
    return moderator_client.post(url, data, follow=True)


def test_deleting_rejected_comments_does_not_launder_the_troll_record(
    a_post, client, moderator_client, open_forum
):
    rude = [post(client, a_post, f"Rude remark number {n}.") for n in range(3)]
    act(moderator_client, "reject_selected", rude)

    for comment in rude:
        client.post(f"/comments/{comment.pk}/delete/", REMOTE_ADDR=SHARED)
    again = post(client, a_post, "And another thing.")

    assert set(
        Comment.objects.filter(pk__in=[c.pk for c in rude]).values_list("status", flat=True)
    ) == {Comment.Status.REJECTED}
    assert (again.status, again.hold_reason) == (Comment.Status.PENDING, TROLL_REASON)


def test_an_honest_reader_behind_an_address_a_robot_used_is_not_held(a_post, open_forum):
    robot = Client()
    for n in range(3):
        post(robot, a_post, f"Cheap pills {n}", website="http://pills.example")
    WordRule.objects.create(phrase="viagra", action=WordRule.Action.BAN)
    post(robot, a_post, "Buy viagra now")

    honest = post(Client(), a_post, "I work in the same library, and I agree with the post.")

    assert Comment.objects.filter(status=Comment.Status.SPAM).count() == 4
    assert honest.status == Comment.Status.PUBLISHED


def test_rejections_a_moderator_undid_do_not_count(a_post, client, moderator_client, open_forum):
    rude = [post(client, a_post, f"Borderline remark {n}.") for n in range(3)]
    act(moderator_client, "reject_selected", rude)
    ids = ",".join(str(c.decisions.get().pk) for c in rude)
    moderator_client.post(f"/admin/moderation/decision/undo/?ids={ids}")

    again = post(client, a_post, "A calmer remark.")

    assert again.status == Comment.Status.PUBLISHED


def test_comments_a_moderator_marked_as_spam_count_as_rejected(
    a_post, client, moderator_client, open_forum
):
    junk = [post(client, a_post, f"Junk {n}.") for n in range(3)]
    act(moderator_client, "spam_selected", junk, url=COMMENTS)

    again = post(client, a_post, "More junk.")

    assert (again.status, again.hold_reason) == (Comment.Status.PENDING, TROLL_REASON)


def browsers_cell(moderator_client) -> list[str]:
    page = moderator_client.get(QUEUE).content.decode()
    # Shown under the author, after their record.
    return re.findall(r'<span class="desk-record">(\d+ browsers?)</span>', page)


def test_the_queue_shows_three_browsers_behind_one_shared_address(
    a_post, moderator_client, no_rate_limits
):
    for n in range(3):
        post(Client(), a_post, f"From the library, reader {n}.")

    assert browsers_cell(moderator_client) == ["3 browsers"] * 3


def test_the_queue_shows_one_browser_for_one_person_posting_twice(
    a_post, moderator_client, no_rate_limits
):
    one = Client()
    post(one, a_post, "First thought.", address="10.7.1.1")
    post(one, a_post, "Second thought.", address="10.7.1.1")
    post(Client(), a_post, "Someone elsewhere.", address="10.7.2.2")

    assert browsers_cell(moderator_client) == ["1 browser"] * 3


def test_the_browser_cookie_holds_a_random_id_and_the_comment_only_its_keyed_hash(a_post, client):
    comment = post(client, a_post, "Which browser am I?")

    request = RequestFactory().get("/")
    request.COOKIES[browsers.COOKIE] = client.cookies[browsers.COOKIE].value
    raw = request.get_signed_cookie(browsers.COOKIE, salt=browsers.SALT)
    assert re.fullmatch(r"[0-9a-f]{32}", raw)
    assert re.fullmatch(r"[0-9a-f]{32}", comment.browser) and comment.browser != raw


def test_a_forged_browser_cookie_is_replaced_by_a_fresh_id(a_post, client, no_rate_limits):
    client.cookies[browsers.COOKIE] = "0" * 32
    first = post(client, a_post, "Forged cookie.")
    second = post(client, a_post, "Second comment from the same browser.")

    assert first.browser == second.browser
    assert client.cookies[browsers.COOKIE].value != "0" * 32
