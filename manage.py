#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as error:
        # A setting missing from the environment is a one-line fix, not a traceback to read.
        if "--traceback" in sys.argv:
            raise
        sys.exit(f"{sys.argv[0]}: {error}")


if __name__ == "__main__":
    main()
