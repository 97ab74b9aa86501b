"""The adoption table's three keys lose the indexes Django gives a foreign key: each key leads another
index (models.Adoption) that serves the same lookups, and every adoption written kept all six up to date.
Only the indexes go: Django would also drop and re-add each key's constraint, checking every row again."""

import django.db.models.deletion
from django.db import migrations, models

DROP = """
DROP INDEX IF EXISTS "innovations_adoption_icb_id_4432a2c9";
DROP INDEX IF EXISTS "innovations_adoption_innovation_id_98082031";
DROP INDEX IF EXISTS "innovations_adoption_programme_id_049fc0f1";
"""

CREATE = """
CREATE INDEX IF NOT EXISTS "innovations_adoption_icb_id_4432a2c9" ON "innovations_adoption" ("icb_id");
CREATE INDEX IF NOT EXISTS "innovations_adoption_innovation_id_98082031" ON "innovations_adoption" ("innovation_id");
CREATE INDEX IF NOT EXISTS "innovations_adoption_programme_id_049fc0f1" ON "innovations_adoption" ("programme_id");
"""


class Migration(migrations.Migration):
    dependencies = [
        ("innovations", "0021_figures_planned_each_call"),
        ("networks", "0005_invitations"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(DROP, CREATE)],
            state_operations=[
                migrations.AlterField(
                    model_name="adoption",
                    name="icb",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="adoptions",
                        to="networks.integratedcareboard",
                    ),
                ),
                migrations.AlterField(
                    model_name="adoption",
                    name="innovation",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="adoptions",
                        to="innovations.innovation",
                    ),
                ),
                migrations.AlterField(
                    model_name="adoption",
                    name="programme",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="adoptions",
                        to="innovations.programme",
                    ),
                ),
            ],
        ),
    ]
