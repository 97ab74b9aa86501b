"""Search everywhere: the innovation's vector reads its text through search_text (A&E, COVID-19 and
sFlt-1/PlGF kept whole) and is recomputed; programmes get a generated vector of their own; the
catalogue's vocabulary moves to hinportal.SearchWord, filled by one trigger function shared with
publications, now with each word's stem; a btree index serves the search's prior order."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.conf import settings
from django.db import migrations, models

import hinportal.lib.search.fields

DROP_OLD_WORDS = """
DROP TRIGGER IF EXISTS innovations_words_insert ON innovations_innovation;
DROP TRIGGER IF EXISTS innovations_words_update ON innovations_innovation;
DROP FUNCTION IF EXISTS innovations_collect_words();
DROP FUNCTION IF EXISTS innovations_collect_row_words();
"""

# Going back: the word functions and triggers of migrations 0002 and 0007, as they were.
RESTORE_OLD_WORDS = r"""
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
CREATE TRIGGER innovations_words_insert AFTER INSERT ON innovations_innovation
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION innovations_collect_words();
CREATE TRIGGER innovations_words_update AFTER UPDATE OF name, summary, description ON innovations_innovation
FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.summary IS DISTINCT FROM NEW.summary
                   OR OLD.description IS DISTINCT FROM NEW.description)
EXECUTE FUNCTION innovations_collect_row_words();
"""

# The vector read through search_text (innovations/triggers.py), then every row's recomputed.
VECTOR = r"""
CREATE OR REPLACE FUNCTION innovations_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    codes text;
BEGIN
    SELECT string_agg(g.kind || g.number, ' ') INTO codes
    FROM innovations_niceguidance g WHERE g.innovation_id = NEW.id;
    NEW.search_vector :=
        setweight(to_tsvector('english', search_text(NEW.name)), 'A') ||
        setweight(to_tsvector('english', search_text(NEW.summary)), 'B') ||
        setweight(to_tsvector('english', search_text(NEW.description)), 'C') ||
        setweight(to_tsvector('english', translate(concat_ws(' ',
            NEW.category, NEW.stage, NEW.organisation, codes,
            array_to_string(NEW.clinical_areas, ' '),
            array_to_string(NEW.care_settings, ' '),
            array_to_string(NEW.core20plus5, ' ')), '-', ' ')), 'D');
    RETURN NEW;
END $$;
UPDATE innovations_innovation SET name = name;
"""

OLD_VECTOR = r"""
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
UPDATE innovations_innovation SET name = name;
"""

# Words of innovations and programmes collected by the shared function (hinportal/lib/search/sql.py),
# and the vocabulary filled from the rows already there.
WORDS = r"""
CREATE TRIGGER innovations_innovation_words_insert AFTER INSERT ON innovations_innovation
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION collect_search_words('name', 'summary', 'description');
CREATE TRIGGER innovations_innovation_words_update AFTER UPDATE OF name, summary, description ON innovations_innovation
FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.summary IS DISTINCT FROM NEW.summary OR OLD.description IS DISTINCT FROM NEW.description) EXECUTE FUNCTION collect_search_words('name', 'summary', 'description');


CREATE TRIGGER innovations_programme_words_insert AFTER INSERT ON innovations_programme
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION collect_search_words('name', 'short_name', 'summary');
CREATE TRIGGER innovations_programme_words_update AFTER UPDATE OF name, short_name, summary ON innovations_programme
FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.short_name IS DISTINCT FROM NEW.short_name OR OLD.summary IS DISTINCT FROM NEW.summary) EXECUTE FUNCTION collect_search_words('name', 'short_name', 'summary');

INSERT INTO hinportal_searchword (word, stem)
SELECT DISTINCT w, (ts_lexize('english_stem', w))[1]
FROM (
    SELECT concat_ws(' ', name, summary, description) AS text FROM innovations_innovation
    UNION ALL
    SELECT concat_ws(' ', name, short_name, summary) FROM innovations_programme
) AS r, regexp_split_to_table(lower(r.text), '[^[:alpha:]]+') AS w
WHERE length(w) BETWEEN 3 AND 60 AND ts_lexize('english_stem', w) <> '{}'
ON CONFLICT DO NOTHING;
"""

DROP_WORDS = """
DROP TRIGGER IF EXISTS innovations_innovation_words_insert ON innovations_innovation;
DROP TRIGGER IF EXISTS innovations_innovation_words_update ON innovations_innovation;
DROP TRIGGER IF EXISTS innovations_programme_words_insert ON innovations_programme;
DROP TRIGGER IF EXISTS innovations_programme_words_update ON innovations_programme;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("innovations", "0007_trigger_functions_from_python"),
        ("networks", "0003_text_without_control_characters"),
        ("hinportal", "0003_search"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunSQL(DROP_OLD_WORDS, RESTORE_OLD_WORDS),
        migrations.RunSQL(VECTOR, OLD_VECTOR),
        migrations.RunSQL(WORDS, DROP_WORDS),
        migrations.DeleteModel(
            name="SearchWord",
        ),
        migrations.AddField(
            model_name="programme",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.CombinedSearchVector(
                    django.contrib.postgres.search.SearchVector(
                        hinportal.lib.search.fields.SearchText("name"),
                        hinportal.lib.search.fields.SearchText("short_name"),
                        config="english",
                        weight="A",
                    ),
                    "||",
                    django.contrib.postgres.search.SearchVector(
                        hinportal.lib.search.fields.SearchText("summary"), config="english", weight="B"
                    ),
                    django.contrib.postgres.search.SearchConfig("english"),
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddIndex(
            model_name="innovation",
            index=models.Index(
                fields=["status", "is_demo", "-adopted_icb_count", "id"], name="innovation_search_prior"
            ),
        ),
        migrations.AddIndex(
            model_name="programme",
            index=django.contrib.postgres.indexes.GinIndex(fields=["search_vector"], name="programme_search_gin"),
        ),
    ]
