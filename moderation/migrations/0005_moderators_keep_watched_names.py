"""The Moderators group keeps the watched names, as it keeps the word lists: the names came
after the group was made, and without these permissions their admin refused moderators."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Moderators"
CODENAMES = ["view_watchedname", "add_watchedname", "change_watchedname", "delete_watchedname"]


def forwards(apps, schema_editor):
    # Permissions are normally made after migrating; make them now so the group can hold them.
    app_config = apps.get_app_config("moderation")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="moderation", codename__in=CODENAMES)
    )


def backwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name=GROUP):
        group.permissions.remove(*group.permissions.filter(codename__in=CODENAMES))


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0004_desk"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
