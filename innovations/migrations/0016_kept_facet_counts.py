"""The unfiltered catalogue's facet counts, kept in innovations_facetcount by a statement-level
trigger on innovations: each write adds its published new rows' values and takes away its published
old rows'. The function is the one innovations/triggers.py renders, written out."""

from django.db import migrations, models

FUNCTION = r"""
CREATE OR REPLACE FUNCTION innovations_keep_facet_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
    INSERT INTO innovations_facetcount AS kept (facet, value, n)
    SELECT * FROM (SELECT f.facet, f.value, sum(r.sign) AS n
        FROM (SELECT 1 AS sign, * FROM new_rows WHERE status = 'published') AS r, LATERAL (SELECT 'category', unnest(ARRAY[r.category]) UNION ALL SELECT 'stage', unnest(ARRAY[r.stage]) UNION ALL SELECT 'tier', unnest(ARRAY[r.evidence_tier]) UNION ALL SELECT 'network', unnest(ARRAY[r.lead_network_id::text]) UNION ALL SELECT 'clinical_area', unnest(r.clinical_areas) UNION ALL SELECT 'care_setting', unnest(r.care_settings) UNION ALL SELECT 'core20', unnest(r.core20plus5) UNION ALL SELECT 'icb', unnest(r.adopted_icbs::text[]) UNION ALL SELECT 'region', unnest(r.adopted_regions::text[]) UNION ALL SELECT 'proven', unnest(CASE WHEN r.is_proven THEN ARRAY['true'] ELSE '{}'::text[] END)) AS f(facet, value)
        WHERE f.value IS NOT NULL GROUP BY f.facet, f.value) AS delta WHERE delta.n <> 0 ORDER BY facet, value
    ON CONFLICT (facet, value) DO UPDATE SET n = kept.n + EXCLUDED.n;
    ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO innovations_facetcount AS kept (facet, value, n)
    SELECT * FROM (SELECT f.facet, f.value, sum(r.sign) AS n
        FROM (SELECT -1 AS sign, * FROM old_rows WHERE status = 'published') AS r, LATERAL (SELECT 'category', unnest(ARRAY[r.category]) UNION ALL SELECT 'stage', unnest(ARRAY[r.stage]) UNION ALL SELECT 'tier', unnest(ARRAY[r.evidence_tier]) UNION ALL SELECT 'network', unnest(ARRAY[r.lead_network_id::text]) UNION ALL SELECT 'clinical_area', unnest(r.clinical_areas) UNION ALL SELECT 'care_setting', unnest(r.care_settings) UNION ALL SELECT 'core20', unnest(r.core20plus5) UNION ALL SELECT 'icb', unnest(r.adopted_icbs::text[]) UNION ALL SELECT 'region', unnest(r.adopted_regions::text[]) UNION ALL SELECT 'proven', unnest(CASE WHEN r.is_proven THEN ARRAY['true'] ELSE '{}'::text[] END)) AS f(facet, value)
        WHERE f.value IS NOT NULL GROUP BY f.facet, f.value) AS delta WHERE delta.n <> 0 ORDER BY facet, value
    ON CONFLICT (facet, value) DO UPDATE SET n = kept.n + EXCLUDED.n;
    ELSE
    INSERT INTO innovations_facetcount AS kept (facet, value, n)
    SELECT * FROM (SELECT f.facet, f.value, sum(r.sign) AS n
        FROM (SELECT 1 AS sign, * FROM new_rows WHERE status = 'published' UNION ALL SELECT -1 AS sign, * FROM old_rows WHERE status = 'published') AS r, LATERAL (SELECT 'category', unnest(ARRAY[r.category]) UNION ALL SELECT 'stage', unnest(ARRAY[r.stage]) UNION ALL SELECT 'tier', unnest(ARRAY[r.evidence_tier]) UNION ALL SELECT 'network', unnest(ARRAY[r.lead_network_id::text]) UNION ALL SELECT 'clinical_area', unnest(r.clinical_areas) UNION ALL SELECT 'care_setting', unnest(r.care_settings) UNION ALL SELECT 'core20', unnest(r.core20plus5) UNION ALL SELECT 'icb', unnest(r.adopted_icbs::text[]) UNION ALL SELECT 'region', unnest(r.adopted_regions::text[]) UNION ALL SELECT 'proven', unnest(CASE WHEN r.is_proven THEN ARRAY['true'] ELSE '{}'::text[] END)) AS f(facet, value)
        WHERE f.value IS NOT NULL GROUP BY f.facet, f.value) AS delta WHERE delta.n <> 0 ORDER BY facet, value
    ON CONFLICT (facet, value) DO UPDATE SET n = kept.n + EXCLUDED.n;
    END IF;
    RETURN NULL;
END $$;
"""

TRIGGERS = """
CREATE TRIGGER innovations_facets_insert AFTER INSERT ON innovations_innovation
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION innovations_keep_facet_counts();
CREATE TRIGGER innovations_facets_update AFTER UPDATE ON innovations_innovation
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION innovations_keep_facet_counts();
CREATE TRIGGER innovations_facets_delete AFTER DELETE ON innovations_innovation
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION innovations_keep_facet_counts();
"""

REVERSE = """
DROP TRIGGER IF EXISTS innovations_facets_insert ON innovations_innovation;
DROP TRIGGER IF EXISTS innovations_facets_update ON innovations_innovation;
DROP TRIGGER IF EXISTS innovations_facets_delete ON innovations_innovation;
DROP FUNCTION IF EXISTS innovations_keep_facet_counts();
DELETE FROM innovations_facetcount;
"""

# The counts of what is published now, in one pass.
BACKFILL = r"""
INSERT INTO innovations_facetcount (facet, value, n)
SELECT f.facet, f.value, sum(r.sign) AS n
        FROM (SELECT 1 AS sign, * FROM innovations_innovation WHERE status = 'published') AS r, LATERAL (SELECT 'category', unnest(ARRAY[r.category]) UNION ALL SELECT 'stage', unnest(ARRAY[r.stage]) UNION ALL SELECT 'tier', unnest(ARRAY[r.evidence_tier]) UNION ALL SELECT 'network', unnest(ARRAY[r.lead_network_id::text]) UNION ALL SELECT 'clinical_area', unnest(r.clinical_areas) UNION ALL SELECT 'care_setting', unnest(r.care_settings) UNION ALL SELECT 'core20', unnest(r.core20plus5) UNION ALL SELECT 'icb', unnest(r.adopted_icbs::text[]) UNION ALL SELECT 'region', unnest(r.adopted_regions::text[]) UNION ALL SELECT 'proven', unnest(CASE WHEN r.is_proven THEN ARRAY['true'] ELSE '{}'::text[] END)) AS f(facet, value)
        WHERE f.value IS NOT NULL GROUP BY f.facet, f.value;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("innovations", "0015_derived_adoption_columns"),
    ]

    operations = [
        migrations.CreateModel(
            name="FacetCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("facet", models.CharField(max_length=20)),
                ("value", models.CharField(max_length=100)),
                ("n", models.IntegerField()),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("facet", "value"), name="one_count_per_facet_value")],
            },
        ),
        # Locked from the count to the trigger, so that no write slips between them.
        migrations.RunSQL(
            "LOCK TABLE innovations_innovation IN SHARE ROW EXCLUSIVE MODE;" + BACKFILL + FUNCTION + TRIGGERS,
            REVERSE,
        ),
    ]
