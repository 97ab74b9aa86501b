"""Database triggers that keep derived columns current on every write path, bulk ones included.

- innovations_innovation.search_vector: weighted name (A) > summary (B) > description (C) >
  vocabulary terms, innovator and NICE codes (D), recomputed whenever one of them changes.
- innovations_searchword: the catalogue's own words, for "Did you mean" (pg_trgm).
- innovations_innovation.adopted_icb_count: ICBs whose adoption is adopted or embedded,
  recounted once per statement for the innovations it touched.
"""

from django.db import migrations

SEARCH_VECTOR = """
CREATE FUNCTION innovations_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TRIGGER innovations_search_vector
BEFORE INSERT OR UPDATE OF name, summary, description, organisation, category, stage,
    clinical_areas, care_settings, core20plus5
ON innovations_innovation FOR EACH ROW EXECUTE FUNCTION innovations_search_vector();

-- A change to an innovation's NICE references touches its name, which recomputes its vector.
CREATE FUNCTION innovations_guidance_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE innovations_innovation i SET name = i.name
        WHERE i.id IN (SELECT innovation_id FROM new_rows);
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE innovations_innovation i SET name = i.name
        WHERE i.id IN (SELECT innovation_id FROM old_rows);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER innovations_guidance_insert AFTER INSERT ON innovations_niceguidance
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION innovations_guidance_touch();
CREATE TRIGGER innovations_guidance_update AFTER UPDATE ON innovations_niceguidance
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION innovations_guidance_touch();
CREATE TRIGGER innovations_guidance_delete AFTER DELETE ON innovations_niceguidance
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION innovations_guidance_touch();
"""

SEARCH_WORDS = """
CREATE FUNCTION innovations_collect_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO innovations_searchword (word)
    SELECT DISTINCT w
    FROM new_rows r,
         regexp_split_to_table(lower(concat_ws(' ', r.name, r.summary, r.description)), '[^[:alpha:]]+') AS w
    WHERE length(w) BETWEEN 3 AND 60
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;

CREATE TRIGGER innovations_words_insert AFTER INSERT ON innovations_innovation
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION innovations_collect_words();

-- Row by row on update, and only when the text changed: recounts and touches leave words alone.
CREATE FUNCTION innovations_collect_row_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO innovations_searchword (word)
    SELECT DISTINCT w
    FROM regexp_split_to_table(lower(concat_ws(' ', NEW.name, NEW.summary, NEW.description)), '[^[:alpha:]]+') AS w
    WHERE length(w) BETWEEN 3 AND 60
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;

CREATE TRIGGER innovations_words_update AFTER UPDATE OF name, summary, description ON innovations_innovation
FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.summary IS DISTINCT FROM NEW.summary
                   OR OLD.description IS DISTINCT FROM NEW.description)
EXECUTE FUNCTION innovations_collect_row_words();
"""

ADOPTION_COUNTS = """
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

REVERSE = """
DROP TRIGGER IF EXISTS innovations_adoption_insert ON innovations_adoption;
DROP TRIGGER IF EXISTS innovations_adoption_update ON innovations_adoption;
DROP TRIGGER IF EXISTS innovations_adoption_delete ON innovations_adoption;
DROP FUNCTION IF EXISTS innovations_recount_adoptions();
DROP TRIGGER IF EXISTS innovations_words_insert ON innovations_innovation;
DROP TRIGGER IF EXISTS innovations_words_update ON innovations_innovation;
DROP FUNCTION IF EXISTS innovations_collect_words();
DROP FUNCTION IF EXISTS innovations_collect_row_words();
DROP TRIGGER IF EXISTS innovations_guidance_insert ON innovations_niceguidance;
DROP TRIGGER IF EXISTS innovations_guidance_update ON innovations_niceguidance;
DROP TRIGGER IF EXISTS innovations_guidance_delete ON innovations_niceguidance;
DROP FUNCTION IF EXISTS innovations_guidance_touch();
DROP TRIGGER IF EXISTS innovations_search_vector ON innovations_innovation;
DROP FUNCTION IF EXISTS innovations_search_vector();
"""


class Migration(migrations.Migration):
    dependencies = [("innovations", "0001_catalogue")]

    operations = [migrations.RunSQL(SEARCH_VECTOR + SEARCH_WORDS + ADOPTION_COUNTS, REVERSE)]
