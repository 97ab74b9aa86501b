"""What an innovation's adoptions, guidance and evidence make of it, kept on its row: the ICBs
adopting it (and their regions) beside their count, and whether it is proven. One function refreshes
them for a set of innovations; statement-level triggers on adoptions, NICE guidance and evidence call
it (replacing innovations_recount_adoptions), and one on ICBs when an ICB changes region. The
functions are those innovations/triggers.py renders, written out."""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
from django.conf import settings
from django.db import migrations, models

TABLES = [
    ("innovations_adoption", "innovations_adoption"),
    ("innovations_guidance", "innovations_niceguidance"),
    ("innovations_evidence", "innovations_evidenceitem"),
]

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION innovations_refresh_derived(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE innovations_innovation i
    SET adopted_icb_count = d.n, adopted_icbs = d.icbs, adopted_regions = d.regions, is_proven = d.proven
    FROM (
        SELECT adopted.*, adopted.n >= 3 AND (
            EXISTS (SELECT 1 FROM innovations_niceguidance g
                    WHERE g.innovation_id = adopted.id AND g.recommendation IN ('recommended', 'recommended-in-part'))
            OR EXISTS (SELECT 1 FROM innovations_evidenceitem e
                       WHERE e.innovation_id = adopted.id AND e.kind = 'real-world-evaluation')
        ) AS proven
        FROM (
            SELECT t.id, count(DISTINCT a.icb_id) AS n,
                   coalesce(array_agg(DISTINCT a.icb_id) FILTER (WHERE a.icb_id IS NOT NULL), '{}') AS icbs,
                   coalesce(array_agg(DISTINCT c.region_id) FILTER (WHERE c.region_id IS NOT NULL), '{}') AS regions
            FROM unnest(ids) AS t(id)
            LEFT JOIN innovations_adoption a ON a.innovation_id = t.id AND a.status IN ('adopted', 'embedded')
            LEFT JOIN networks_integratedcareboard c ON c.id = a.icb_id
            GROUP BY t.id
        ) AS adopted
    ) AS d
    WHERE i.id = d.id
      AND (i.adopted_icb_count, i.adopted_icbs, i.adopted_regions, i.is_proven)
          IS DISTINCT FROM (d.n::smallint, d.icbs, d.regions, d.proven);
END $$;
CREATE OR REPLACE FUNCTION innovations_keep_derived() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    touched bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT innovation_id) INTO touched FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT innovation_id) INTO touched FROM old_rows;
    ELSE
        SELECT array_agg(DISTINCT id) INTO touched FROM (
            SELECT innovation_id AS id FROM new_rows UNION SELECT innovation_id FROM old_rows
        ) AS both_sides;
    END IF;
    PERFORM innovations_refresh_derived(touched);
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION innovations_icb_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM innovations_refresh_derived(array_agg(i.id))
    FROM innovations_innovation i
    WHERE i.adopted_icbs && (SELECT array_agg(n.id) FROM new_rows n JOIN old_rows o USING (id)
                              WHERE n.region_id IS DISTINCT FROM o.region_id);
    RETURN NULL;
END $$;
"""

TRIGGERS = (
    """
DROP TRIGGER innovations_adoption_insert ON innovations_adoption;
DROP TRIGGER innovations_adoption_update ON innovations_adoption;
DROP TRIGGER innovations_adoption_delete ON innovations_adoption;
DROP FUNCTION innovations_recount_adoptions();
"""
    + "".join(
        f"""
CREATE TRIGGER {prefix}_derived_insert AFTER INSERT ON {table}
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION innovations_keep_derived();
CREATE TRIGGER {prefix}_derived_update AFTER UPDATE ON {table}
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION innovations_keep_derived();
CREATE TRIGGER {prefix}_derived_delete AFTER DELETE ON {table}
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION innovations_keep_derived();
"""
        for prefix, table in TABLES
    )
    + """
CREATE TRIGGER innovations_icb_moved AFTER UPDATE ON networks_integratedcareboard
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION innovations_icb_moved();
"""
)

# Every innovation once, in batches, so that existing rows hold the new columns.
BACKFILL = """
DO $$
DECLARE
    batch bigint[];
BEGIN
    FOR batch IN
        SELECT array_agg(id) FROM (SELECT id, row_number() OVER (ORDER BY id) / 5000 AS b
                                   FROM innovations_innovation) AS numbered GROUP BY b
    LOOP
        PERFORM innovations_refresh_derived(batch);
    END LOOP;
END $$;
"""

REVERSE = (  # noqa: S608 (our own table names)
    """
DROP TRIGGER IF EXISTS innovations_icb_moved ON networks_integratedcareboard;
"""  # noqa: S608 (our own table names)
    + "".join(
        f"""
DROP TRIGGER IF EXISTS {prefix}_derived_insert ON {table};
DROP TRIGGER IF EXISTS {prefix}_derived_update ON {table};
DROP TRIGGER IF EXISTS {prefix}_derived_delete ON {table};
"""
        for prefix, table in TABLES
    )
    + """
DROP FUNCTION IF EXISTS innovations_icb_moved();
DROP FUNCTION IF EXISTS innovations_keep_derived();
DROP FUNCTION IF EXISTS innovations_refresh_derived(bigint[]);
CREATE FUNCTION innovations_recount_adoptions() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    touched bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT innovation_id) INTO touched FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT innovation_id) INTO touched FROM old_rows;
    ELSE
        SELECT array_agg(DISTINCT id) INTO touched FROM (
            SELECT innovation_id AS id FROM new_rows UNION SELECT innovation_id FROM old_rows
        ) AS both_sides;
    END IF;
    UPDATE innovations_innovation i
    SET adopted_icb_count = coalesce((
        SELECT count(*) FROM innovations_adoption a
        WHERE a.innovation_id = i.id AND a.status IN ('adopted', 'embedded')
    ), 0)
    WHERE i.id = ANY(touched);
    RETURN NULL;
END $$;
CREATE TRIGGER innovations_adoption_insert AFTER INSERT ON innovations_adoption
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION innovations_recount_adoptions();
CREATE TRIGGER innovations_adoption_update AFTER UPDATE ON innovations_adoption
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION innovations_recount_adoptions();
CREATE TRIGGER innovations_adoption_delete AFTER DELETE ON innovations_adoption
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION innovations_recount_adoptions();
"""
)


class Migration(migrations.Migration):
    dependencies = [
        ("innovations", "0014_saved_searches"),
        ("networks", "0005_invitations"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="innovation",
            name="adopted_icbs",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.BigIntegerField(), default=list, editable=False, size=None
            ),
        ),
        migrations.AddField(
            model_name="innovation",
            name="adopted_regions",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.BigIntegerField(), default=list, editable=False, size=None
            ),
        ),
        migrations.AddField(
            model_name="innovation",
            name="is_proven",
            field=models.BooleanField(default=False, editable=False, verbose_name="proven"),
        ),
        migrations.AddIndex(
            model_name="innovation",
            index=django.contrib.postgres.indexes.GinIndex(fields=["adopted_icbs"], name="innovation_adopted_icbs_gin"),
        ),
        migrations.AddIndex(
            model_name="innovation",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["adopted_regions"], name="innovation_adopted_regions_gin"
            ),
        ),
        migrations.RunSQL(FUNCTIONS + TRIGGERS, REVERSE),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
    ]
