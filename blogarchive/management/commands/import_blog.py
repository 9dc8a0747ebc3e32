"""Load captured pages of the On Probation blog, with their comment threads.

Why a command: the archive is rebuilt from the captured pages, and re-running it after adding
pages (or a curator's .titles file) must only add what is new. Each file is its own
transaction, so a malformed page is reported as file:line and nothing of it is written, while
the other pages still import.

Only regular files are read, never through a symbolic link, and a failure quotes a line of a
file only if it opens like a captured page: pointed at /etc/passwd by mistake (or by someone
who may run it but not read that file), the command names the file and shows none of it.
"""

import stat
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from blogarchive.importer import TITLES_SUFFIX, FileReport, ImportFailed, import_files
from blogarchive.parsing import opens_like_a_page

DEFAULT_SEEDS = Path(settings.BASE_DIR) / "data" / "seeds"
# Enough of a file to find its first line, however many blank lines a capture starts with.
HEAD_BYTES = 4096


def listing(paths: list[Path]) -> tuple[list[Path], list[ImportFailed]]:
    """The pages to import (folders expanded to their .txt files), and those refused outright."""
    files, refused = [], []
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            candidates = sorted(p for p in path.iterdir() if p.suffix == ".txt")
        else:
            candidates = [path]
        for candidate in candidates:
            problem = _refusal(candidate)
            if problem:
                refused.append(ImportFailed(candidate, 0, problem))
            else:
                files.append(candidate)
    return files, refused


def _refusal(path: Path) -> str | None:
    """Why a page (or its curator's sidecar) must not be read, or None."""
    for file in (path, path.with_suffix(TITLES_SUFFIX)):
        try:
            mode = file.lstat().st_mode
        except FileNotFoundError:
            if file is path:
                return "no such file"
            continue
        if stat.S_ISLNK(mode):
            return f"{file.name} is a symbolic link; give the file itself"
        if not stat.S_ISREG(mode):
            return f"{file.name} is not a regular file"
    return None


def shown(failure: ImportFailed) -> ImportFailed:
    """The failure as reported: without the quoted line if the file is not a captured page."""
    try:
        with failure.path.open("rb") as file:
            head = file.read(HEAD_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return failure
    if opens_like_a_page(head):
        return failure
    return ImportFailed(
        failure.path, failure.line, "not a captured blog page (no date line opens it)"
    )


class Command(BaseCommand):
    help = "Import blog pages (files or folders of .txt pages; default: the bundled seeds)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path, help="page files or folders")
        parser.add_argument(
            "--dry-run", action="store_true", help="parse and check everything, write nothing"
        )

    def handle(self, *args, paths, dry_run, verbosity, **options):
        files, failures = listing(paths or [DEFAULT_SEEDS])
        for failure in failures:
            self.stderr.write(self.style.ERROR(str(failure)))
        if not files and not failures:
            raise CommandError("No .txt pages found in " + ", ".join(map(str, paths)))
        started = time.monotonic()
        totals = FileReport(path=Path("total"))
        for number, report in enumerate(import_files(files, dry_run=dry_run), start=1):
            if isinstance(report, ImportFailed):
                failure = shown(report)
                failures.append(failure)
                self.stderr.write(self.style.ERROR(str(failure)))
                continue
            self._add(totals, report)
            if verbosity >= 1:
                self._print_report(report, number, len(files), verbosity)
            elif sys.stderr.isatty():
                self._print_progress(number, len(files), totals, started)
        count = len(files) + sum(f.path not in files for f in failures)
        self._print_total(totals, count, failures, started, dry_run)
        if failures:
            raise CommandError(f"{len(failures)} of {count} file(s) could not be imported.")

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
