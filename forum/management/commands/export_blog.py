"""Write the whole archive, posts and comment threads, to standard output or a file.

Why: a backup that outlives this software, and the end-to-end check of the importer (import,
export, compare). As JSON (the default), a plain, documented shape; as `--format blogger`, a
backup in Blogger's own current schema, which import_blog (and Blogger) reads back, so the
archive can always leave. Either is written a post at a time, so a large archive does not have
to fit in memory.
"""

import json

from django.core.management.base import BaseCommand

from forum.importing.backup import write_backup
from forum.importing.exporter import export_posts


class Command(BaseCommand):
    help = "Write every post with its comments to stdout, as JSON or as a Blogger backup."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["json", "blogger"], default="json")
        parser.add_argument("--output", "-o", help="write to this file instead of stdout")
        parser.add_argument("--indent", type=int, default=None, help="pretty-print JSON")
        parser.add_argument(
            "--blog-id", default="0", help="the blog's number in the backup's ids (blogger)"
        )

    def handle(self, *args, format, output, indent, blog_id, **options):
        if output:
            with open(output, "w", encoding="utf-8") as out:
                self._write(out, format, indent, blog_id)
        else:
            self.stdout.ending = ""
            self._write(self.stdout, format, indent, blog_id)

    def _write(self, out, format, indent, blog_id) -> None:
        if format == "blogger":
            write_backup(out, blog_id=blog_id)
            return
        out.write("[")
        for number, post in enumerate(export_posts()):
            out.write("," if number else "")
            out.write(json.dumps(post, ensure_ascii=False, indent=indent))
        out.write("]\n")
