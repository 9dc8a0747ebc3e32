"""Kept post pages: may this response be shared, is a kept copy current, keep it.

A reader with no session, no comments of their own and no message waiting sees what every such
reader sees, except for the CSRF token and the one-use form token (forum.submissions) in the
comment forms. For them each process keeps the rendered page in its own bounded cache, cut where
those tokens go; serving it again (forum.middleware.KeptPageMiddleware, before the rest of the
middleware) is a read of two generations from `forum.counters`, no template and no other SQL.
The HTML of a page of the thread is kept the same way, for readers whose page is their own.

This module alone knows what makes a kept page stale. It is current while these are as they
were when it was built:

- the post's generation: `thread_changed()` (a comment added, decided, edited or removed);
- the site's generation: `site_changed()` (a post saved or deleted, a label renamed or deleted,
  a post filed under a label or taken off it, the comment policy);
- the day: a post's comments can close, or come under moderation, at midnight by age alone;
- the policy's `until`: a lockdown that ends by the clock changes no generation;
- the build stamp: a deploy (code, templates, static files) starts afresh.

One exception, for a busy thread: once a page has gone stale, one process of all renders the
next version (forum.renders) while the others go on serving the page they had, for at most
STALE_WHILE_RENDERING seconds after they last found it current. A reader whose copy is older
than that waits for the new version instead.

Generations are read before the data they guard, and a change replaces its generation at once
and again when its transaction has committed: a reader who rendered the old data in between
keeps it under a generation that is no longer current, which is never read (it expires).
While the generations cannot be read (Redis down) nothing is kept or served from keeping; a
change that could not be announced then is announced site-wide once the counters answer again.
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
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import get_conditional_response

from blogarchive.models import Label, Post
from forum import counters, ownership, renders, submissions, threads

SITE = "page:gen:site"
# More pages of conversations than any thread has; a longer ?page= is nobody's page.
MAX_PAGE_DIGITS = 5
# The hidden inputs whose values are each reader's own, by what fills them.
CSRF, FORM = "csrf", "form"
_HOLES = {"csrfmiddlewaretoken": CSRF, submissions.FIELD: FORM}
_TOKEN_INPUT = re.compile(
    rf'<input type="hidden" name="({"|".join(_HOLES)})" value="(?P<value>[^"]*)"'.encode()
)


@dataclass(frozen=True)
class Generations:
    """The generations a post's pages are built under: the site's and the post's own."""

    post_key: str
    site: int
    post: int


@dataclass(frozen=True)
class Entry:
    parts: tuple[bytes, ...]  # the page's bytes, cut where each reader's own values go
    holes: tuple[str, ...]  # what goes in each cut, in order: CSRF or FORM
    built_under: Generations
    expires: float  # time.time() when it may no longer be the page: midnight, or `until`
    version: str  # what every reader's validator of this page is made from

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


def shareable(request) -> bool:
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


def generations(where: str) -> Generations | None:
    """The generations now current for the pages of the post at `where` (None: unknown)."""
    return _read(_post_key(where))


def _read(post_key: str) -> Generations | None:
    try:
        _announce_missed_changes()
        found = counters.generations([SITE, post_key])
    except counters.Unavailable:
        return None
    return Generations(post_key, found[SITE], found[post_key])


# How long a page that has just gone stale may still be served while one process renders the
# next version: readers are not all held up by that render, nor all make it themselves.
STALE_WHILE_RENDERING = 1.0
# When each kept page of this process was last found current (time.monotonic()), by its key.
_found_current: dict[str, float] = {}


def kept(request) -> Entry | None:
    """The kept copy of the page asked for, if there is one and it is current; or, for at most
    STALE_WHILE_RENDERING seconds after it last was, while another process renders the next."""
    if not shareable(request):
        return None
    key = _entry_key(request)
    entry = cache.get(key)
    if not isinstance(entry, Entry) or entry.expires <= clock.time():
        return None
    current = _read(entry.built_under.post_key)
    if current == entry.built_under:
        _note_current(key)
        return entry
    if current is not None and _lately_current(key):
        next_version = f"page:{_version(request, current, entry.expires)}"
        if renders.underway(next_version):
            return entry
    return None


def _lately_served(request) -> Entry | None:
    """This process's copy of the page, if it was last found current at most
    STALE_WHILE_RENDERING seconds ago."""
    key = _entry_key(request)
    entry = cache.get(key) if _lately_current(key) else None
    return entry if isinstance(entry, Entry) and entry.expires > clock.time() else None


def _note_current(key: str) -> None:
    if len(_found_current) > 10_000:
        _found_current.clear()  # a bound: forgetting only means waiting for the next render
    _found_current[key] = clock.monotonic()


def _lately_current(key: str) -> bool:
    found = _found_current.get(key)
    return found is not None and clock.monotonic() - found <= STALE_WHILE_RENDERING


def serve(request, entry: Entry) -> HttpResponse:
    """The kept page for this reader: a 304 if they have it, else the page with their tokens."""
    token = get_token(request).encode() if entry.needs_token else b""
    response = HttpResponse(entry.filled(token))
    response["Content-Length"] = str(len(response.content))
    return _validated(request, response, entry.version)


def keep(request, response, built_under: Generations | None, until: datetime | None):
    """Keep a freshly rendered shareable page, built under `built_under`, at most until `until`;
    the response, with the validator every copy of it carries (or a 304)."""
    if built_under is None or response.status_code != 200:
        return response
    entry = _kept(request, _cut(response.content), built_under, _expires(until))
    return _validated(request, response, entry.version)


def keep_once(request, built_under: Generations | None, until: datetime | None, render):
    """keep(render()), with one process of all rendering each version of the page: the others
    wait for its copy (forum.renders) and serve it with their reader's own tokens; or, if their
    process served the page a moment ago (STALE_WHILE_RENDERING), that copy meanwhile."""
    expires = _expires(until)
    if built_under is None or expires <= clock.time():
        return keep(request, render(), built_under, until)
    previous = _lately_served(request)
    made = _Rendering(request, render, built_under, expires)
    try:
        shared = renders.once(
            f"page:{_version(request, built_under, expires)}", made, wait=previous is None
        )
    except renders.Elsewhere:
        return serve(request, previous)
    if made.response is None:
        return serve(request, _kept(request, _cut(shared), built_under, expires))
    return made.response


class _Rendering:
    """A render of a shareable page, kept in this process; what it returns is what the others
    may share (without this reader's own values: each process fills in its readers' own)."""

    def __init__(self, request, render, built_under: Generations, expires: float):
        self.request, self.render = request, render
        self.built_under, self.expires = built_under, expires
        self.response = None

    def __call__(self) -> bytes | None:
        self.response = self.render()
        if self.response.status_code != 200:
            return None
        cut = _cut(self.response.content)
        entry = _kept(self.request, cut, self.built_under, self.expires)
        self.response = _validated(self.request, self.response, entry.version)
        return b"".join(cut[0])


def _kept(request, cut, built_under: Generations, expires: float) -> Entry:
    """The page's copy, cut where each reader's own values go, kept in this process's cache."""
    parts, holes = cut
    entry = Entry(parts, holes, built_under, expires, _version(request, built_under, expires))
    key = _entry_key(request)
    cache.set(key, entry, max(int(expires - clock.time()), 1))
    _note_current(key)
    return entry


def _expires(until: datetime | None) -> float:
    expires = _midnight().timestamp()
    return expires if until is None else min(expires, until.timestamp())


def _version(request, built_under: Generations, expires: float) -> str:
    return _digest(f"{built_under}:{build_stamp()}:{expires}:{request.get_full_path()}")


def _validated(request, response: HttpResponse, version: str) -> HttpResponse:
    # The validator changes with the reader's CSRF secret too (the one the response leaves in
    # their cookie), as the forms in their copy carry a token of it.
    secret = request.META.get("CSRF_COOKIE", "")
    etag = f'"{_digest(f"{version}:{secret}")}"'
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return not_modified
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


def _cut(content: bytes) -> tuple[tuple[bytes, ...], tuple[str, ...]]:
    """The page's bytes cut where each reader's own values go, and what goes in each cut."""
    parts, holes, start = [], [], 0
    for found in _TOKEN_INPUT.finditer(content):
        parts.append(content[start : found.start("value")])
        holes.append(_HOLES[found.group(1).decode()])
        start = found.end("value")
    parts.append(content[start:])
    return tuple(parts), tuple(holes)


def thread_page(post: Post, number: int, viewer, built_under: Generations | None, *, keep: bool):
    """A page of the thread (threads.thread_page), kept while it is the same for everyone if
    `keep`: not for a page that is itself kept whole, whose thread nobody would read again."""
    if built_under is None or not keep or not viewer.is_anonymous_reader:
        return threads.thread_page(post, number, viewer)
    # Closing a post (by hand, or by age at midnight) takes every Reply link off the page.
    state = "open" if viewer.comments_open else "closed"
    key = f"thread:{_digest(f'{built_under}:{build_stamp()}:{_midnight()}:{number}:{state}')}"
    page = cache.get(key)
    if page is None:
        page = threads.thread_page(post, number, viewer)
        cache.set(key, page, max(int(_midnight().timestamp() - clock.time()), 1))
    return page


def thread_changed(post_id: int) -> None:
    """What readers see of a post's thread has changed: no kept page of it is current."""
    published, slug = Post.objects.values_list("published", "slug").get(pk=post_id)
    _replace_generation(_post_key(place(published.year, published.month, slug)))


def site_changed() -> None:
    """Something every page may show has changed: no kept page is current."""
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


def _entry_key(request) -> str:
    return f"page:{build_stamp()}:{_digest(request.get_full_path())}"


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _midnight() -> datetime:
    """The end of today, in the site's time zone."""
    now = timezone.localtime()
    return datetime.combine(now.date() + timedelta(days=1), time(), tzinfo=now.tzinfo)


@once
def build_stamp() -> str:
    """Changes with the templates, the static files and the code that renders a page."""
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


def _post_saved(sender, **kwargs) -> None:
    # An edited post may have moved to another address; a new or deleted one is the previous
    # or next post that the pages of its neighbours link to.
    site_changed()


def _label_saved(sender, created: bool = False, **kwargs) -> None:
    # A post page shows each of its labels' name and address; a new label is on no post yet.
    if not created:
        site_changed()


def _filing_changed(sender, action: str, **kwargs) -> None:
    # Posts filed under a label or taken off it, from either side (post.labels, label.posts).
    if action in ("post_add", "post_remove", "post_clear"):
        site_changed()


def connect_signals() -> None:
    """Follow posts and their labels saved or deleted anywhere: blogarchive cannot call forum
    to say so."""
    post_save.connect(_post_saved, sender=Post, dispatch_uid="pages-post-saved")
    post_delete.connect(_post_saved, sender=Post, dispatch_uid="pages-post-deleted")
    post_save.connect(_label_saved, sender=Label, dispatch_uid="pages-label-saved")
    post_delete.connect(_label_saved, sender=Label, dispatch_uid="pages-label-deleted")
    m2m_changed.connect(
        _filing_changed, sender=Post.labels.through, dispatch_uid="pages-filing-changed"
    )
