"""Send the moderators the digest of held comments, if one is due.

Why: a digest normally goes when a comment is held, at most one per ten minutes, so the comments
held just after one digest wait for the next held comment. Run this every few minutes from cron
(e.g. `*/5 * * * * manage.py send_moderation_digest`) so that the tail of a flood is not left
waiting for ever. It sends exactly what posting a comment would; running it often is harmless.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from moderation import notifications
from moderation.models import DigestState


class Command(BaseCommand):
    help = "E-mail the moderators the held comments of the last ten minutes, if a digest is due."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be sent, and send nothing."
        )

    def handle(self, *args, dry_run: bool, **options):
        if dry_run:
            self._describe()
            return
        sent = notifications.notify_held()
        self.stdout.write(self.style.SUCCESS(f"Sent {sent} digest e-mail(s)."))

    def _describe(self) -> None:
        now = timezone.now()
        state, _created = DigestState.objects.get_or_create(pk=1)
        waiting = notifications.waiting(state.last_sent, now).count()
        moderators = notifications.recipients().count()
        due = "due" if notifications.is_due(state, now) else "not due yet"
        self.stdout.write(
            f"A digest is {due} ({state}): {waiting} held comment(s), {moderators} moderator(s)."
        )
