"""Each ICB's adoption figures (by status, by clinical area, by quarter), kept in
innovations_adoptionfigure by statement-level triggers on adoptions and on innovations (a change
of status or clinical areas), so that the ICS pages read a few hundred rows instead of aggregating
every adoption. The functions are those innovations/triggers.py renders, written out."""

from django.db import migrations, models

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION innovations_keep_adoption_figures() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
    INSERT INTO innovations_adoptionfigure AS kept (icb_id, kind, key, n)
    SELECT d.icb_id, d.kind, d.key, sum(d.sign) FROM (
        SELECT r.sign, r.icb_id, f.kind, f.key FROM (SELECT 1 AS sign, r.icb_id, r.status, r.started_on, i.clinical_areas AS areas FROM new_rows r JOIN innovations_innovation i ON i.id = r.innovation_id WHERE i.status = 'published') AS r, LATERAL (
            SELECT 'status', r.status::text
            UNION ALL SELECT 'area', unnest(r.areas)::text WHERE r.status IN ('adopted', 'embedded')
            UNION ALL SELECT 'quarter',
                extract(year FROM r.started_on)::int || '-' || extract(quarter FROM r.started_on)::int
                WHERE r.status IN ('adopted', 'embedded')
        ) AS f(kind, key)
    ) AS d GROUP BY d.icb_id, d.kind, d.key HAVING sum(d.sign) <> 0 ORDER BY 1, 2, 3
    ON CONFLICT (icb_id, kind, key) DO UPDATE SET n = kept.n + EXCLUDED.n;
    ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO innovations_adoptionfigure AS kept (icb_id, kind, key, n)
    SELECT d.icb_id, d.kind, d.key, sum(d.sign) FROM (
        SELECT r.sign, r.icb_id, f.kind, f.key FROM (SELECT -1 AS sign, r.icb_id, r.status, r.started_on, i.clinical_areas AS areas FROM old_rows r JOIN innovations_innovation i ON i.id = r.innovation_id WHERE i.status = 'published') AS r, LATERAL (
            SELECT 'status', r.status::text
            UNION ALL SELECT 'area', unnest(r.areas)::text WHERE r.status IN ('adopted', 'embedded')
            UNION ALL SELECT 'quarter',
                extract(year FROM r.started_on)::int || '-' || extract(quarter FROM r.started_on)::int
                WHERE r.status IN ('adopted', 'embedded')
        ) AS f(kind, key)
    ) AS d GROUP BY d.icb_id, d.kind, d.key HAVING sum(d.sign) <> 0 ORDER BY 1, 2, 3
    ON CONFLICT (icb_id, kind, key) DO UPDATE SET n = kept.n + EXCLUDED.n;
    ELSE
    INSERT INTO innovations_adoptionfigure AS kept (icb_id, kind, key, n)
    SELECT d.icb_id, d.kind, d.key, sum(d.sign) FROM (
        SELECT r.sign, r.icb_id, f.kind, f.key FROM (SELECT 1 AS sign, r.icb_id, r.status, r.started_on, i.clinical_areas AS areas FROM new_rows r JOIN innovations_innovation i ON i.id = r.innovation_id WHERE i.status = 'published' UNION ALL SELECT -1 AS sign, r.icb_id, r.status, r.started_on, i.clinical_areas AS areas FROM old_rows r JOIN innovations_innovation i ON i.id = r.innovation_id WHERE i.status = 'published') AS r, LATERAL (
            SELECT 'status', r.status::text
            UNION ALL SELECT 'area', unnest(r.areas)::text WHERE r.status IN ('adopted', 'embedded')
            UNION ALL SELECT 'quarter',
                extract(year FROM r.started_on)::int || '-' || extract(quarter FROM r.started_on)::int
                WHERE r.status IN ('adopted', 'embedded')
        ) AS f(kind, key)
    ) AS d GROUP BY d.icb_id, d.kind, d.key HAVING sum(d.sign) <> 0 ORDER BY 1, 2, 3
    ON CONFLICT (icb_id, kind, key) DO UPDATE SET n = kept.n + EXCLUDED.n;
    END IF;
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION innovations_keep_adoption_figures_of_innovations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO innovations_adoptionfigure AS kept (icb_id, kind, key, n)
    SELECT d.icb_id, d.kind, d.key, sum(d.sign) FROM (
        SELECT r.sign, r.icb_id, f.kind, f.key FROM (
    WITH changed AS (
        SELECT o.id, o.status AS was, o.clinical_areas AS had, n.status AS now, n.clinical_areas AS has
        FROM old_rows o JOIN new_rows n USING (id)
        WHERE (o.status, o.clinical_areas) IS DISTINCT FROM (n.status, n.clinical_areas)
    )
    SELECT -1 AS sign, a.icb_id, a.status, a.started_on, c.had AS areas
    FROM changed c JOIN innovations_adoption a ON a.innovation_id = c.id WHERE c.was = 'published'
    UNION ALL
    SELECT 1, a.icb_id, a.status, a.started_on, c.has
    FROM changed c JOIN innovations_adoption a ON a.innovation_id = c.id WHERE c.now = 'published') AS r, LATERAL (
            SELECT 'status', r.status::text
            UNION ALL SELECT 'area', unnest(r.areas)::text WHERE r.status IN ('adopted', 'embedded')
            UNION ALL SELECT 'quarter',
                extract(year FROM r.started_on)::int || '-' || extract(quarter FROM r.started_on)::int
                WHERE r.status IN ('adopted', 'embedded')
        ) AS f(kind, key)
    ) AS d GROUP BY d.icb_id, d.kind, d.key HAVING sum(d.sign) <> 0 ORDER BY 1, 2, 3
    ON CONFLICT (icb_id, kind, key) DO UPDATE SET n = kept.n + EXCLUDED.n;
    RETURN NULL;
END $$;
"""

TRIGGERS = """
CREATE TRIGGER innovations_adoption_figures_insert AFTER INSERT ON innovations_adoption
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION innovations_keep_adoption_figures();
CREATE TRIGGER innovations_adoption_figures_update AFTER UPDATE ON innovations_adoption
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION innovations_keep_adoption_figures();
CREATE TRIGGER innovations_adoption_figures_delete AFTER DELETE ON innovations_adoption
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION innovations_keep_adoption_figures();
CREATE TRIGGER innovations_innovation_figures_update AFTER UPDATE ON innovations_innovation
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
EXECUTE FUNCTION innovations_keep_adoption_figures_of_innovations();
"""

REVERSE = """
DROP TRIGGER IF EXISTS innovations_adoption_figures_insert ON innovations_adoption;
DROP TRIGGER IF EXISTS innovations_adoption_figures_update ON innovations_adoption;
DROP TRIGGER IF EXISTS innovations_adoption_figures_delete ON innovations_adoption;
DROP TRIGGER IF EXISTS innovations_innovation_figures_update ON innovations_innovation;
DROP FUNCTION IF EXISTS innovations_keep_adoption_figures();
DROP FUNCTION IF EXISTS innovations_keep_adoption_figures_of_innovations();
DELETE FROM innovations_adoptionfigure;
"""

# Every adoption counted once, with the tables locked so that no write slips between.
BACKFILL = r"""
LOCK TABLE innovations_adoption, innovations_innovation IN SHARE ROW EXCLUSIVE MODE;
INSERT INTO innovations_adoptionfigure AS kept (icb_id, kind, key, n)
    SELECT d.icb_id, d.kind, d.key, sum(d.sign) FROM (
        SELECT r.sign, r.icb_id, f.kind, f.key FROM (SELECT 1 AS sign, r.icb_id, r.status, r.started_on, i.clinical_areas AS areas FROM innovations_adoption r JOIN innovations_innovation i ON i.id = r.innovation_id WHERE i.status = 'published') AS r, LATERAL (
            SELECT 'status', r.status::text
            UNION ALL SELECT 'area', unnest(r.areas)::text WHERE r.status IN ('adopted', 'embedded')
            UNION ALL SELECT 'quarter',
                extract(year FROM r.started_on)::int || '-' || extract(quarter FROM r.started_on)::int
                WHERE r.status IN ('adopted', 'embedded')
        ) AS f(kind, key)
    ) AS d GROUP BY d.icb_id, d.kind, d.key HAVING sum(d.sign) <> 0 ORDER BY 1, 2, 3
    ON CONFLICT (icb_id, kind, key) DO UPDATE SET n = kept.n + EXCLUDED.n;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("innovations", "0017_listing_order_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="AdoptionFigure",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("icb_id", models.BigIntegerField()),
                ("kind", models.CharField(max_length=10)),
                ("key", models.CharField(max_length=40)),
                ("n", models.IntegerField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("icb_id", "kind", "key"), name="one_figure_per_icb_kind_key")
                ],
            },
        ),
        migrations.RunSQL(BACKFILL + FUNCTIONS + TRIGGERS, REVERSE),
    ]
