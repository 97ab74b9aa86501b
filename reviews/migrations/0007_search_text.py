"""The publication's vector reads its text through search_text (A&E, COVID-19 and sFlt-1/PlGF kept
whole); a generated column cannot be altered, so it is made again. Its words join the vocabulary
through the shared trigger function (hinportal/lib/search/sql.py)."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.functions.text
from django.db import migrations, models

import hinportal.lib.search.fields

WORDS = r"""
CREATE TRIGGER reviews_publication_words_insert AFTER INSERT ON reviews_publication
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION collect_search_words('title', 'summary', 'body');
CREATE TRIGGER reviews_publication_words_update AFTER UPDATE OF title, summary, body ON reviews_publication
FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.summary IS DISTINCT FROM NEW.summary OR OLD.body IS DISTINCT FROM NEW.body) EXECUTE FUNCTION collect_search_words('title', 'summary', 'body');

INSERT INTO hinportal_searchword (word, stem)
SELECT DISTINCT w, (ts_lexize('english_stem', w))[1]
FROM reviews_publication r, regexp_split_to_table(lower(concat_ws(' ', r.title, r.summary, r.body)), '[^[:alpha:]]+') AS w
WHERE length(w) BETWEEN 3 AND 60 AND ts_lexize('english_stem', w) <> '{}'
ON CONFLICT DO NOTHING;
"""

DROP_WORDS = """
DROP TRIGGER IF EXISTS reviews_publication_words_insert ON reviews_publication;
DROP TRIGGER IF EXISTS reviews_publication_words_update ON reviews_publication;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0006_publication_search_vector_generated"),
        ("hinportal", "0003_search"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="publication", name="publication_search_gin"),
        migrations.RemoveField(model_name="publication", name="search_vector"),
        migrations.AddField(
            model_name="publication",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.CombinedSearchVector(
                    django.contrib.postgres.search.CombinedSearchVector(
                        django.contrib.postgres.search.CombinedSearchVector(
                            django.contrib.postgres.search.SearchVector(
                                hinportal.lib.search.fields.SearchText("title"), config="english", weight="A"
                            ),
                            "||",
                            django.contrib.postgres.search.SearchVector(
                                hinportal.lib.search.fields.SearchText("summary"), config="english", weight="B"
                            ),
                            django.contrib.postgres.search.SearchConfig("english"),
                        ),
                        "||",
                        django.contrib.postgres.search.SearchVector(
                            hinportal.lib.search.fields.SearchText("body"), config="english", weight="C"
                        ),
                        django.contrib.postgres.search.SearchConfig("english"),
                    ),
                    "||",
                    django.contrib.postgres.search.SearchVector(
                        hinportal.lib.search.fields.SearchText(
                            django.db.models.functions.text.Concat(
                                "authors", models.Value(" "), "kind", output_field=models.TextField()
                            )
                        ),
                        config="english",
                        weight="D",
                    ),
                    django.contrib.postgres.search.SearchConfig("english"),
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddIndex(
            model_name="publication",
            index=django.contrib.postgres.indexes.GinIndex(fields=["search_vector"], name="publication_search_gin"),
        ),
        migrations.RunSQL(WORDS, DROP_WORDS),
    ]
