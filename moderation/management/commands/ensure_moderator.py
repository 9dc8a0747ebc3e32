"""Create (or reset) a development moderator account and print how to sign in.

Why: `make run` should leave a new developer one step from the moderation queue. It refuses to
run with DEBUG off, where moderators are made with `createsuperuser` or in the admin.
"""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from moderation.permissions import MODERATORS_GROUP


class Command(BaseCommand):
    help = "Create or reset the development moderator account (DEBUG only)."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="moderator")

    def handle(self, *args, username, **options):
        if not settings.DEBUG:
            raise CommandError("Only for development (DEBUG=1); use createsuperuser instead.")
        user, _ = get_user_model().objects.get_or_create(username=username)
        password = secrets.token_urlsafe(9)
        user.set_password(password)
        user.is_staff = True
        user.save()
        group = Group.objects.filter(name=MODERATORS_GROUP).first()
        if group:
            user.groups.add(group)
        self.stdout.write(
            f"Moderator sign-in: user {username!r}, password {password!r} "
            "(a new password each time `make run` starts)."
        )
