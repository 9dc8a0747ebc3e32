"""A new install starts with moderation on (always), and a Moderators group with exactly the
permissions the work needs."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Moderators"
PERMISSIONS = {
    ("moderation", "pendingcomment"): ["view", "change", "moderate"],
    ("forum", "comment"): ["view", "change"],
    ("blogarchive", "post"): ["view", "change"],
    ("moderation", "moderationpolicy"): ["view", "change"],
    ("moderation", "policychange"): ["view"],
    ("moderation", "wordrule"): ["view", "add", "change", "delete"],
    ("moderation", "blockedcommenter"): ["view", "add", "change", "delete"],
    ("moderation", "decision"): ["view"],
    ("moderation", "report"): ["view"],
}


def forwards(apps, schema_editor):
    # Permissions are normally made after migrating; make them now so the group can hold them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    ModerationPolicy = apps.get_model("moderation", "ModerationPolicy")
    PolicyChange = apps.get_model("moderation", "PolicyChange")
    if not ModerationPolicy.objects.exists():
        ModerationPolicy.objects.create(pk=1, mode="always")
        PolicyChange.objects.create(
            field="moderate comments",
            old_value="—",
            new_value="Always: hold every comment for a moderator (a new install)",
        )
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    for (app_label, model), actions in PERMISSIONS.items():
        codenames = [
            f"{action}_{model}" if action != "moderate" else "moderate" for action in actions
        ]
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label=app_label,
                content_type__model=model,
                codename__in=codenames,
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("forum", "0002_cache_table"),
        ("blogarchive", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
