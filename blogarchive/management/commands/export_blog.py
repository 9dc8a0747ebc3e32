"""Write the whole archive, posts and comment threads, to standard output as JSON.

Why: a backup in a plain, documented shape that outlives this software, and the end-to-end check
of the importer (import the pages, export, compare). The JSON is written a post at a time, so a
large archive does not have to fit in memory twice.
"""

import json

from django.core.management.base import BaseCommand

from blogarchive.exporter import export_posts


class Command(BaseCommand):
    help = "Write every post with its comments to stdout as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--indent", type=int, default=None, help="pretty-print with N spaces")

    def handle(self, *args, indent, **options):
        out = self.stdout
        out.write("[", ending="")
        for number, post in enumerate(export_posts()):
            out.write("," if number else "", ending="")
            out.write(json.dumps(post, ensure_ascii=False, indent=indent), ending="")
        out.write("]")
