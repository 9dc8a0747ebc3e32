"""Write parsed blog pages to the database: one transaction per file, idempotent.

A post's natural key is (published, title); a comment's is its place in the page's thread (see
forum.services.import_thread). Importing the same page twice finds every row already there and
writes nothing.
"""

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify

from blogarchive import parsing
from blogarchive.models import Post
from forum import markup, services
from forum.importing import readahead
from forum.models import Comment

TITLES_SUFFIX = ".titles"
# Past this many files a helper process reads, parses and renders pages ahead of the one that
# writes them (it costs a second or so to start); this many pages at most wait, ready.
READ_AHEAD_FROM = 50
READ_AHEAD = 16


class ImportFailed(Exception):
    """A file could not be imported; nothing of it was written."""

    def __init__(self, path: Path, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = path, line, message

    def __reduce__(self):
        # So that a failure found in the read-ahead process reaches the writer whole.
        return type(self), (self.path, self.line, self.message)


@dataclass
class FileReport:
    path: Path
    posts_created: int = 0
    posts_existing: int = 0
    comments_created: int = 0
    comments_existing: int = 0
    decisions: list[parsing.TitleDecision] = field(default_factory=list)
    doubts: list[parsing.Doubt] = field(default_factory=list)
    titles_from: Path | None = None

    @property
    def changed(self) -> bool:
        return bool(self.posts_created or self.comments_created)


def page_files(paths: list[Path]) -> list[Path]:
    """Expand folders into their .txt pages, sorted; files are taken as given."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.suffix == ".txt" and p.is_file()))
        else:
            found.append(path)
    return found


def read_page(path: Path) -> tuple[str, list[str] | None, Path | None]:
    """The page's text and, if a curator left a sidecar file beside it, its list of titles."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise ImportFailed(path, 0, "no such file") from None
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        raise ImportFailed(path, line, "not valid UTF-8 text") from None
    except OSError as error:
        raise ImportFailed(path, 0, error.strerror or str(error)) from None
    # PostgreSQL stores no NUL character in text (SQLite would): refuse it the same everywhere.
    if (nul := text.find("\x00")) >= 0:
        line = text[:nul].replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1
        raise ImportFailed(path, line, "contains a NUL character")
    sidecar = path.with_suffix(TITLES_SUFFIX)
    if not sidecar.is_file():
        return text, None, None
    return text, parsing.read_titles_file(sidecar.read_text("utf-8-sig")), sidecar


@dataclass(frozen=True)
class PreparedPage:
    """A page read, parsed, checked and its comments rendered: all but the writing."""

    path: Path
    page: parsing.ParsedPage
    sidecar: Path | None
    html: dict[str, str]  # each comment's body, sanitised (forum.markup)

    def render(self, body: str) -> str:
        return self.html[body] if body in self.html else markup.render(body)


def prepare(path: Path) -> PreparedPage:
    """Everything about one page that needs no database; raise ImportFailed on any error."""
    text, titles, sidecar = read_page(path)
    try:
        page = parsing.parse_page(text, titles=titles)
    except parsing.ParseError as error:
        raise ImportFailed(path, error.line, error.message) from None
    _check_lengths(path, page)
    bodies = {c.body for parsed in page.posts for c in _walk(parsed.comments)}
    return PreparedPage(path, page, sidecar, {body: markup.render(body) for body in bodies})


def write(prepared: PreparedPage, *, dry_run: bool = False) -> FileReport:
    """Write a prepared page in one transaction."""
    page = prepared.page
    report = FileReport(
        path=prepared.path,
        decisions=list(page.decisions),
        doubts=list(page.doubts),
        titles_from=prepared.sidecar,
    )
    with transaction.atomic():
        for parsed in page.posts:
            _write_post(prepared, parsed, report)
        if dry_run:
            transaction.set_rollback(True)
    return report


def import_file(path: Path, *, dry_run: bool = False) -> FileReport:
    """Parse one page and write it in one transaction; raise ImportFailed on any error."""
    return write(prepare(path), dry_run=dry_run)


def import_files(
    paths: list[Path], *, dry_run: bool = False
) -> Iterator[FileReport | ImportFailed]:
    """Import each page in turn: its report, or the failure that left it unwritten."""
    for prepared in _prepared(paths):
        if isinstance(prepared, ImportFailed):
            yield prepared
            continue
        try:
            yield write(prepared, dry_run=dry_run)
        except ImportFailed as failure:
            yield failure


def _prepared(paths: list[Path]) -> Iterator[PreparedPage | ImportFailed]:
    """Each page prepared, in order; for many pages, by a helper process while the previous
    ones are written (parsing and rendering are half the work), a few pages ahead."""
    if len(paths) < READ_AHEAD_FROM or (os.cpu_count() or 1) < 2:
        yield from map(_Attempt(prepare), paths)
        return
    # spawn, not fork: the writer holds database connections and may run threads.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=context, initializer=readahead.start) as pool:
        waiting: deque = deque()
        for path in paths:
            waiting.append(pool.submit(_Attempt(prepare), path))
            if len(waiting) >= READ_AHEAD:
                yield waiting.popleft().result()
        while waiting:
            yield waiting.popleft().result()


@dataclass(frozen=True)
class _Attempt:
    """action(path), or the ImportFailed it raised, returned (picklable, for the pool)."""

    action: Callable[[Path], PreparedPage]

    def __call__(self, path: Path) -> PreparedPage | ImportFailed:
        try:
            return self.action(path)
        except ImportFailed as failure:
            return failure


def _check_lengths(path: Path, page: parsing.ParsedPage) -> None:
    """Refuse at its line a title, name or comment too long, before anything is written.

    PostgreSQL would refuse a title or name too long for its column with a DataError, a
    traceback rather than file:line; SQLite would store it whole. Either way the page is
    damaged. A comment is held to the length a reader may post (Blogger's was 4,096).
    """
    title_max = Post._meta.get_field("title").max_length
    author_max = Comment._meta.get_field("author_name").max_length
    body_max = settings.FORUM_MAX_COMMENT_LENGTH
    for parsed in page.posts:
        if len(parsed.title) > title_max:
            message = f"a title of {len(parsed.title)} characters (at most {title_max})"
            raise ImportFailed(path, parsed.line, message)
        for comment in _walk(parsed.comments):
            if len(comment.author or "") > author_max:
                message = f"a commenter's name of {len(comment.author)} characters"
                raise ImportFailed(path, comment.line, f"{message} (at most {author_max})")
            if len(comment.body) > body_max:
                message = f"a comment of {len(comment.body)} characters (at most {body_max})"
                raise ImportFailed(path, comment.line, message)


def _walk(comments) -> Iterator[parsing.ParsedComment]:
    """Every comment of a thread in page order, replies after the comment they answer."""
    for comment in comments:
        yield comment
        yield from _walk(comment.replies)


def _write_post(prepared: PreparedPage, parsed: parsing.ParsedPost, report: FileReport) -> None:
    path = prepared.path
    post, slugs_taken = _find_post(parsed)
    created = post is None
    if created:
        post = Post.objects.create(
            title=parsed.title,
            slug=_free_slug(parsed, slugs_taken),
            published=parsed.published,
            paragraphs=list(parsed.paragraphs),
            source_file=path.name,
            source_line=parsed.line,
        )
        report.posts_created += 1
    else:
        report.posts_existing += 1
    result = services.import_thread(
        post=post, roots=parsed.comments, new_post=created, render=prepared.render
    )
    report.comments_created += result.created
    report.comments_existing += result.existing


def _find_post(parsed: parsing.ParsedPost) -> tuple[Post | None, set[str]]:
    """The post already imported as this one, if any, and the slugs like its own in its month.

    One query answers both, since a post's slug is only unique within its month.
    """
    candidates = Post.objects.in_month(parsed.published.year, parsed.published.month).filter(
        Q(published=parsed.published, title=parsed.title) | Q(slug__startswith=_slug_base(parsed))
    )
    post, slugs = None, set()
    for candidate in candidates:
        if candidate.published == parsed.published and candidate.title == parsed.title:
            post = candidate
        slugs.add(candidate.slug)
    return post, slugs


def _slug_base(parsed: parsing.ParsedPost) -> str:
    return slugify(parsed.title)[:100] or "post"


def _free_slug(parsed: parsing.ParsedPost, taken: set[str]) -> str:
    """A slug not in taken, since URLs are /year/month/slug/."""
    base = _slug_base(parsed)
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug
