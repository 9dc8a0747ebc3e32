"""Write parsed blog pages to the database: one transaction per file, idempotent.

A post's natural key is (published, title); a comment's is its place in the page's thread (see
forum.services.import_thread). Importing the same page twice finds every row already there and
writes nothing.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify

from blogarchive import parsing
from blogarchive.models import Post
from forum import services
from forum.models import Comment

TITLES_SUFFIX = ".titles"


class ImportFailed(Exception):
    """A file could not be imported; nothing of it was written."""

    def __init__(self, path: Path, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = path, line, message


@dataclass
class FileReport:
    path: Path
    posts_created: int = 0
    posts_existing: int = 0
    comments_created: int = 0
    comments_existing: int = 0
    decisions: list[parsing.TitleDecision] = field(default_factory=list)
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


def import_file(path: Path, *, dry_run: bool = False) -> FileReport:
    """Parse one page and write it in one transaction; raise ImportFailed on any error."""
    text, titles, sidecar = read_page(path)
    try:
        page = parsing.parse_page(text, titles=titles)
    except parsing.ParseError as error:
        raise ImportFailed(path, error.line, error.message) from None
    _check_lengths(path, page)
    report = FileReport(path=path, decisions=list(page.decisions), titles_from=sidecar)
    with transaction.atomic():
        for parsed in page.posts:
            _write_post(path, parsed, report)
        if dry_run:
            transaction.set_rollback(True)
    return report


def import_files(paths: list[Path], *, dry_run: bool = False) -> Iterator[FileReport]:
    """Import each page in turn, yielding its report; stop at the first failure."""
    for path in paths:
        yield import_file(path, dry_run=dry_run)


def _check_lengths(path: Path, page: parsing.ParsedPage) -> None:
    """Refuse at its line a title or name too long for its column, before anything is written.

    PostgreSQL would refuse the insert with a DataError, a traceback rather than file:line;
    SQLite would store it whole. Either way the page is damaged.
    """
    title_max = Post._meta.get_field("title").max_length
    author_max = Comment._meta.get_field("author_name").max_length
    for parsed in page.posts:
        if len(parsed.title) > title_max:
            message = f"a title of {len(parsed.title)} characters (at most {title_max})"
            raise ImportFailed(path, parsed.line, message)
        for comment in _walk(parsed.comments):
            if len(comment.author or "") > author_max:
                message = f"a commenter's name of {len(comment.author)} characters"
                raise ImportFailed(path, comment.line, f"{message} (at most {author_max})")


def _walk(comments) -> Iterator[parsing.ParsedComment]:
    """Every comment of a thread in page order, replies after the comment they answer."""
    for comment in comments:
        yield comment
        yield from _walk(comment.replies)


def _write_post(path: Path, parsed: parsing.ParsedPost, report: FileReport) -> None:
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
    result = services.import_thread(post=post, roots=parsed.comments, new_post=created)
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
