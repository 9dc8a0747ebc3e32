"""Write a Blogger backup to the database: every live post, its labels and its threads.

The backup is read once into a staging file (blogarchive.staging), where its threads are
checked; then written in one transaction, so that a refused or failing file leaves nothing.
A post is found by its Blogger id, else by its date and title (as a text capture stored it),
and completed; else created. Importing the same backup again finds everything and writes
nothing.
"""

import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from blogarchive import backup_file, blogger
from blogarchive.models import Label, Post, month_of
from blogarchive.staging import StagedPost, Staging
from forum import pages, services
from forum.importing import backup_threads, merge
from forum.importing.importer import ImportFailed

Progress = Callable[[int, int, "BackupReport"], None]
# Blogger lets a post go without a title; here a title is part of a post's natural key.
UNTITLED = "Untitled"
LABEL_ROWS = 500
# SQLite's page cache while a backup is written, in KiB (SQLite's default is 2,000).
SQLITE_CACHE_KIB = 16 << 10


@dataclass
class BackupReport:
    path: Path
    posts_created: int = 0
    posts_existing: int = 0
    posts_completed: int = 0
    comments_created: int = 0
    comments_existing: int = 0
    comments_completed: int = 0
    drafts: int = 0
    pages: int = 0

    @property
    def changed(self) -> bool:
        return any((self.posts_created, self.posts_completed, self.comments_created)) or bool(
            self.comments_completed
        )


def import_backup(
    path: Path, *, dry_run: bool = False, progress: Progress | None = None
) -> BackupReport:
    """Import one backup (feed.atom or Takeout zip); raise ImportFailed, writing nothing."""
    report = BackupReport(path=path)
    with tempfile.TemporaryDirectory(prefix="blogger-") as folder:
        staging = Staging(Path(folder))
        try:
            with backup_threads.early_helper(path.stat().st_size) as helper:
                with backup_file.open_feed(path) as (stream, _size):
                    staging.load(blogger.entries(stream))
                report.drafts, report.pages = staging.counts.drafts, staging.counts.pages
                with _roomy_cache(), transaction.atomic():
                    _write(staging, report, progress, helper)
                    if dry_run:
                        transaction.set_rollback(True)
        except blogger.Refused as refused:
            raise ImportFailed(path, refused.line, refused.message) from None
        finally:
            staging.close()
    return report


@contextmanager
def _roomy_cache():
    """A bigger SQLite page cache while the backup is written, the old one after.

    The whole backup goes in one transaction. Once SQLite's default cache (2 MB) is full of
    the transaction's pages, it spills them to the log and reads them back, again and again
    as the comment table and its indexes grow: a 5,000-post backup took 40% more CPU time.
    The cache is a ceiling, the same for a small backup and a big one, so memory stays flat.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def _write(staging: Staging, report: BackupReport, progress: Progress | None, helper) -> None:
    labels = _Labels()
    total = staging.counts.posts
    threads = backup_threads.threads(staging, staging.post_ids(), helper)
    for number, (staged, thread) in enumerate(zip(staging.posts(), threads, strict=True), 1):
        post, created = _post(staged, thread.paragraphs, report)
        labels.attach(post, staged.labels, created)
        if not created:
            merge.assign_keys(post, thread.roots)
        result = services.import_thread(
            post=post, roots=thread.roots, new_post=created, render=thread.render
        )
        report.comments_created += result.created
        report.comments_existing += result.existing
        report.comments_completed += result.completed
        if progress:
            progress(number, total, report)
    labels.flush()


def _post(staged: StagedPost, paragraphs: list[str], report: BackupReport) -> tuple[Post, bool]:
    """The stored post the backup's post is, completed; or a new one of those paragraphs."""
    if staged.published is None:
        raise blogger.Refused(staged.line, "a post without a published time")
    day = timezone.localtime(staged.published).date()
    title = (staged.title or UNTITLED)[: Post._meta.get_field("title").max_length - 5]
    near = _Neighbours(staged, day, title)
    post = near.by_id or (near.twin if near.twin and not near.twin.blogger_id else None)
    if near.address_owner not in (None, post):
        raise blogger.Refused(staged.line, f"the address {staged.path} is already another post's")
    if post is not None:
        _complete_post(post, staged, report)
        return post, False
    if near.twin is not None:
        title = _free(title, near.titles, " ({})")  # Another post of that day and title.
    report.posts_created += 1
    return Post.objects.create(
        title=title,
        slug=_free(_slug_base(staged, title), near.slugs, "-{}"),
        published=day,
        published_at=staged.published,
        paragraphs=paragraphs,
        blogger_id=staged.id,
        old_path=staged.path[:255],
        source_file=report.path.name[:255],
        source_line=staged.line,
    ), True


class _Neighbours:
    """In one query, the posts a backup's post may be or may clash with: the one with its
    Blogger id, the one of its day and title (a text capture's), the one at its old address,
    and the titles and slugs like its own that are taken."""

    def __init__(self, staged: StagedPost, day, title: str):
        self.by_id = self.twin = self.address_owner = None
        self.titles, self.slugs = set(), set()
        base = _slug_base(staged, title)
        # Each branch names an index (the unique ones are on values other than ""), so that
        # SQLite looks each up rather than reading every post.
        near = Q(published__range=month_of(day)) & (
            Q(published=day, title__startswith=title) | Q(slug__startswith=base)
        )
        near |= Q(blogger_id=staged.id) & ~Q(blogger_id="")
        if staged.path:
            near |= Q(old_path=staged.path[:255]) & ~Q(old_path="")
        # A month's posts, without their text: reading every post's paragraphs was half the
        # time of the query.
        fields = ["title", "slug", "published", "published_at", "blogger_id", "old_path"]
        for post in Post.objects.filter(near).order_by().only(*fields):
            self.by_id = post if post.blogger_id == staged.id else self.by_id
            if post.published == day and post.title == title:
                self.twin = post
            if staged.path and post.old_path == staged.path[:255]:
                self.address_owner = post
            if post.published == day:
                self.titles.add(post.title)
            if (post.published.year, post.published.month) == (day.year, day.month):
                self.slugs.add(post.slug)


def _complete_post(post: Post, staged: StagedPost, report: BackupReport) -> None:
    report.posts_existing += 1
    changed = _complete(post, blogger_id=staged.id, old_path=staged.path[:255])
    if post.published_at != staged.published:
        post.published_at = staged.published
        changed.append("published_at")
    if changed:
        post.save(update_fields=changed)
        report.posts_completed += 1


def _free(base: str, taken: set[str], suffix: str) -> str:
    """base, or base with the suffix for 2, 3...: the first not taken."""
    value, n = base, 1
    while value in taken:
        n += 1
        value = base + suffix.format(n)
    return value


def _complete(post: Post, **values: str) -> list[str]:
    """Fill the post's empty fields from values; the names of those filled."""
    filled = []
    for name, value in values.items():
        if value and not getattr(post, name):
            setattr(post, name, value)
            filled.append(name)
    return filled


def _slug_base(staged: StagedPost, title: str) -> str:
    """The old address's last part ("a-sad-fact-of-life"), so the new one reads the same."""
    stem = staged.path.rsplit("/", 1)[-1].removesuffix(".html")
    return (slugify(stem) or slugify(title) or "post")[:100]


class _Labels:
    """Labels by name, created once each, attached to posts without duplicates; the rows
    that attach them wait to go in a few hundred at a time, one insert for many posts."""

    def __init__(self):
        self.known = dict(Label.objects.values_list("name", "pk"))
        self.slugs = set(Label.objects.values_list("slug", flat=True))
        self.waiting: list = []

    def attach(self, post: Post, names: list[str], created: bool) -> None:
        wanted = {self._pk(name[:200]) for name in names if name.strip()}
        if not wanted:
            return
        if not created:
            wanted -= set(post.labels.values_list("pk", flat=True))
        if wanted:
            self.waiting += [
                Post.labels.through(post_id=post.pk, label_id=pk) for pk in sorted(wanted)
            ]
            if len(self.waiting) >= LABEL_ROWS:
                self.flush()
            if not created:
                # The post page lists its labels: its kept copy is stale now.
                pages.thread_changed(post.pk)

    def flush(self) -> None:
        Post.labels.through.objects.bulk_create(self.waiting)
        self.waiting = []

    def _pk(self, name: str) -> int:
        if name not in self.known:
            base = slugify(name, allow_unicode=True)[:190] or "label"
            slug, n = base, 1
            while slug in self.slugs:
                n += 1
                slug = f"{base}-{n}"
            self.known[name] = Label.objects.create(name=name, slug=slug).pk
            self.slugs.add(slug)
        return self.known[name]
