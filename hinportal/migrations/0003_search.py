"""Search's shared parts: the synonyms staff edit (with history), the vocabulary of every searchable
record (for near forms, spellings and "Did you mean"), the records' embeddings, and the SQL
functions every search vector and word trigger uses, as hinportal/lib/search/sql.py renders them.
The SQL is written out here, as migrations must not change once applied;
hinportal/tests/test_search_sql.py fails when the module and the database drift apart."""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.db.models.deletion
import django.db.models.functions.datetime
import django.db.models.functions.text
import simple_history.models
from django.conf import settings
from django.db import migrations, models

import hinportal.lib.fields

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION search_text(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT regexp_replace(coalesce(t, ''), '([[:alnum:]])[-/&]+(?=[[:alnum:]])', '\1 ', 'g')
    || coalesce(' ' || (
        SELECT string_agg(regexp_replace(m[1], '[-/&]', '', 'g'), ' ')
        FROM regexp_matches(coalesce(t, ''), '([[:alnum:]]+(?:[-/&]+[[:alnum:]]+)+)', 'g') AS m
    ), '')
$$;
CREATE OR REPLACE FUNCTION collect_search_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The columns to read are the trigger's arguments. On insert, once per statement (bulk
    -- inserts and COPY too); on update, once per row whose text changed (see the trigger's WHEN).
    IF TG_LEVEL = 'ROW' THEN
        INSERT INTO hinportal_searchword (word, stem)
        SELECT DISTINCT w, (ts_lexize('english_stem', w))[1]
        FROM jsonb_each_text(to_jsonb(NEW)) AS col(name, value),
             regexp_split_to_table(lower(col.value), '[^[:alpha:]]+') AS w
        WHERE col.name = ANY(TG_ARGV) AND length(w) BETWEEN 3 AND 60
          AND ts_lexize('english_stem', w) <> '{}'
        ON CONFLICT DO NOTHING;
    ELSE
        INSERT INTO hinportal_searchword (word, stem)
        SELECT DISTINCT w, (ts_lexize('english_stem', w))[1]
        FROM new_rows r,
             jsonb_each_text(to_jsonb(r)) AS col(name, value),
             regexp_split_to_table(lower(col.value), '[^[:alpha:]]+') AS w
        WHERE col.name = ANY(TG_ARGV) AND length(w) BETWEEN 3 AND 60
          AND ts_lexize('english_stem', w) <> '{}'
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;
"""

DROP_FUNCTIONS = """
DROP FUNCTION IF EXISTS collect_search_words();
DROP FUNCTION IF EXISTS search_text(text);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("hinportal", "0002_import_jobs"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The catalogue's first migration may have made it already; reversing leaves it to that one.
        migrations.RunSQL("CREATE EXTENSION IF NOT EXISTS pg_trgm", reverse_sql=migrations.RunSQL.noop),
        migrations.RunSQL(FUNCTIONS, DROP_FUNCTIONS),
        migrations.CreateModel(
            name="Embedding",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(help_text="app_label.model_name of the record.", max_length=60)),
                ("object_id", models.BigIntegerField()),
                ("text_hash", models.CharField(max_length=32)),
                ("vector", models.BinaryField()),
                ("updated_at", models.DateTimeField(db_default=django.db.models.functions.datetime.Now())),
            ],
            options={
                "indexes": [
                    models.Index(fields=["updated_at"], name="embedding_updated"),
                    models.Index(fields=["text_hash"], name="embedding_text_hash"),
                ],
                "constraints": [models.UniqueConstraint(fields=("kind", "object_id"), name="embedding_one_per_record")],
            },
        ),
        migrations.CreateModel(
            name="HistoricalSynonym",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("version", models.PositiveIntegerField(db_default=1, default=1, editable=False)),
                (
                    "term",
                    hinportal.lib.fields.CharField(
                        help_text="The term as the catalogue says it, e.g. benign prostatic hyperplasia.",
                        max_length=100,
                    ),
                ),
                (
                    "equivalents",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=hinportal.lib.fields.CharField(max_length=100),
                        help_text="Other words for it, e.g. BPH and enlarged prostate.",
                        size=None,
                    ),
                ),
                (
                    "kind",
                    hinportal.lib.fields.CharField(
                        choices=[
                            ("abbreviation", "Abbreviation"),
                            ("lay-term", "Lay term"),
                            ("spelling", "Other spelling"),
                            ("related", "Same meaning"),
                        ],
                        default="related",
                        max_length=20,
                    ),
                ),
                (
                    "note",
                    hinportal.lib.fields.CharField(
                        blank=True, help_text="Where it comes from, or why it is here.", max_length=300
                    ),
                ),
                ("updated_at", models.DateTimeField(blank=True, editable=False)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical synonym",
                "verbose_name_plural": "historical synonyms",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                ("word", models.CharField(max_length=60, primary_key=True, serialize=False)),
                ("stem", models.CharField(max_length=60)),
            ],
            options={
                "indexes": [
                    django.contrib.postgres.indexes.GinIndex(
                        fields=["word"], name="search_word_trgm", opclasses=["gin_trgm_ops"]
                    ),
                    models.Index(fields=["stem"], name="search_word_stem", opclasses=["text_pattern_ops"]),
                ],
            },
        ),
        migrations.CreateModel(
            name="Synonym",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("version", models.PositiveIntegerField(db_default=1, default=1, editable=False)),
                (
                    "term",
                    hinportal.lib.fields.CharField(
                        help_text="The term as the catalogue says it, e.g. benign prostatic hyperplasia.",
                        max_length=100,
                    ),
                ),
                (
                    "equivalents",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=hinportal.lib.fields.CharField(max_length=100),
                        help_text="Other words for it, e.g. BPH and enlarged prostate.",
                        size=None,
                    ),
                ),
                (
                    "kind",
                    hinportal.lib.fields.CharField(
                        choices=[
                            ("abbreviation", "Abbreviation"),
                            ("lay-term", "Lay term"),
                            ("spelling", "Other spelling"),
                            ("related", "Same meaning"),
                        ],
                        default="related",
                        max_length=20,
                    ),
                ),
                (
                    "note",
                    hinportal.lib.fields.CharField(
                        blank=True, help_text="Where it comes from, or why it is here.", max_length=300
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "ordering": ["term"],
                "constraints": [
                    models.UniqueConstraint(
                        django.db.models.functions.text.Lower("term"),
                        name="synonym_term_unique",
                        violation_error_message="There is already a synonym for this term (perhaps in other capitals): add to that one.",
                    )
                ],
            },
        ),
    ]
