"""Each ICB's gap list and peers, kept (models.GapList), and the trigger that notes each transaction
that writes what ranks them (models.GapListChange). The function is written out as
innovations/triggers.py rendered it; test_triggers fails if the two drift apart."""

import django.contrib.postgres.fields
import django.db.models.deletion
from django.db import migrations, models

TABLES = ["innovations_innovation", "innovations_adoption", "innovations_niceguidance", "innovations_evidenceitem"]

FUNCTION = """
CREATE OR REPLACE FUNCTION innovations_gap_lists_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO innovations_gaplistchange (transaction_id, at) VALUES (txid_current(), now())
    ON CONFLICT (transaction_id) DO NOTHING;
    RETURN NULL;
END $$;
"""

TRIGGERS = "".join(
    f"CREATE TRIGGER {table}_gap_lists_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}"
    " FOR EACH STATEMENT EXECUTE FUNCTION innovations_gap_lists_changed();\n"
    for table in TABLES
)

REVERSE = "".join(f"DROP TRIGGER IF EXISTS {table}_gap_lists_changed ON {table};\n" for table in TABLES) + (
    "DROP FUNCTION IF EXISTS innovations_gap_lists_changed();\n"
)


class Migration(migrations.Migration):
    dependencies = [
        ("innovations", "0019_adoption_icb_latest"),
        ("networks", "0005_invitations"),
    ]

    operations = [
        migrations.CreateModel(
            name="GapList",
            fields=[
                (
                    "icb",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="networks.integratedcareboard",
                    ),
                ),
                (
                    "innovation_ids",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.BigIntegerField(), default=list, size=None
                    ),
                ),
                ("peers", models.JSONField(default=list)),
                ("built_at", models.DateTimeField()),
            ],
        ),
        migrations.CreateModel(
            name="GapListChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("transaction_id", models.BigIntegerField(unique=True)),
                ("at", models.DateTimeField()),
            ],
        ),
        migrations.RunSQL(FUNCTION + TRIGGERS, REVERSE),
    ]
