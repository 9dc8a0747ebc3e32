"""What `import_blog` agrees to read, and what it shows of a file it cannot import."""

import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from blogarchive.models import Post

SEEDS = Path(__file__).resolve().parents[2] / "data" / "seeds"
SEED = "002_ecdb575820ffe45e.txt"
SECRET = "root:x:0:0:the secret first line:/root:/bin/bash"


def import_and_fail(*paths) -> str:
    """Run the import, which must fail; what it wrote to stdout and stderr."""
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_blog", *map(str, paths), stdout=out, stderr=out)
    return out.getvalue()


@pytest.fixture
def a_private_file(tmp_path) -> Path:
    private = tmp_path / "private" / "passwd"
    private.parent.mkdir()
    private.write_text(SECRET + "\nmore:x:1:1::/:/bin/false\n")
    return private


def test_a_file_that_is_not_a_capture_is_named_but_none_of_it_is_shown(db, a_private_file):
    output = import_and_fail(a_private_file)

    assert f"{a_private_file}:1: not a captured blog page" in output
    assert "secret first line" not in output


def test_a_symbolic_link_to_a_page_is_refused_without_reading_it(db, tmp_path, a_private_file):
    link = tmp_path / "page.txt"
    link.symlink_to(a_private_file)

    output = import_and_fail(link)

    assert "page.txt is a symbolic link" in output
    assert "secret first line" not in output


def test_a_symbolic_link_in_a_folder_is_refused_and_the_other_pages_import(
    db, tmp_path, a_private_file
):
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / SEED).write_bytes((SEEDS / SEED).read_bytes())
    (folder / "zzz.txt").symlink_to(a_private_file)

    output = import_and_fail(folder)

    assert "zzz.txt is a symbolic link" in output
    assert "Imported 1 of 2 file(s)" in output
    assert Post.objects.filter(title="Reunification Is Coming!").exists()


def test_a_symbolic_link_as_a_curators_titles_file_is_refused(db, tmp_path, a_private_file):
    page = tmp_path / SEED
    page.write_bytes((SEEDS / SEED).read_bytes())
    page.with_suffix(".titles").symlink_to(a_private_file)

    output = import_and_fail(page)

    assert ".titles is a symbolic link" in output
    assert "secret first line" not in output
    assert not Post.objects.exists()


def test_a_linked_folder_is_refused(db, tmp_path):
    linked = tmp_path / "seeds"
    linked.symlink_to(SEEDS, target_is_directory=True)

    assert "seeds is a symbolic link" in import_and_fail(linked)
    assert not Post.objects.exists()


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="needs a device file")
def test_a_device_is_refused_as_not_a_regular_file(db):
    assert "/dev/null:0: null is not a regular file" in import_and_fail("/dev/null")


def test_a_damaged_capture_still_quotes_the_line_at_fault(db, tmp_path):
    page = tmp_path / "damaged.txt"
    page.write_text("Tuesday, 28 October 2014\n\nMonday, 27 October 2014\n")

    output = import_and_fail(page)

    assert "damaged.txt:" in output
    assert "'Tuesday, 28 October 2014'" in output
