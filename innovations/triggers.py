"""The catalogue's triggers, rendered from the Python constants they repeat.

PostgreSQL keeps two derived things current on every write path (the admin, imports, bulk
updates, COPY): each innovation's weighted search vector (its text read by search_text, see
hinportal/lib/search/sql.py, which also collects the catalogue's words) and each innovation's count
of adopting ICBs. Their functions are built here from SEARCH_CONFIG and ADOPTED. Migrations install
the SQL this module renders, written out (migration 0008); innovations/tests/test_triggers.py fails
if the functions in the database drift from it. Then add a migration whose RunSQL holds what
`functions_sql()` prints now:
`manage.py shell -c "from innovations.triggers import functions_sql; print(functions_sql())"`.
"""

from hinportal.lib.search.parse import SEARCH_CONFIG

from .choices import ADOPTED


def _quoted(values) -> str:
    return ", ".join(f"'{value}'" for value in values)


# Function name: its body (pg_proc.prosrc), each rendered from the constants above.
def bodies() -> dict[str, str]:
    return {
        "innovations_search_vector": f"""
DECLARE
    codes text;
BEGIN
    SELECT string_agg(g.kind || g.number, ' ') INTO codes
    FROM innovations_niceguidance g WHERE g.innovation_id = NEW.id;
    NEW.search_vector :=
        setweight(to_tsvector('{SEARCH_CONFIG}', search_text(NEW.name)), 'A') ||
        setweight(to_tsvector('{SEARCH_CONFIG}', search_text(NEW.summary)), 'B') ||
        setweight(to_tsvector('{SEARCH_CONFIG}', search_text(NEW.description)), 'C') ||
        setweight(to_tsvector('{SEARCH_CONFIG}', translate(concat_ws(' ',
            NEW.category, NEW.stage, NEW.organisation, codes,
            array_to_string(NEW.clinical_areas, ' '),
            array_to_string(NEW.care_settings, ' '),
            array_to_string(NEW.core20plus5, ' ')), '-', ' ')), 'D');
    RETURN NEW;
END """,
        "innovations_recount_adoptions": f"""
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
        WHERE a.innovation_id = i.id AND a.status IN ({_quoted(ADOPTED)})
    ), 0)
    WHERE i.id = ANY(touched);
    RETURN NULL;
END """,
    }


def functions_sql() -> str:
    """CREATE OR REPLACE for every function above: what a migration runs when a constant changes."""
    return "\n".join(
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $${body}$$;"
        for name, body in bodies().items()
    )
