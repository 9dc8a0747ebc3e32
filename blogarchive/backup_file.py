"""Find the Atom feed in a file given to import_blog: the file itself, or inside a Takeout zip.

Chosen by content, not by name: a zip is known by its signature and an Atom feed by its first
element; anything else is a text capture. A zip is refused whole if any member's name would
escape its folder, or if it would expand past a sane ratio, before a byte is inflated.
"""

import re
import zipfile
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from blogarchive.blogger import Refused

ZIP_SIGNATURE = b"PK\x03\x04"
SNIFF = 4096
# Text compresses about 5 to 10 times; a bomb, thousands of times.
MAX_RATIO = 100
MAX_EXPANDED = 8 << 30
_ATOM_FEED = re.compile(rb"<(?:\w+:)?feed\b[^>]*http://www\.w3\.org/2005/Atom")


def is_backup(path: Path) -> bool:
    """Whether path holds a Blogger backup (an Atom feed, or a zip) rather than a text capture."""
    try:
        with path.open("rb") as file:
            head = file.read(SNIFF)
    except OSError:
        return False
    return head.startswith(ZIP_SIGNATURE) or _looks_like_feed(head)


def _looks_like_feed(head: bytes) -> bool:
    return bool(_ATOM_FEED.search(head.lstrip(b"\xef\xbb\xbf")))


@contextmanager
def open_feed(path: Path):
    """The backup's feed as a binary stream, and its size in bytes (for progress)."""
    with path.open("rb") as file:
        if file.read(len(ZIP_SIGNATURE)) != ZIP_SIGNATURE:
            file.seek(0)
            yield file, path.stat().st_size
            return
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as error:
        raise Refused(0, f"not a readable zip ({error})") from None
    with archive:
        member = _feed_member(archive)
        with archive.open(member) as stream:
            yield stream, member.file_size


def _feed_member(archive: zipfile.ZipFile) -> zipfile.ZipInfo:
    """The one member that is an Atom feed, after checking every member is safe to open."""
    members = archive.infolist()
    expanded = 0
    for member in members:
        _check_name(member.filename)
        expanded += member.file_size
        if member.file_size > MAX_RATIO * max(member.compress_size, 1) + SNIFF:
            raise Refused(0, f"{member.filename} would expand more than {MAX_RATIO} times")
    if expanded > MAX_EXPANDED:
        raise Refused(0, f"the zip would expand to {expanded:,} bytes")
    feeds = [m for m in members if not m.is_dir() and _member_is_feed(archive, m)]
    if not feeds:
        raise Refused(0, "the zip holds no Atom feed")
    if len(feeds) > 1:
        names = ", ".join(m.filename for m in feeds)
        raise Refused(0, f"the zip holds {len(feeds)} feeds ({names}): import one at a time")
    return feeds[0]


def _check_name(name: str) -> None:
    """Refuse a member whose name is absolute or climbs out of the archive's folder."""
    posix = PurePosixPath(name.replace("\\", "/"))
    if posix.is_absolute() or ".." in posix.parts or re.match(r"[A-Za-z]:", name):
        raise Refused(0, f"the zip member {name!r} would escape its folder")


def _member_is_feed(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    stream: BinaryIO
    with archive.open(member) as stream:
        return _looks_like_feed(stream.read(SNIFF))
