"""The SQL functions every searchable table shares, rendered from the Python constants they repeat.

`search_text(text)` is what each search vector reads instead of the raw text: tokens such as A&E,
COVID-19 and sFlt-1/PlGF are split into their parts (the parser would otherwise read "/PlGF" as a
file name and "-19" as a negative number) and also kept joined ("ae", "covid19", "sflt1plgf"), which
is the form parse.py gives the same token in a query. `collect_search_words()` is the trigger that
keeps the vocabulary (hinportal.models.SearchWord) current from the columns its trigger names.

Migrations install what `functions_sql()` renders, written out; hinportal/tests/test_search_sql.py
fails when the database's functions drift from this module, and a new migration brings them together.
"""

from .parse import JOINERS, SEARCH_CONFIG

WORD_MIN_LENGTH, WORD_MAX_LENGTH = 3, 60

# A bracket expression of the joining characters; "-" goes first so that it is not a range.
_JOINERS = "[" + "-" + JOINERS.replace("-", "") + "]"


def bodies() -> dict[str, str]:
    """Function name: its body (pg_proc.prosrc)."""
    return {
        "search_text": f"""
SELECT regexp_replace(coalesce(t, ''), '([[:alnum:]]){_JOINERS}+(?=[[:alnum:]])', '\\1 ', 'g')
    || coalesce(' ' || (
        SELECT string_agg(regexp_replace(m[1], '{_JOINERS}', '', 'g'), ' ')
        FROM regexp_matches(coalesce(t, ''), '([[:alnum:]]+(?:{_JOINERS}+[[:alnum:]]+)+)', 'g') AS m
    ), '')
""",  # noqa: S608 (a function body made from constants)
        "collect_search_words": f"""
BEGIN
    -- The columns to read are the trigger's arguments. On insert, once per statement (bulk
    -- inserts and COPY too); on update, once per row whose text changed (see the trigger's WHEN).
    IF TG_LEVEL = 'ROW' THEN
        INSERT INTO hinportal_searchword (word, stem)
        SELECT DISTINCT w, (ts_lexize('{SEARCH_CONFIG}_stem', w))[1]
        FROM jsonb_each_text(to_jsonb(NEW)) AS col(name, value),
             regexp_split_to_table(lower(col.value), '[^[:alpha:]]+') AS w
        WHERE col.name = ANY(TG_ARGV) AND length(w) BETWEEN {WORD_MIN_LENGTH} AND {WORD_MAX_LENGTH}
          AND ts_lexize('{SEARCH_CONFIG}_stem', w) <> '{{}}'
        ON CONFLICT DO NOTHING;
    ELSE
        INSERT INTO hinportal_searchword (word, stem)
        SELECT DISTINCT w, (ts_lexize('{SEARCH_CONFIG}_stem', w))[1]
        FROM new_rows r,
             jsonb_each_text(to_jsonb(r)) AS col(name, value),
             regexp_split_to_table(lower(col.value), '[^[:alpha:]]+') AS w
        WHERE col.name = ANY(TG_ARGV) AND length(w) BETWEEN {WORD_MIN_LENGTH} AND {WORD_MAX_LENGTH}
          AND ts_lexize('{SEARCH_CONFIG}_stem', w) <> '{{}}'
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END """,  # noqa: S608 (a function body made from constants)
    }


SIGNATURES = {
    "search_text": "search_text(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE",
    "collect_search_words": "collect_search_words() RETURNS trigger LANGUAGE plpgsql",
}


def functions_sql() -> str:
    """CREATE OR REPLACE for every function above: what a migration runs when a constant changes."""
    return "\n".join(f"CREATE OR REPLACE FUNCTION {SIGNATURES[name]} AS $${body}$$;" for name, body in bodies().items())


def word_triggers_sql(table: str, columns: list[str]) -> str:
    """The two triggers that collect a table's words from the named columns."""
    names = ", ".join(f"'{column}'" for column in columns)
    changed = " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in columns)
    return f"""
CREATE TRIGGER {table}_words_insert AFTER INSERT ON {table}
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION collect_search_words({names});
CREATE TRIGGER {table}_words_update AFTER UPDATE OF {", ".join(columns)} ON {table}
FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION collect_search_words({names});
"""


def drop_word_triggers_sql(table: str) -> str:
    return "".join(f"DROP TRIGGER IF EXISTS {table}_words_{event} ON {table};\n" for event in ("insert", "update"))
