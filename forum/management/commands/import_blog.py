"""Load the On Probation blog: text captures of its pages, or Blogger's own backup.

Why a command: the archive is rebuilt from the captured pages or the backup, and re-running it
after adding pages (or a curator's .titles file) must only add what is new. Each file is its
own transaction, so a malformed page is reported as file:line and nothing of it is written,
while the other files still import. A file is a backup (feed.atom, or the Takeout zip) or a
capture by what it holds, not by its name; which files are read at all is forum.importing.sources'.
"""

import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from blogarchive.backup_file import is_backup
from forum.importing.backup_import import BackupReport, import_backup
from forum.importing.importer import FileReport, ImportFailed, import_files
from forum.importing.sources import listing, shown

DEFAULT_SEEDS = Path(settings.BASE_DIR) / "data" / "seeds"
BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Import blog pages (files or folders of .txt pages; default: the bundled seeds) "
        "or a Blogger backup (feed.atom, or the Takeout .zip)."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path, help="files or folders")
        parser.add_argument(
            "--dry-run", action="store_true", help="parse and check everything, write nothing"
        )

    def handle(self, *args, paths, dry_run, verbosity, **options):
        files, failures = listing(paths or [DEFAULT_SEEDS])
        for failure in failures:
            self.stderr.write(self.style.ERROR(str(failure)))
        if not files and not failures:
            raise CommandError("No pages or backups found in " + ", ".join(map(str, paths)))
        started = time.monotonic()
        totals = FileReport(path=Path("total"))
        backups = [path for path in files if is_backup(path)]
        pages = [path for path in files if path not in backups]
        for backup in backups:
            self._import_backup(backup, dry_run, verbosity, totals, failures, started)
        for number, report in enumerate(import_files(pages, dry_run=dry_run), start=1):
            if isinstance(report, ImportFailed):
                self._failed(report, failures)
                continue
            self._add(totals, report)
            if verbosity >= 1:
                self._print_report(report, number, len(pages), verbosity)
            elif sys.stderr.isatty():
                rate = totals.comments_created / max(time.monotonic() - started, 1e-6)
                _bar(number, len(pages), "files", rate)
            self._print_doubts(report)
        if not dry_run and (totals.posts_created or totals.comments_created):
            _planner_statistics()
        count = len(files) + sum(f.path not in files for f in failures)
        self._print_total(totals, count, failures, started, dry_run)
        if failures:
            raise CommandError(f"{len(failures)} of {count} file(s) could not be imported.")

    def _failed(self, failure: ImportFailed, failures: list) -> None:
        failure = shown(failure)
        failures.append(failure)
        self.stderr.write(self.style.ERROR(str(failure)))

    def _import_backup(self, path, dry_run, verbosity, totals, failures, started) -> None:
        def progress(number: int, count: int, report: BackupReport) -> None:
            if sys.stderr.isatty() and (number == count or number % 25 == 0):
                rate = report.comments_created / max(time.monotonic() - began, 1e-6)
                _bar(number, count, "posts", rate)

        began = time.monotonic()
        try:
            report = import_backup(path, dry_run=dry_run, progress=progress)
        except ImportFailed as failure:
            self._failed(failure, failures)
            return
        self._add(totals, report)
        if verbosity >= 1:
            line = (
                f"{path}: a Blogger backup; new: {report.posts_created} post(s), "
                f"{report.comments_created} comment(s); completed: {report.posts_completed} "
                f"post(s), {report.comments_completed} comment(s); already there: "
                f"{report.posts_existing} post(s), {report.comments_existing} comment(s); "
                f"left out: {report.drafts} draft(s), {report.pages} page(s)"
            )
            self.stdout.write(self.style.SUCCESS(line) if report.changed else line)

    def _add(self, totals: FileReport, report: FileReport | BackupReport) -> None:
        totals.posts_created += report.posts_created
        totals.posts_existing += report.posts_existing
        totals.comments_created += report.comments_created
        totals.comments_existing += report.comments_existing

    def _print_report(self, report: FileReport, number: int, count: int, verbosity: int) -> None:
        prefix = f"[{number}/{count}] " if count > 1 else ""
        posts = report.posts_created + report.posts_existing
        comments = report.comments_created + report.comments_existing
        line = (
            f"{prefix}{report.path}: {posts} post(s), {comments} comment(s); "
            f"new: {report.posts_created} post(s), {report.comments_created} comment(s)"
        )
        self.stdout.write(self.style.SUCCESS(line) if report.changed else line)
        titles = [d for d in report.decisions if d.is_title]
        if report.titles_from:
            self.stdout.write(f"    titles from {report.titles_from}")
        if len(titles) > 1 or verbosity >= 2:
            for decision in report.decisions:
                verdict = "post" if decision.is_title else "not a post"
                self.stdout.write(
                    f"    line {decision.line}: {decision.text!r}: {verdict} ({decision.reason})"
                )

    def _print_doubts(self, report: FileReport) -> None:
        # Read one way where the page allows another: imported, but a curator should look.
        for doubt in report.doubts:
            line = f"{report.path}:{doubt.line}: check: {doubt.message}"
            self.stdout.write(self.style.WARNING(line))

    def _print_total(self, totals, count, failures, started, dry_run) -> None:
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"{'Checked' if dry_run else 'Imported'} {count - len(failures)} of {count} file(s) "
            f"in {elapsed:.1f}s: {totals.posts_created} new post(s), "
            f"{totals.comments_created} new comment(s); {totals.posts_existing} post(s) and "
            f"{totals.comments_existing} comment(s) were already there."
            + (" Nothing was written (--dry-run)." if dry_run else "")
        )


def _bar(number: int, count: int, unit: str, rate: float) -> None:
    """Redraw the progress bar on the terminal: done so far, and comments a second."""
    done = int(BAR_WIDTH * number / max(count, 1))
    bar = "#" * done + "-" * (BAR_WIDTH - done)
    sys.stderr.write(f"\r[{bar}] {number}/{count} {unit}, {rate:,.0f} comments/s")
    if number == count:
        sys.stderr.write("\n")


def _planner_statistics() -> None:
    """Give SQLite's planner statistics on what was just written (PostgreSQL's autovacuum keeps
    its own): without them the moderation queue sorts every waiting comment."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
