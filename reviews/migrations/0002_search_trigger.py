"""Keep each publication's weighted search vector current on every write: title (A) > summary (B) >
body (C) > authors and kind (D)."""

from django.db import migrations

FORWARD = """
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

REVERSE = """
DROP TRIGGER IF EXISTS reviews_search_vector ON reviews_publication;
DROP FUNCTION IF EXISTS reviews_search_vector();
"""


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_publications")]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]
