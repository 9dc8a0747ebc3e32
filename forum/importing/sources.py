"""Which files `import_blog` reads: captured pages and Blogger backups, never anything else.

Only regular files are read, never through a symbolic link, and a failure quotes a line of a
file only if it opens like a captured page: pointed at /etc/passwd by mistake (or by someone
who may run the command but not read that file), the importer names the file and shows none
of it. A backup is known by what it holds (feed.atom, or the Takeout zip), not by its name.
"""

import stat
from pathlib import Path

from blogarchive.backup_file import is_backup
from blogarchive.parsing import opens_like_a_page
from forum.importing.importer import TITLES_SUFFIX, ImportFailed

# Enough of a file to find its first line, however many blank lines a capture starts with.
HEAD_BYTES = 4096


def listing(paths: list[Path]) -> tuple[list[Path], list[ImportFailed]]:
    """The pages and backups to import (folders expanded), and the files refused outright."""
    files, refused = [], []
    for path in paths:
        for candidate in _candidates(path):
            problem = _refusal(candidate)
            if problem:
                refused.append(ImportFailed(candidate, 0, problem))
            else:
                files.append(candidate)
    return files, refused


def _candidates(path: Path) -> list[Path]:
    """A file as given; a folder's .txt pages, and any backup in it whatever its name."""
    if not path.is_dir() or path.is_symlink():
        return [path]
    inside = sorted(path.iterdir())
    # A linked page is listed, to be refused by name; a backup is known only by reading it.
    pages = [p for p in inside if p.suffix == ".txt"]
    others = [p for p in inside if p.suffix not in (".txt", TITLES_SUFFIX)]
    return pages + [p for p in others if not p.is_symlink() and p.is_file() and is_backup(p)]


def _refusal(path: Path) -> str | None:
    """Why a file (or a page's curator's sidecar) must not be read, or None."""
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
    if is_backup(failure.path):
        return failure
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
