"""The publication's search vector becomes a generated column (it reads only its own row), in
place of the trigger of migration 0002."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.functions.text
from django.db import migrations, models

DROP_TRIGGER = """
DROP TRIGGER IF EXISTS reviews_search_vector ON reviews_publication;
DROP FUNCTION IF EXISTS reviews_search_vector();
"""

# Going back: the trigger of migration 0002, as it was.
RESTORE_TRIGGER = """
CREATE FUNCTION reviews_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(NEW.summary, '')), 'B') ||
        setweight(to_tsvector('english', coalesce(NEW.body, '')), 'C') ||
        setweight(to_tsvector('english', translate(concat_ws(' ', NEW.authors, NEW.kind), '-', ' ')), 'D');
    RETURN NEW;
END $$;

CREATE TRIGGER reviews_search_vector
BEFORE INSERT OR UPDATE OF title, summary, body, authors, kind
ON reviews_publication FOR EACH ROW EXECUTE FUNCTION reviews_search_vector();
"""


class Migration(migrations.Migration):
    dependencies = [("reviews", "0005_record_versions")]

    operations = [
        migrations.RemoveIndex(model_name="publication", name="publication_search_gin"),
        migrations.RunSQL(DROP_TRIGGER, RESTORE_TRIGGER),
        migrations.RemoveField(model_name="publication", name="search_vector"),
        migrations.AddField(
            model_name="publication",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.CombinedSearchVector(
                    django.contrib.postgres.search.CombinedSearchVector(
                        django.contrib.postgres.search.CombinedSearchVector(
                            django.contrib.postgres.search.SearchVector("title", config="english", weight="A"),
                            "||",
                            django.contrib.postgres.search.SearchVector("summary", config="english", weight="B"),
                            django.contrib.postgres.search.SearchConfig("english"),
                        ),
                        "||",
                        django.contrib.postgres.search.SearchVector("body", config="english", weight="C"),
                        django.contrib.postgres.search.SearchConfig("english"),
                    ),
                    "||",
                    django.contrib.postgres.search.SearchVector(
                        django.db.models.functions.text.Replace(
                            django.db.models.functions.text.Concat(
                                "authors", models.Value(" "), "kind", output_field=models.TextField()
                            ),
                            models.Value("-"),
                            models.Value(" "),
                            output_field=models.TextField(),
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
    ]
