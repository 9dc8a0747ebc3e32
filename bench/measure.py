"""The forum's figures measured in-process: post pages, posting replies, the moderation queue,
search.

python -m bench.measure MANIFEST SIZES_JSON OUT_JSON CEILING_BODY
    (Django's settings from the environment; CEILING_BODY receives the smallest page's bytes)
"""

import itertools
import json
import sys
from pathlib import Path

import django

from bench.sizes import Sizes

REPLY_TEXT = "I agree with the comment above, and the caseloads in our office are the same. "


def main(manifest: dict, sizes: Sizes, out: Path, ceiling_body: Path) -> None:
    django.setup()
    result = {
        "pages": {n: _page(page, sizes) for n, page in manifest["pages"].items()},
        "replies": _replies(manifest["replies"], sizes),
        "queue": _queue(manifest["moderator"], sizes),
        "search": _search(sizes),
    }
    smallest = min(manifest["pages"].values(), key=lambda page: page["comments"])
    ceiling_body.write_bytes(_page_bytes(smallest["url"]))
    result["breakdown"] = _breakdown(smallest["url"], sizes)
    out.write_text(json.dumps(result, indent=1))


def _reader_get(url: str):
    """A GET as a first-time reader sends it (no cookies), like every request of the load test."""
    from bench import inprocess

    browser = inprocess.client()

    def get():
        browser.cookies.clear()
        return inprocess.get_ok(browser, url)

    return get


def _page(page: dict, sizes: Sizes) -> dict:
    """Cold (the thread just changed: nothing kept) and warm server time and queries of one
    post page."""
    from django.core.cache import cache

    from bench import inprocess
    from forum import conversations, pages

    def changed():
        # A new version of the page, which no process has rendered yet (forum.renders), nor
        # any of its conversations (the busy post measures a page that changed a little).
        cache.clear()
        conversations.forget()
        pages.thread_changed(page["post"])

    get = _reader_get(page["url"])
    cold = inprocess.timed(get, sizes.cold_runs, before=changed)
    get()
    warm = inprocess.timed(get, sizes.warm_runs)
    changed()
    cold_queries = inprocess.queries(get)
    warm_queries = inprocess.queries(get)
    content = get().content
    return {
        "cold": cold,
        "warm": warm,
        "queries_cold": cold_queries["count"],
        "queries_warm": warm_queries["count"],
        "sql_cold": cold_queries["all"],
        "bytes": len(content),
        "comments_shown": content.count(b'<article class="comment'),
    }


def _page_bytes(url: str) -> bytes:
    return _reader_get(url)().content


def _breakdown(url: str, sizes: Sizes) -> list[dict]:
    from bench import breakdown

    get = _reader_get(url)
    get()
    return breakdown.profile(get, sizes.warm_runs * 4)


def _replies(targets: dict, sizes: Sizes) -> dict:
    """Time to post a reply near the start of the largest conversation, by service and by HTTP.
    The sizes take turns, one reply each per round, so that a burst of other work on the machine
    weighs on every size alike: the target is a ratio between them."""
    from bench import inprocess

    actions = {n: _reply_actions(target) for n, target in targets.items()}
    times = {n: {"service": [], "http": []} for n in targets}
    for way in ("service", "http"):
        for n in targets:
            actions[n][way]()
        for _ in range(sizes.reply_runs):
            for n in targets:
                times[n][way].append(inprocess.once(actions[n][way]))
    return {
        n: {
            "service": inprocess.summary(times[n]["service"]),
            "http": inprocess.summary(times[n]["http"]),
            "queries_service": inprocess.queries(actions[n]["service"]),
            "queries_http": inprocess.queries(actions[n]["http"])["count"],
            "conversation_size": actions[n]["conversation_size"],
        }
        for n in targets
    }


def _reply_actions(target: dict) -> dict:
    """Two ways to post a reply to the target's comment, each with a text never posted before."""
    from bench import inprocess
    from blogarchive.models import Post
    from forum import services
    from forum.models import Comment

    post = Post.objects.get(pk=target["post"])
    parent = Comment.objects.get(pk=target["parent"])
    numbers = itertools.count()
    browser = inprocess.client()

    def by_service():
        n = next(numbers)
        services.submit_comment(
            post=post, parent=parent, author_name="", body=f"{n}. {REPLY_TEXT}", commenter=f"b{n}"
        )

    def by_http():
        data = {"author_name": "", "body": f"{next(numbers)}. {REPLY_TEXT}", "parent": parent.pk}
        response = browser.post(target["url"], data | {"website": ""})
        inprocess.finish_request()
        if response.status_code != 302:
            raise RuntimeError(f"reply answered {response.status_code}: {response.content[:300]}")

    size = parent.get_root().get_descendant_count() + 1
    return {"service": by_service, "http": by_http, "conversation_size": size}


def _queue(username: str, sizes: Sizes) -> dict:
    """The admin's moderation queue, first page, as a logged-in moderator sees it."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from bench import inprocess
    from forum.models import Comment

    browser = inprocess.client()
    browser.force_login(get_user_model().objects.get(username=username))
    url = reverse("admin:moderation_pendingcomment_changelist")

    def get():
        return inprocess.get_ok(browser, url)

    get()
    timing = inprocess.timed(get, sizes.queue_runs)
    queries = inprocess.queries(get)
    content = get().content
    return {
        "server": timing,
        "queries": queries["count"],
        "slowest": queries["slowest"],
        "pending": Comment.objects.pending().count(),
        "rows_shown": content.count(b'name="_selected_action"'),
    }


# A word in about half the comments, two words, and a phrase with a word left out: the
# synthetic comments draw on a small vocabulary, so each finds tens of thousands of comments,
# which the database must rank before it can show the best twenty.
SEARCHES = ("caseload", "Grayling privatisation", '"probation officer" -strike')


def _search(sizes: Sizes) -> dict:
    """The search page, first page of results, for a few queries over every comment."""
    from urllib.parse import urlencode

    from django.urls import reverse

    from bench import inprocess
    from forum import search
    from forum.models import Comment

    browser = inprocess.client()
    measured = {}
    for query in SEARCHES:

        def get(query=query):
            return inprocess.get_ok(browser, f"{reverse('forum:search')}?{urlencode({'q': query})}")

        get()
        sent = inprocess.queries(get)
        measured[query] = {
            "server": inprocess.timed(get, sizes.queue_runs),
            "queries": sent["count"],
            "slowest": sent["slowest"],
            "found": search.search(query).counts,
        }
    return {
        "comments": Comment.objects.count(),
        "published": Comment.objects.published().count(),
        "queries": measured,
    }


if __name__ == "__main__":
    main(
        json.loads(Path(sys.argv[1]).read_text()),
        Sizes.from_json(sys.argv[2]),
        Path(sys.argv[3]),
        Path(sys.argv[4]),
    )
