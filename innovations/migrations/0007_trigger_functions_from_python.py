"""Install the catalogue's trigger functions as innovations/triggers.py renders them from the
Python constants they repeat (SEARCH_CONFIG, the word rule, ADOPTED). The SQL is written out here,
as migrations must not change once applied; innovations/tests/test_triggers.py fails when the
module and the database drift apart, and a new migration like this one brings them together."""

from django.db import migrations

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION innovations_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    codes text;
BEGIN
    SELECT string_agg(g.kind || g.number, ' ') INTO codes
    FROM innovations_niceguidance g WHERE g.innovation_id = NEW.id;
    NEW.search_vector :=
        setweight(to_tsvector('english', coalesce(NEW.name, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(NEW.summary, '')), 'B') ||
        setweight(to_tsvector('english', coalesce(NEW.description, '')), 'C') ||
        setweight(to_tsvector('english', translate(concat_ws(' ',
            NEW.category, NEW.stage, NEW.organisation, codes,
            array_to_string(NEW.clinical_areas, ' '),
            array_to_string(NEW.care_settings, ' '),
            array_to_string(NEW.core20plus5, ' ')), '-', ' ')), 'D');
    RETURN NEW;
END $$;
CREATE OR REPLACE FUNCTION innovations_collect_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO innovations_searchword (word)
    SELECT DISTINCT w
    FROM new_rows r,
         regexp_split_to_table(lower(concat_ws(' ', r.name, r.summary, r.description)), '[^[:alpha:]]+') AS w
    WHERE length(w) BETWEEN 3 AND 60
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION innovations_collect_row_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO innovations_searchword (word)
    SELECT DISTINCT w
    FROM regexp_split_to_table(
        lower(concat_ws(' ', NEW.name, NEW.summary, NEW.description)), '[^[:alpha:]]+'
    ) AS w
    WHERE length(w) BETWEEN 3 AND 60
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION innovations_recount_adoptions() RETURNS trigger LANGUAGE plpgsql AS $$
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
"""


class Migration(migrations.Migration):
    dependencies = [("innovations", "0006_record_versions_and_one_open_submission")]

    # Going back leaves the functions as they are: the earlier ones behave the same.
    operations = [migrations.RunSQL(FUNCTIONS, migrations.RunSQL.noop)]
