"""The moderators' group: created by a migration with exactly the permissions the work needs."""

MODERATORS_GROUP = "Moderators"
