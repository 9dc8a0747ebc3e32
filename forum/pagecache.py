"""Whole post pages, kept ready to send to the readers who all see the same thing.

A reader with no session, no comments of their own and no message waiting sees what every such
reader sees, except for the CSRF token and the one-use form token (forum.submissions) in the
comment form. For them each process keeps the rendered page in its own bounded cache, cut where
those tokens go; serving one again is a read of two generations from `forum.counters` (Redis,
or one small query), no template: the cuts are filled with this reader's CSRF token and a form
token minted for this copy of the page alone.

An entry is good while the generations it was built under are current: one for its post, one
for the whole site, each read before the page's data was. A change replaces the generation at
once and again when its transaction has committed, so the next reader misses and renders
afresh; a reader who rendered the old data in between stores an entry under a generation that
is no longer current, which is never read (it expires). What changes:

- the thread: `forum.caching.thread_changed()`;
- a post edited or deleted, or the comment policy: the site generation (rare);
- the date: a post's comments can close, or come under moderation, at midnight by age alone,
  so no entry outlives the day it was built in;
- the code and templates: the key carries a stamp of them, so a deploy starts afresh.

While the generations cannot be read (Redis down) no page is kept or served from keeping: pages
are rendered afresh. A change that could not be announced then is announced site-wide as soon
as the counters answer again.
"""

import hashlib
import re
import time as clock
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import cache as once
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import get_conditional_response

from forum import counters, ownership, renders, submissions

SITE = "page:gen:site"
# More pages of conversations than any thread has; a longer ?page= is nobody's page.
MAX_PAGE_DIGITS = 5
# The hidden inputs whose values are each reader's own, by what fills them.
CSRF, FORM = "csrf", "form"
_HOLES = {"csrfmiddlewaretoken": CSRF, submissions.FIELD: FORM}
_TOKEN_INPUT = re.compile(
    rf'<input type="hidden" name="({"|".join(_HOLES)})" value="(?P<value>[^"]*)"'
)


@dataclass(frozen=True)
class Entry:
    parts: tuple[bytes, ...]  # the page's bytes, cut where each reader's own values go
    holes: tuple[str, ...]  # what goes in each cut, in order: CSRF or FORM
    digest: str
    site: int  # the generations it was built under
    post: int
    expires: float  # time.time() at the next midnight, when it may no longer be the page

    @property
    def needs_token(self) -> bool:
        return CSRF in self.holes

    def filled(self, csrf_token: bytes) -> bytes:
        """The page with this reader's CSRF token, and a new token in each comment form."""
        pieces = [self.parts[0]]
        for hole, part in zip(self.holes, self.parts[1:], strict=True):
            pieces.append(csrf_token if hole == CSRF else submissions.new_token().encode())
            pieces.append(part)
        return b"".join(pieces)


def cacheable(request) -> bool:
    """Whether this request is for the page every anonymous reader shares."""
    if request.method not in ("GET", "HEAD"):
        return False
    # Comments of their own, a session or a message waiting make a page the reader's alone.
    personal = {ownership.COOKIE, settings.SESSION_COOKIE_NAME, "messages"}
    if personal & request.COOKIES.keys():
        return False
    # Only the plain page and its numbered pages: ?reply= opens a form of its own.
    query = request.GET
    return not query or (query.keys() == {"page"} and page_number(query) is not None)


def page_number(query) -> int | None:
    """The one ?page= of a query as a thread page number, if written the one way it can be.

    ASCII digits without a leading zero, and only a few: "٢", "02", "2&page=2" or a hundred
    digits would each name a page of its own to keep, so anyone could fill the cache at will.
    """
    values = query.getlist("page")
    if len(values) != 1:
        return None
    text = values[0]
    if not (text.isascii() and text.isdigit()) or text[0] == "0" or len(text) > MAX_PAGE_DIGITS:
        return None
    return int(text)


def place(year: int, month: int, slug: str) -> str:
    """What names a post here, as its address does."""
    return f"{year:04d}/{month:02d}/{slug}"


def lookup(request, where: str) -> tuple[Entry | None, dict]:
    """The kept page if it is still good, and the generations now current ({} if unknown)."""
    post_key = _post_key(where)
    try:
        _announce_missed_changes()
        generations = counters.generations([SITE, post_key])
    except counters.Unavailable:
        return None, {}
    entry = cache.get(_entry_key(request, where))
    if not _current(entry, generations, post_key):
        return None, generations
    return entry, generations


def _current(entry, generations: dict, post_key: str) -> bool:
    return (
        isinstance(entry, Entry)
        and entry.site == generations[SITE]
        and entry.post == generations[post_key]
        and entry.expires > clock.time()
    )


def respond(request, entry: Entry) -> HttpResponse:
    """The stored page for this reader: a 304 if they have it, else the page with their token."""
    token = get_token(request).encode() if entry.needs_token else b""
    etag = validator(request, entry.digest)
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return not_modified
    response = HttpResponse(entry.filled(token))
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


def validator(request, digest: str) -> str:
    """The shared page's ETag for this reader. It changes with their CSRF secret too (the one
    the response leaves in their cookie), as the form in their copy carries a token of it."""
    secret = request.META.get("CSRF_COOKIE", "")
    return f'"{hashlib.blake2b(f"{digest}:{secret}".encode(), digest_size=12).hexdigest()}"'


def render_once(request, where: str, digest: str, generations: dict, render) -> HttpResponse:
    """The shared page, rendered by one process of all for each version of it: the others wait
    for that copy (forum.renders) and serve it with their reader's own tokens."""
    if not generations:
        return _validated(request, render(), digest)
    rendered = None

    def render_here() -> bytes | None:
        nonlocal rendered
        rendered = render()
        return _blanked(rendered.content) if rendered.status_code == 200 else None

    shared = renders.once(_shared_key(request, where, generations), render_here)
    if rendered is None:
        entry = _entry(shared, digest, generations, where)
        _keep(request, where, entry)
        return respond(request, entry)
    if rendered.status_code == 200:
        store(request, where, rendered, digest, generations)
    return _validated(request, rendered, digest)


def _validated(request, response: HttpResponse, digest: str) -> HttpResponse:
    if response.status_code == 200:
        response["ETag"] = validator(request, digest)
        response["Cache-Control"] = "private, no-cache"
    return response


def store(request, where: str, response: HttpResponse, digest: str, generations: dict) -> None:
    """Keep a freshly rendered shared page, under the generations read before its data was."""
    if not generations:
        return
    _keep(request, where, _entry(response.content, digest, generations, where))


def _entry(content: bytes, digest: str, generations: dict, where: str) -> Entry:
    parts, holes = _cut(content.decode())
    return Entry(
        parts=parts,
        holes=holes,
        digest=digest,
        site=generations[SITE],
        post=generations[_post_key(where)],
        expires=clock.time() + _seconds_left_today(),
    )


def _keep(request, where: str, entry: Entry) -> None:
    cache.set(_entry_key(request, where), entry, max(int(entry.expires - clock.time()), 1))


def _blanked(content: bytes) -> bytes:
    """The page with each reader's own values left out, as it is shared between processes."""
    return b"".join(_cut(content.decode())[0])


def _cut(content: str) -> tuple[tuple[bytes, ...], tuple[str, ...]]:
    """The page's bytes cut where each reader's own values go, and what goes in each cut."""
    parts, holes, start = [], [], 0
    for found in _TOKEN_INPUT.finditer(content):
        parts.append(content[start : found.start("value")].encode())
        holes.append(_HOLES[found.group(1)])
        start = found.end("value")
    parts.append(content[start:].encode())
    return tuple(parts), tuple(holes)


def post_changed(where: str) -> None:
    """No kept page of that post is good any more, from now and again after the commit."""
    _replace_generation(_post_key(where))


def site_changed() -> None:
    """No kept page is good any more, from now and again after the commit."""
    _replace_generation(SITE)


# Changes this process could not announce while the counters were unreachable.
_missed: set[str] = set()


def _replace_generation(key: str) -> None:
    # Now, so that this transaction's own later reads miss; and once more after the commit,
    # for a reader who rendered the old data between now and then.
    _renew(key)
    transaction.on_commit(lambda: _renew(key))


def _renew(key: str) -> None:
    # Called after COMMIT too: an unreachable store must not turn a stored change into an error.
    try:
        counters.renew(key)
    except counters.Unavailable:
        _missed.add(key)


def _announce_missed_changes() -> None:
    """Make every kept page stale once the counters answer again after a missed change."""
    if _missed:
        counters.renew(SITE)
        _missed.clear()


def _post_key(where: str) -> str:
    return f"page:gen:{_digest(where)}"


def _entry_key(request, where: str) -> str:
    return f"page:{build_stamp()}:{_digest(f'{where}?{request.GET.urlencode()}')}"


def _shared_key(request, where: str, generations: dict) -> str:
    # The date too: a copy shared just before midnight is not the page of the day after.
    version = f"{generations[SITE]}:{generations[_post_key(where)]}:{timezone.localdate()}"
    return f"{_entry_key(request, where)}:{version}"


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _seconds_left_today() -> int:
    now = timezone.localtime()
    midnight = datetime.combine(now.date() + timedelta(days=1), time(), tzinfo=now.tzinfo)
    return max(int((midnight - now).total_seconds()), 1)


@once
def build_stamp() -> str:
    """Changes with the templates, the static files and the code that renders a thread."""
    root = Path(settings.BASE_DIR)
    sources = sorted(
        path
        for folder in ("templates", "static", "forum")
        for path in (root / folder).rglob("*")
        if path.is_file() and path.suffix in {".html", ".css", ".js", ".py"}
    )
    digest = hashlib.blake2b(digest_size=6)
    digest.update(str(settings.FORUM_COMMENTS_PER_PAGE).encode())
    for path in sources:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _post_saved(sender, instance, created, **kwargs) -> None:
    # An edited post may have moved to another address; a new one is the previous or next
    # post that the pages of its neighbours link to.
    site_changed()


def _site_wide(sender, **kwargs) -> None:
    site_changed()


def connect_signals() -> None:
    """Follow the changes that no service announces: posts and the policy, saved anywhere."""
    from blogarchive.models import Post
    from moderation.models import ModerationPolicy

    post_save.connect(_post_saved, sender=Post, dispatch_uid="pagecache-post-saved")
    post_delete.connect(_site_wide, sender=Post, dispatch_uid="pagecache-post-deleted")
    post_save.connect(_site_wide, sender=ModerationPolicy, dispatch_uid="pagecache-policy")
