"""The portal's roles were first created here; they are now created and kept up to date after every
migrate by hinportal.lib.access.ensure_roles (a post_migrate handler), where their grants are
written once. This migration stays so that databases that ran it keep a consistent history."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("networks", "0002_membership"),
        ("innovations", "0003_workflow_and_history"),
        ("reviews", "0003_workflow_and_history"),
        ("axes", "0001_initial"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
