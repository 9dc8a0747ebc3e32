"""Load captured pages of the On Probation blog, with their comment threads.

Why a command: the archive is rebuilt from the captured pages, and re-running it after adding
pages (or a curator's .titles file) must only add what is new. Each file is its own
transaction, so a malformed page is reported as file:line and nothing of it is written, while
the other pages still import.
"""

import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from blogarchive.importer import FileReport, ImportFailed, import_files, page_files

DEFAULT_SEEDS = Path(settings.BASE_DIR) / "data" / "seeds"


class Command(BaseCommand):
    help = "Import blog pages (files or folders of .txt pages; default: the bundled seeds)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path, help="page files or folders")
        parser.add_argument(
            "--dry-run", action="store_true", help="parse and check everything, write nothing"
        )

    def handle(self, *args, paths, dry_run, verbosity, **options):
        files = page_files(paths or [DEFAULT_SEEDS])
        if not files:
            raise CommandError("No .txt pages found in " + ", ".join(map(str, paths)))
        started = time.monotonic()
        failures, totals = [], FileReport(path=Path("total"))
        for number, report in enumerate(import_files(files, dry_run=dry_run), start=1):
            if isinstance(report, ImportFailed):
                failure = report
                failures.append(failure)
                self.stderr.write(self.style.ERROR(str(failure)))
                continue
            self._add(totals, report)
            if verbosity >= 1:
                self._print_report(report, number, len(files), verbosity)
            elif sys.stderr.isatty():
                self._print_progress(number, len(files), totals, started)
            self._print_doubts(report)
        self._print_total(totals, len(files), failures, started, dry_run)
        if failures:
            raise CommandError(f"{len(failures)} of {len(files)} file(s) could not be imported.")

    def _add(self, totals: FileReport, report: FileReport) -> None:
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

    def _print_progress(self, number, count, totals, started) -> None:
        width = 30
        done = int(width * number / count)
        rate = totals.comments_created / max(time.monotonic() - started, 1e-6)
        bar = "#" * done + "-" * (width - done)
        sys.stderr.write(f"\r[{bar}] {number}/{count} files, {rate:,.0f} comments/s")
        if number == count:
            sys.stderr.write("\n")

    def _print_total(self, totals, count, failures, started, dry_run) -> None:
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"{'Checked' if dry_run else 'Imported'} {count - len(failures)} of {count} file(s) "
            f"in {elapsed:.1f}s: {totals.posts_created} new post(s), "
            f"{totals.comments_created} new comment(s); {totals.posts_existing} post(s) and "
            f"{totals.comments_existing} comment(s) were already there."
            + (" Nothing was written (--dry-run)." if dry_run else "")
        )
