"""The start of the importer's read-ahead process (forum.importing.importer), which must not
outlive the importer.

A killed importer (kill -9) runs none of its clean-up: the read-ahead process would wait for
work for ever, as it holds both ends of its queue, and multiprocessing's resource tracker with
it. The parent's sentinel, which every spawned process is given, becomes readable once the
parent has gone, however it went. This module imports no model: it runs before Django is set up.
"""

import multiprocessing
import multiprocessing.connection
import os
import threading

import django


def start() -> None:
    """In the read-ahead process: exit as soon as the importer does, then set Django up."""
    parent = multiprocessing.parent_process()
    threading.Thread(target=_exit_with, args=(parent.sentinel,), daemon=True).start()
    django.setup()


def _exit_with(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(1)
