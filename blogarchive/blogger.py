"""Read a Blogger backup (Atom) entry by entry, in constant memory; no Django.

Blogger has written two schemas, both read here (facts from public importers and backups:
WordPress's and jekyll-import's Blogger importers, and Takeout files quoted on GitHub):

* the current Takeout `feed.atom` (namespace http://schemas.google.com/blogger/2018): each entry
  says `blogger:type` POST, PAGE or COMMENT and `blogger:status` LIVE, DRAFT, DELETED...; a
  comment names its post in `blogger:parent` and the comment it answers in `blogger:inReplyTo`
  (empty for a top-level comment); a post's address is `blogger:filename`; labels are
  `<category term=...>`; `blogger:trashed` holds a time when the entry is in the trash and is
  empty otherwise; an author's `blogger:type` is ANONYMOUS for an anonymous commenter.
* the older export: the kind is a category of scheme http://schemas.google.com/g/2005#kind
  (term ...blogger/2008/kind#post, #comment, #page, #settings, #template); a draft has
  `<app:control><app:draft>yes`; a comment names its post in `<thr:in-reply-to ref=...>` and
  the comment it answers in a `<link rel="related">` to that comment's feed address; labels
  are categories of scheme http://www.blogger.com/atom/ns#; the address is the `alternate` link.

An id is `tag:blogger.com,1999:blog-<blog>.post-<id>`; references may be that or the number.
A backup never declares a DTD: any DOCTYPE is refused, which refuses entity expansion ("billion
laughs") and external entities before either can happen.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import BinaryIO
from urllib.parse import urlsplit
from xml.parsers import expat

ATOM = "http://www.w3.org/2005/Atom"
BLOGGER = "http://schemas.google.com/blogger/2018"
THREAD = "http://purl.org/syndication/thread/1.0"
APP = "http://purl.org/atom/app#"
KIND_SCHEME = "http://schemas.google.com/g/2005#kind"
KIND_PREFIX = "http://schemas.google.com/blogger/2008/kind#"
CHUNK = 1 << 20

_REFERENCE = re.compile(r"(?:tag:blogger\.com,1999:blog-\d+\.(?:post|comment)-)?(\d{1,30})")
_FEED_REFERENCE = re.compile(r"/(\d{1,30})/?$")
_KINDS = {"POST": "post", "PAGE": "page", "COMMENT": "comment"}
# The entry's own fields that are text: (namespace, name) -> Entry attribute.
_TEXT = {
    (ATOM, "id"): "id",
    (ATOM, "title"): "title",
    (ATOM, "content"): "html",
    (ATOM, "published"): "published",
    (BLOGGER, "type"): "type",
    (BLOGGER, "status"): "status",
    (BLOGGER, "parent"): "parent",
    (BLOGGER, "inReplyTo"): "in_reply_to",
    (BLOGGER, "filename"): "filename",
    (BLOGGER, "trashed"): "trashed",
}


# Text fields below the entry's children: an author's name and type, and a draft marker.
_NESTED_TEXT = {(ATOM, "name"), (BLOGGER, "type"), (APP, "draft")}


class Refused(ValueError):
    """A file that is not a Blogger backup this importer can trust, with the line at fault."""

    def __init__(self, line: int, message: str):
        super().__init__(f"{line}: {message}" if line else message)
        self.line, self.message = line, message


@dataclass
class Entry:
    """One entry of a backup: a post, a page or a comment, in either schema's words."""

    line: int
    kind: str = ""  # "post", "page", "comment", or "" for settings, templates...
    id: str = ""
    status: str = "live"  # "live", "draft", "deleted", or Blogger's other words, lower case
    title: str = ""
    html: str = ""
    published: datetime | None = None
    author: str = ""
    anonymous: bool = False
    labels: list[str] = field(default_factory=list)
    path: str = ""  # a post's address on the old blog: "/2014/09/a-sad-fact-of-life.html"
    post_id: str = ""  # a comment's post
    reply_to: str = ""  # the comment a comment answers


def reference(value: str, line: int) -> str:
    """The trailing number of a Blogger id or reference (either spelling), or "" for none."""
    value = value.strip()
    if not value:
        return ""
    if match := _REFERENCE.fullmatch(value):
        return match.group(1)
    if match := _FEED_REFERENCE.search(urlsplit(value).path):
        return match.group(1)
    raise Refused(line, f"cannot read the Blogger reference {value[:80]!r}")


def entries(stream: BinaryIO) -> Iterator[Entry]:
    """Every entry of the backup read from stream, in file order."""
    reader = _Reader()
    parser = reader.parser
    while chunk := stream.read(CHUNK):
        _feed(parser, chunk, False)
        yield from reader.take()
    _feed(parser, b"", True)
    yield from reader.take()
    if not reader.seen_feed:
        raise Refused(0, "not an Atom feed")


def _feed(parser, chunk: bytes, final: bool) -> None:
    try:
        parser.Parse(chunk, final)
    except expat.ExpatError as error:
        raise Refused(
            error.lineno, f"not well-formed XML ({expat.ErrorString(error.code)})"
        ) from None


class _Reader:
    """expat's handlers: they fill one entry at a time and hand each over when it ends."""

    def __init__(self):
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = self._refuse_dtd
        parser.EntityDeclHandler = self._refuse_dtd
        parser.ExternalEntityRefHandler = self._refuse_dtd
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._text
        parser.buffer_text = True
        self.parser = parser
        self.seen_feed = False
        self.done: list[Entry] = []
        self._path: list[tuple[str, str]] = []
        self._entry: Entry | None = None
        self._fields: dict[str, str] = {}
        self._text_parts: list[str] | None = None
        self._old_kind = False

    def take(self) -> list[Entry]:
        done, self.done = self.done, []
        return done

    def _refuse_dtd(self, *args) -> None:
        raise Refused(
            self.parser.CurrentLineNumber, "declares a DTD or entities (a backup has none)"
        )

    def _start(self, tag: str, attrs: dict) -> None:
        name = tuple(tag.split(" ", 1)) if " " in tag else ("", tag)
        depth = len(self._path)
        self._path.append(name)
        if depth == 0:
            if name != (ATOM, "feed"):
                raise Refused(self.parser.CurrentLineNumber, "not an Atom feed")
            self.seen_feed = True
        elif depth == 1 and name == (ATOM, "entry"):
            self._entry = Entry(line=self.parser.CurrentLineNumber)
            self._fields, self._old_kind = {}, False
        elif self._entry is not None:
            self._start_in_entry(name, depth, attrs)

    def _start_in_entry(self, name, depth: int, attrs: dict) -> None:
        entry = self._entry
        if (depth == 2 and name in _TEXT) or name in _NESTED_TEXT:
            self._text_parts = []
        elif name == (ATOM, "category"):
            self._category(attrs)
        elif name == (ATOM, "link") and depth == 2:
            rel, href = attrs.get("rel"), attrs.get("href", "")
            if rel == "alternate" and not entry.path:
                entry.path = urlsplit(href).path
            elif rel == "related":
                self._fields.setdefault("related", href)
        elif name == (THREAD, "in-reply-to"):
            self._fields["thread_ref"] = attrs.get("ref", "")

    def _category(self, attrs: dict) -> None:
        term, scheme = attrs.get("term", ""), attrs.get("scheme", "")
        if scheme == KIND_SCHEME:
            self._old_kind = True
            kind = term.removeprefix(KIND_PREFIX)
            self._entry.kind = kind if kind in {"post", "page", "comment"} else ""
        else:
            # Takeout has been seen to join several labels with newlines in one term.
            self._entry.labels.extend(t.strip() for t in term.split("\n") if t.strip())

    def _text(self, data: str) -> None:
        if self._text_parts is not None:
            self._text_parts.append(data)

    def _end(self, tag: str) -> None:
        name = self._path.pop()
        depth = len(self._path)
        if self._entry is None:
            return
        if depth == 1 and name == (ATOM, "entry"):
            self.done.append(_finish(self._entry, self._fields, self._old_kind))
            self._entry = None
        elif self._text_parts is not None:
            text, self._text_parts = "".join(self._text_parts), None
            parent = self._path[-1]
            if parent == (ATOM, "author"):
                key = "author_type" if name == (BLOGGER, "type") else "author"
                self._fields.setdefault(key, text.strip())
            elif name == (APP, "draft"):
                self._fields["draft"] = text.strip()
            elif depth == 2:
                self._fields[_TEXT[name]] = text


def _finish(entry: Entry, fields: dict[str, str], old_kind: bool) -> Entry:
    """Fill the entry from the text of its fields, in whichever schema they came."""
    line = entry.line
    if not old_kind:
        entry.kind = _KINDS.get(fields.get("type", "").strip(), "")
    if not entry.kind:
        return entry  # Settings, templates and the like: nothing of the archive's.
    entry.id = reference(fields.get("id", ""), line)
    entry.title = fields.get("title", "").strip()
    entry.html = fields.get("html", "")
    entry.published = _time(fields.get("published", ""), line)
    entry.author = fields.get("author", "")
    if old_kind:
        entry.status = "draft" if fields.get("draft") == "yes" else "live"
        entry.anonymous = entry.author == "Anonymous"
        entry.post_id = reference(fields.get("thread_ref", ""), line)
        entry.reply_to = reference(fields.get("related", ""), line)
    else:
        entry.status = fields.get("status", "LIVE").strip().lower() or "live"
        if fields.get("trashed", "").strip():
            entry.status = "deleted"
        entry.anonymous = fields.get("author_type") == "ANONYMOUS"
        entry.post_id = reference(fields.get("parent", ""), line)
        entry.reply_to = reference(fields.get("in_reply_to", ""), line)
        entry.path = fields.get("filename", "").strip() or entry.path
    if entry.anonymous:
        entry.author = ""
    if not entry.id:
        raise Refused(line, f"a {entry.kind} without an id")
    return entry


def _time(value: str, line: int) -> datetime | None:
    """An Atom time, to the second (Blogger writes milliseconds, or none)."""
    if not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise Refused(line, f"cannot read the time {value.strip()[:40]!r}") from None
    if moment.tzinfo is None:
        raise Refused(line, f"the time {value.strip()!r} has no time zone")
    return moment.replace(microsecond=0)
