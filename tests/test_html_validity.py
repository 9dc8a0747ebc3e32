"""Every page readers and moderators meet, in each of its states, is valid HTML (Nu Checker).

The checker is a Java program that is slow to start, so every page is checked in one run.
Without Java or the checker (`make test-tools`) the test is skipped, unless REQUIRE_BROWSER is
set, as CI sets it.
"""

import io
import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from blogarchive.models import Post
from forum.models import Comment
from moderation import email_links, services
from moderation.models import Decision, ModerationPolicy
from tests.factories import make_comment, make_moderator

VNU = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def checker() -> list[str]:
    java = shutil.which("java")
    if java and VNU.exists():
        return [java, "-jar", str(VNU)]
    reason = "Java or the Nu HTML Checker is missing (make test-tools installs them)"
    if os.environ.get("REQUIRE_BROWSER"):
        pytest.fail(f"{reason}, and REQUIRE_BROWSER is set")
    pytest.skip(reason)


def page(client: Client, url: str, *, status: int = 200, data: dict | None = None) -> str:
    response = client.post(url, data) if data is not None else client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def post_comment(client: Client, post: Post, body: str, **fields):
    return client.post(post.get_absolute_url(), {"author_name": "", "body": body, **fields})


def every_page_in_every_state(client: Client) -> dict[str, str]:
    """The HTML of each page a reader, an author or a moderator meets, by a name for it."""
    post = Post.objects.get(title="The Waiting Game 2")
    url = post.get_absolute_url()
    first = Comment.objects.filter(post=post).order_by("tree_id", "lft").first()
    pages = {
        "home": page(client, "/"),
        "home, page 2": page(client, "/?page=2"),
        "year archive": page(client, "/2014/"),
        "month archive": page(client, "/2014/10/"),
        "post": page(client, url),
        "post with times that link": page(client, "/2016/06/probation-system-review/"),
        "post with the reply form open": page(client, f"{url}?reply={first.pk}"),
        "post with an empty comment refused": page(client, url, status=400, data={"body": " "}),
        "post with an empty reply refused": page(
            client, url, status=400, data={"body": "", "parent": first.pk}
        ),
        "report page": page(client, f"/comments/{first.pk}/report/"),
        "your comments, none yet": page(client, "/your-comments/"),
        "search": page(client, "/search/?q=probation"),
        "search, nothing found": page(client, "/search/?q=zzzzqqq"),
        "not found": page(client, "/no-such-page/", status=404),
    }

    post_comment(client, post, "Held, as every comment is now.")
    pages["post with the reader's own held comment"] = page(client, url)
    pages["your comments, one held"] = page(client, "/your-comments/")

    ModerationPolicy.objects.filter(pk=1).update(min_seconds_between=600)
    post_comment(client, post, "Too soon after the last one.")
    pages["slow down"] = page(client, url, status=429, data={"body": "And again."})

    services.decide([first.pk], Decision.Action.REJECT, allowed=services.TAKE_DOWN)
    pages["post with a placeholder for a rejected comment"] = page(client, url)

    moderator = make_moderator("mod")
    held = Comment.objects.get(body="Held, as every comment is now.")
    link = urlsplit(email_links.make_link(held, Decision.Action.APPROVE, moderator))
    link = f"{link.path}?{link.query}"
    pages["one-click link, asking"] = page(client, link)
    pages["one-click link, done"] = page(client, link, data={})
    with_moderator = Client()
    with_moderator.force_login(moderator)
    post_comment(Client(), post, "Another one for the moderator.")
    waiting = make_comment(
        post=post,
        parent=Comment.objects.published().filter(post=post).order_by("tree_id", "lft").first(),
        body="Held with a link https://example.org/x and X123456 in it.",
        status=Comment.Status.PENDING,
        hold_reason="personal information: case reference",
    )
    pages["post as a moderator sees it"] = page(with_moderator, url)
    pages["admin index with the queue's count"] = page(with_moderator, "/admin/")
    pages["admin queue"] = page(
        with_moderator, reverse("admin:moderation_pendingcomment_changelist")
    )
    pages["admin comment page with its decision buttons"] = page(
        with_moderator, reverse("admin:moderation_pendingcomment_change", args=[waiting.pk])
    )
    pages["admin policy and its history"] = page(
        with_moderator, reverse("admin:moderation_moderationpolicy_change", args=[1])
    )
    decision = Decision.objects.get(comment=first, action=Decision.Action.REJECT)
    undo = f"{reverse('admin:moderation_decision_undo')}?ids={decision.pk}"
    pages["admin undo"] = page(with_moderator, undo)
    return pages


def test_every_page_is_valid_html(db, client, tmp_path):
    command = checker()
    call_command("import_blog", verbosity=0, stdout=io.StringIO())
    pages = every_page_in_every_state(client)
    files = {}
    for number, (name, html) in enumerate(pages.items()):
        files[str(tmp_path / f"page{number}.html")] = name
        (tmp_path / f"page{number}.html").write_text(html)

    run = subprocess.run(
        [*command, "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    messages = json.loads(run.stderr)["messages"]
    errors = [
        f"{files[m['url'].removeprefix('file:')]}, line {m.get('lastLine')}: {m['message']}"
        f"\n    {m.get('extract', '').strip()}"
        for m in messages
    ]
    assert not errors, "\n".join(errors)
    assert run.returncode == 0
