"""The importer under fuzzing: corrupted seed pages import whole or are refused at file:line.

Each example damages one seed page a few times over (lines lost, doubled, swapped or
re-indented, numbers changed, the file cut short, stray bytes, the ``N comments:`` count or a
``ReplyDelete`` gone) and imports it. Either the database then holds exactly what the parser
reads from the page, or the command fails with ``<path>:<line>:`` and nothing of it is written.
Any other exception is a failure.
"""

import re
from collections import Counter
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from blogarchive.models import Post
from blogarchive.parsing import ParsedComment, parse_page
from forum import markup
from forum.models import Comment

SEEDS = Path(__file__).resolve().parents[2] / "data" / "seeds"
PAGES = {path.name: path.read_bytes() for path in sorted(SEEDS.glob("*.txt"))}
EXAMPLES = 200
_CAPTION = re.compile(rb"^(?:\d+ comments?|No comments):", re.MULTILINE)
_NUMBER = re.compile(rb"\d+")
# Damage that PostgreSQL, unlike SQLite, would refuse mid-import: checked on every run.
_SHORT_PAGE = "001_f2ce7a70528780ac.txt"
_LONG_TITLE = PAGES[_SHORT_PAGE].replace(b"Re-nationalisation?", b"Re" * 200, 1)
_NUL_IN_A_COMMENT = PAGES[_SHORT_PAGE].replace(b"  1. This was", b"  1. This\x00was", 1)
_STRAY_BYTES = [b"\x00", b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xef\xbb\xbf", b"\r", b"\t", b"  "]


def _line_where(draw, lines: list[bytes], wanted=lambda line: True) -> int | None:
    """Index of a line the corruption aims at, among those it can damage."""
    candidates = [i for i, line in enumerate(lines) if wanted(line)]
    return draw(st.sampled_from(candidates)) if candidates else None


def _delete(draw, lines):
    if (i := _line_where(draw, lines)) is not None:
        del lines[i]


def _duplicate(draw, lines):
    if (i := _line_where(draw, lines)) is not None:
        lines.insert(i, lines[i])


def _swap(draw, lines):
    i, j = _line_where(draw, lines), _line_where(draw, lines)
    if i is not None:
        lines[i], lines[j] = lines[j], lines[i]


def _reindent(draw, lines):
    if (i := _line_where(draw, lines, bytes.strip)) is not None:
        lines[i] = b" " * draw(st.integers(0, 8)) + lines[i].lstrip(b" ")


def _renumber(draw, lines):
    if (i := _line_where(draw, lines, _NUMBER.search)) is not None:
        matches = list(_NUMBER.finditer(lines[i]))
        match = draw(st.sampled_from(matches))
        number = str(draw(st.integers(0, 10**12))).encode()
        lines[i] = lines[i][: match.start()] + number + lines[i][match.end() :]


def _recount(draw, lines):
    if (i := _line_where(draw, lines, _CAPTION.match)) is not None:
        count = draw(st.integers(0, 200))
        lines[i] = draw(st.sampled_from([b"%d comments:\n" % count, b"No comments:\n"]))


def _drop_closer(draw, lines):
    closers = {b"ReplyDelete", b"Delete", b"Replies"}
    if (i := _line_where(draw, lines, lambda line: line.strip() in closers)) is not None:
        del lines[i]


def _truncate(draw, lines):
    data = b"".join(lines)
    lines[:] = data[: draw(st.integers(0, len(data)))].splitlines(keepends=True)


def _stray_bytes(draw, lines):
    data = b"".join(lines)
    at = draw(st.integers(0, len(data)))
    stray = draw(st.one_of(st.sampled_from(_STRAY_BYTES), st.binary(min_size=1, max_size=6)))
    lines[:] = (data[:at] + stray + data[at:]).splitlines(keepends=True)


def _replace_text(draw, lines):
    if (i := _line_where(draw, lines)) is not None:
        lines[i] = draw(st.text(max_size=120)).encode("utf-8", "surrogatepass") + b"\n"


def _line_endings(draw, lines):
    ending = draw(st.sampled_from([b"\r\n", b"\r"]))
    lines[:] = [line.replace(b"\n", ending) for line in lines]


CORRUPTIONS = {
    corruption.__name__.strip("_"): corruption
    for corruption in [
        *(_delete, _duplicate, _swap, _reindent, _renumber, _recount, _drop_closer),
        *(_truncate, _stray_bytes, _replace_text, _line_endings),
    ]
}


class Corrupted:
    """A damaged seed page; its repr (in a failure report) names the damage, not 60 KB."""

    def __init__(self, name: str, data: bytes, applied: tuple[str, ...]):
        self.name, self.data, self.applied = name, data, applied

    def __repr__(self) -> str:
        original, damaged = PAGES[self.name].splitlines(), self.data.splitlines()
        pairs = enumerate(zip(original, damaged, strict=False), start=1)
        line = next((i for i, (a, b) in pairs if a != b), min(len(original), len(damaged)) + 1)
        found = damaged[line - 1][:120] if line <= len(damaged) else b"(end of file)"
        return f"Corrupted({self.name!r}, {self.applied}, first change at line {line}: {found!r})"


@st.composite
def corrupted_pages(draw) -> Corrupted:
    """A seed page after one to three corruptions."""
    name = draw(st.sampled_from(sorted(PAGES)))
    lines = PAGES[name].splitlines(keepends=True)
    applied = draw(st.lists(st.sampled_from(sorted(CORRUPTIONS)), min_size=1, max_size=3))
    for corruption in applied:
        CORRUPTIONS[corruption](draw, lines)
    return Corrupted(name, b"".join(lines), tuple(applied))


def _thread_rows(comments: tuple[ParsedComment, ...], prefix: str = "") -> list[tuple]:
    """What the database should hold for a parsed thread, keyed like the importer's keys."""
    rows = []
    for position, comment in enumerate(comments, start=1):
        key = f"{prefix}{position}"
        status = Comment.Status.REMOVED if comment.removed else Comment.Status.PUBLISHED
        # Stored as every comment is: without control characters (a stray byte may add one).
        body = markup.normalise(comment.body)
        rows.append((key, comment.author or "", body, comment.created, status))
        rows += _thread_rows(comment.replies, f"{key}.")
    return rows


def _assert_database_holds_the_page(data: bytes) -> None:
    page = parse_page(data.decode("utf-8-sig"))
    expected: dict[tuple, list] = {}
    for parsed in page.posts:
        if parsed.declared_comments is not None:
            assert parsed.comment_count == parsed.declared_comments
        rows = expected.setdefault((parsed.published, parsed.title), [])
        rows += _thread_rows(parsed.comments)
    assert Post.objects.count() == len(expected)
    for (published, title), rows in expected.items():
        post = Post.objects.get(published=published, title=title)
        stored = post.comments.values_list("import_key", "author_name", "body", "created", "status")
        assert sorted(stored) == sorted(rows)


def _import(page: Path, data: bytes) -> str:
    """Import one corrupted page and check the outcome: "imported" or "refused"."""
    err = StringIO()
    try:
        call_command("import_blog", str(page), stdout=StringIO(), stderr=err)
    except CommandError:
        found = re.search(rf"^{re.escape(str(page))}:(\d+): \S", err.getvalue(), re.MULTILINE)
        assert found, err.getvalue()
        # Line 0 is the file as a whole: a page whose damage makes it begin like a zip is
        # refused as a zip that cannot be read.
        assert 0 <= int(found[1]) <= data.count(b"\n") + data.count(b"\r") + 1
        assert not Post.objects.exists()
        assert not Comment.objects.exists()
        outcome = "refused"
    else:
        _assert_database_holds_the_page(data)
        outcome = "imported"
    assert "Traceback" not in err.getvalue()
    return outcome


def test_a_corrupted_page_imports_whole_or_is_refused_at_its_line_with_nothing_written(
    db, tmp_path
):
    tally: Counter = Counter()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(corrupted_pages())
    @example(Corrupted(_SHORT_PAGE, _LONG_TITLE, ("long title",)))
    @example(Corrupted(_SHORT_PAGE, _NUL_IN_A_COMMENT, ("NUL",)))
    def import_one(corrupted: Corrupted):
        page = tmp_path / corrupted.name
        page.write_bytes(corrupted.data)
        # Each example starts from an empty archive: what it wrote is undone afterwards.
        with transaction.atomic():
            tally[_import(page, corrupted.data)] += 1
            transaction.set_rollback(True)

    import_one()

    print(f"corruptions tried: {sum(tally.values())}, {dict(tally)}; corruptions found: 0")
    assert tally["imported"] and tally["refused"]
