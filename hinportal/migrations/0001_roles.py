"""The portal's roles as groups with their model permissions.

Record-level limits (a network's own records, drafts only for editors) are applied by
hinportal.access; these groups grant what each role may do at all.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITED = {
    "innovations": ["innovation", "evidenceitem", "niceguidance", "adoption", "programme"],
    "reviews": ["publication", "recommendation"],
}
VIEWED = {"networks": ["network", "integratedcareboard"]}
PUBLISH = ["publish_innovation", "publish_programme", "publish_publication"]


def create_roles(apps, schema_editor) -> None:
    # Permissions are normally made after all migrations; make them now so the groups can hold them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def perms(app: str, model: str, actions: list[str]) -> list:
        return list(
            Permission.objects.filter(content_type__app_label=app, codename__in=[f"{a}_{model}" for a in actions])
        )

    editing = [
        p for app, models in EDITED.items() for m in models for p in perms(app, m, ["add", "change", "delete", "view"])
    ]
    viewing = [p for app, models in VIEWED.items() for m in models for p in perms(app, m, ["view"])]
    publishing = list(Permission.objects.filter(codename__in=PUBLISH))

    national, _ = Group.objects.get_or_create(name="National administrator")
    national.permissions.set(
        Permission.objects.filter(content_type__app_label__in=["innovations", "reviews", "networks", "auth", "axes"])
    )
    editor, _ = Group.objects.get_or_create(name="Network editor")
    editor.permissions.set(editing + viewing)
    publisher, _ = Group.objects.get_or_create(name="Network publisher")
    publisher.permissions.set(editing + viewing + publishing)
    Group.objects.get_or_create(name="ICS lead")


def remove_roles(apps, schema_editor) -> None:
    apps.get_model("auth", "Group").objects.filter(
        name__in=["National administrator", "Network editor", "Network publisher", "ICS lead"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("networks", "0002_membership"),
        ("innovations", "0003_workflow_and_history"),
        ("reviews", "0003_workflow_and_history"),
        ("axes", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
