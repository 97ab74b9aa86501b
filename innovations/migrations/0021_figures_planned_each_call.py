"""The trigger that moves each ICB's kept adoption figures when innovations change now plans its
join of the old rows to the new at each call (innovations/triggers.py, `_planned_each_call`): the
plan PL/pgSQL kept from a session's first, small update compared a large update's rows pair by pair.
The function is written out as innovations/triggers.py rendered it; test_triggers fails if the two
drift apart."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION innovations_keep_adoption_figures_of_innovations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE $sql$INSERT INTO innovations_adoptionfigure AS kept (icb_id, kind, key, n)
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
    ON CONFLICT (icb_id, kind, key) DO UPDATE SET n = kept.n + EXCLUDED.n$sql$;
    RETURN NULL;
END $$;
"""

# As migration 0018 installed it.
REVERSE = """
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


class Migration(migrations.Migration):
    dependencies = [
        ("innovations", "0020_kept_gap_lists"),
    ]

    operations = [migrations.RunSQL(FUNCTION, REVERSE)]
