from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forum.models import Comment
from forum.rendering import uk_time


class ModerationPolicy(models.Model):
    """The blog's switch, and the rules that screen every new comment. There is one row."""

    class Mode(models.TextChoices):
        NEVER = "never", _("Never: publish comments at once")
        ALWAYS = "always", _("Always: hold every comment for a moderator")
        OLDER_THAN = "older_than", _("Only on posts older than a number of days")

    mode = models.CharField(
        _("moderate comments"), max_length=12, choices=Mode.choices, default=Mode.ALWAYS
    )
    older_than_days = models.PositiveIntegerField(
        _("days"), default=14, help_text=_("With 'only on posts older than', how many days.")
    )
    max_links = models.PositiveIntegerField(
        _("links allowed"), default=2, help_text=_("Hold a comment with more links than this.")
    )
    close_after_days = models.PositiveIntegerField(
        _("close comments after (days)"),
        null=True,
        blank=True,
        help_text=_("Refuse new comments on posts older than this. Empty: never close."),
    )
    min_seconds_between = models.PositiveIntegerField(
        _("seconds between two comments"),
        default=15,
        help_text=_("One commenter may post at most once in this many seconds."),
    )
    max_per_hour = models.PositiveIntegerField(
        _("comments per hour"),
        default=10,
        help_text=_("One commenter may post at most this many comments an hour."),
    )
    report_threshold = models.PositiveIntegerField(
        _("reports to hide a comment"),
        default=3,
        help_text=_(
            "After readers on this many different networks report a comment it goes back to "
            "the queue."
        ),
    )
    report_hides_per_hour = models.PositiveIntegerField(
        _("comments reports may hide per post per hour"),
        default=3,
        help_text=_(
            "Past this many on one post within an hour, reports only flag comments for a "
            "moderator and hide nothing more."
        ),
    )
    troll_rejected_share = models.PositiveIntegerField(
        _("rejected share that holds a commenter (%)"),
        default=50,
        help_text=_("Hold every comment of someone whose recent comments were mostly rejected."),
    )
    troll_window_days = models.PositiveIntegerField(_("looking back (days)"), default=30)
    troll_min_decisions = models.PositiveIntegerField(
        _("decisions needed before judging"), default=3
    )
    lockdown_until = models.DateTimeField(
        _("lockdown: every comment held until"),
        null=True,
        blank=True,
        help_text=_("The mode above comes back by itself at this time."),
    )
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("moderation policy")
        verbose_name_plural = _("moderation policy")

    def __str__(self) -> str:
        return str(self.describe())

    @classmethod
    def current(cls) -> "ModerationPolicy":
        """The policy in force; a lockdown whose time is up ends here, the first time it is read."""
        policy, _created = cls.objects.get_or_create(pk=1)
        if policy.lockdown_until and policy.lockdown_until <= timezone.now():
            policy.end_lockdown()
        return policy

    @property
    def in_lockdown(self) -> bool:
        return bool(self.lockdown_until) and self.lockdown_until > timezone.now()

    def end_lockdown(self, *, by=None) -> bool:
        """End the lockdown and write it to the history; False if someone else ended it first."""
        ended, now = self.lockdown_until, timezone.now()
        # Conditional, so that of several requests reading an expired lockdown one writes history.
        changed = ModerationPolicy.objects.filter(pk=self.pk, lockdown_until=ended).update(
            lockdown_until=None, updated=now
        )
        self.lockdown_until, self.updated = None, now
        if changed:
            PolicyChange.objects.create(
                changed_by=by,
                field=str(self._meta.get_field("lockdown_until").verbose_name),
                old_value=uk_time(ended),
                new_value=str(_("ended: back to “%(mode)s”") % {"mode": self.describe()}),
            )
        return bool(changed)

    def describe(self) -> str:
        if self.in_lockdown:
            return _("Lockdown: every comment held until %(until)s") % {
                "until": uk_time(self.lockdown_until)
            }
        if self.mode == self.Mode.OLDER_THAN:
            return _("Moderate comments on posts older than %(days)d days") % {
                "days": self.older_than_days
            }
        return self.get_mode_display()

    def holds_every_comment_on(self, post) -> bool:
        if self.mode == self.Mode.ALWAYS or self.in_lockdown:
            return True
        if self.mode == self.Mode.NEVER:
            return False
        return post.published < timezone.localdate() - timedelta(days=self.older_than_days)


class PolicyChange(models.Model):
    """One change of the policy: who made it, when, from what, to what."""

    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now, db_index=True)
    field = models.CharField(max_length=60)
    old_value = models.CharField(max_length=200, blank=True)
    new_value = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("policy change")
        verbose_name_plural = _("policy history")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.field}: {self.old_value} → {self.new_value}"


class WordRule(models.Model):
    """A word or phrase that holds a comment for a moderator, or refuses it outright."""

    class Action(models.TextChoices):
        HOLD = "hold", _("Hold for a moderator")
        BAN = "ban", _("Refuse as spam")

    phrase = models.CharField(_("word or phrase"), max_length=100, unique=True)
    action = models.CharField(max_length=4, choices=Action.choices, default=Action.HOLD)
    added = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("held or banned word")
        verbose_name_plural = _("held and banned words")
        ordering = ["phrase"]

    def __str__(self) -> str:
        return f"{self.phrase} ({self.get_action_display()})"


class WatchedName(models.Model):
    """A person's name that holds any comment naming them: a colleague, an offender, an office."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    added = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("watched name")
        verbose_name_plural = _("watched names")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BlockedCommenter(models.Model):
    """A commenter (a keyed hash of their address) whose comments are all held as spam."""

    commenter = models.CharField(max_length=64, unique=True)
    reason = models.CharField(max_length=200, blank=True)
    blocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    blocked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("blocked commenter")
        verbose_name_plural = _("blocked commenters")
        ordering = ["-blocked_at"]

    def __str__(self) -> str:
        return f"{self.commenter[:8]}… ({self.reason or _('no reason given')})"


class Decision(models.Model):
    """The audit trail: one row for every state change or correction of a comment."""

    class Action(models.TextChoices):
        APPROVE = "approve", _("Approved")
        REJECT = "reject", _("Rejected")
        SPAM = "spam", _("Marked as spam")
        UNDO = "undo", _("Undone")
        EDIT = "edit", _("Text corrected")
        HIDE = "hide", _("Hidden after reports")
        KEEP = "keep", _("Kept up, reports dismissed")
        AUTHOR_DELETE = "author_delete", _("Deleted by the author")

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="decisions")
    action = models.CharField(max_length=16, choices=Action.choices)
    from_status = models.CharField(max_length=10)
    to_status = models.CharField(max_length=10)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(default=timezone.now, db_index=True)
    reason = models.CharField(max_length=200, blank=True)
    old_body = models.TextField(blank=True)
    # Set when the decision came from a one-click e-mail link, so that each link works once.
    link_token = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        verbose_name = _("moderation decision")
        verbose_name_plural = _("moderation decisions")
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} #{self.comment_id}"


class Report(models.Model):
    """A reader's report that a comment breaks the rules; one per reader per comment."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    # Keyed hashes of the reader's address and of its network (/24 or /64), never the address.
    reporter = models.CharField(max_length=64)
    network = models.CharField(max_length=64, blank=True)
    reason = models.CharField(_("why"), max_length=200, blank=True)
    reported_at = models.DateTimeField(default=timezone.now)
    resolved = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="one_report_per_reader")
        ]
        indexes = [
            # The hourly limits count one reader's and one network's recent reports.
            models.Index(fields=["reporter", "reported_at"], name="report_by_reader"),
            models.Index(fields=["network", "reported_at"], name="report_by_network"),
            # The few reports nobody has dealt with yet: counted for the queue's front page.
            models.Index(
                fields=["comment"], condition=models.Q(resolved=False), name="report_open"
            ),
        ]

    def __str__(self) -> str:
        return f"Report on #{self.comment_id}"


class DigestState(models.Model):
    """When the moderators were last e-mailed about held comments (one row)."""

    last_sent = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"last digest: {self.last_sent or 'never'}"


class PendingComment(Comment):
    """The moderation queue: the comments waiting for a moderator, as an admin of their own."""

    class Meta:
        proxy = True
        verbose_name = _("comment waiting for moderation")
        verbose_name_plural = _("moderation queue")
        permissions = [("moderate", _("Can approve, reject and mark comments as spam"))]
