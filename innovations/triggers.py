"""The catalogue's triggers, rendered from the Python constants they repeat.

PostgreSQL keeps derived columns current on every write path (the admin, imports, bulk updates,
COPY): each innovation's weighted search vector (its text read by search_text, see
hinportal/lib/search/sql.py, which also collects the catalogue's words), and what its adoptions,
guidance and evidence make of it: the ICBs adopting it, their count and regions, and whether it is
proven (PROVEN_RULE). Listings filter and count on these columns and their indexes rather than
joining every adoption. The functions are built here from SEARCH_CONFIG, ADOPTED, SUPPORTIVE and
PROVEN_MIN_ICBS. Migrations install
the SQL this module renders, written out (migrations 0008 and 0015); innovations/tests/test_triggers.py fails
if the functions in the database drift from it. Then add a migration whose RunSQL holds what
`functions_sql()` prints now:
`manage.py shell -c "from innovations.triggers import functions_sql; print(functions_sql())"`.
"""

from hinportal.lib.search.parse import SEARCH_CONFIG
from hinportal.lib.workflow import Status

from .choices import ADOPTED, SUPPORTIVE, EvidenceType
from .models import PROVEN_MIN_ICBS

# Each kept facet (innovations_facetcount), as the array of values a row `r` holds for it.
KEPT_FACETS = {
    "category": "ARRAY[r.category]",
    "stage": "ARRAY[r.stage]",
    "tier": "ARRAY[r.evidence_tier]",
    "network": "ARRAY[r.lead_network_id::text]",
    "clinical_area": "r.clinical_areas",
    "care_setting": "r.care_settings",
    "core20": "r.core20plus5",
    "icb": "r.adopted_icbs::text[]",
    "region": "r.adopted_regions::text[]",
    "proven": "CASE WHEN r.is_proven THEN ARRAY['true'] ELSE '{}'::text[] END",
}


def facet_values_sql(rows: str) -> str:
    """(facet, value, n) for every kept facet over `rows`, a query of innovation rows with a `sign`."""
    values = " UNION ALL ".join(f"SELECT '{facet}', unnest({array})" for facet, array in KEPT_FACETS.items())
    return f"""SELECT f.facet, f.value, sum(r.sign) AS n
        FROM ({rows}) AS r, LATERAL ({values}) AS f(facet, value)
        WHERE f.value IS NOT NULL GROUP BY f.facet, f.value"""


def _facet_delta(rows: str) -> str:
    # In (facet, value) order, so that concurrent writers lock the counts in the same order.
    return f"""
    INSERT INTO innovations_facetcount AS kept (facet, value, n)
    SELECT * FROM ({facet_values_sql(rows)}) AS delta WHERE delta.n <> 0 ORDER BY facet, value
    ON CONFLICT (facet, value) DO UPDATE SET n = kept.n + EXCLUDED.n;"""


def _figures_delta(rows: str) -> str:
    """Move the kept adoption figures (innovations_adoptionfigure) by `rows`: adoptions of published
    innovations as (sign, icb_id, status, started_on, areas), areas being the innovation's."""
    adopted = _quoted(ADOPTED)
    return f"""
    INSERT INTO innovations_adoptionfigure AS kept (icb_id, kind, key, n)
    SELECT d.icb_id, d.kind, d.key, sum(d.sign) FROM (
        SELECT r.sign, r.icb_id, f.kind, f.key FROM ({rows}) AS r, LATERAL (
            SELECT 'status', r.status::text
            UNION ALL SELECT 'area', unnest(r.areas)::text WHERE r.status IN ({adopted})
            UNION ALL SELECT 'quarter',
                extract(year FROM r.started_on)::int || '-' || extract(quarter FROM r.started_on)::int
                WHERE r.status IN ({adopted})
        ) AS f(kind, key)
    ) AS d GROUP BY d.icb_id, d.kind, d.key HAVING sum(d.sign) <> 0 ORDER BY 1, 2, 3
    ON CONFLICT (icb_id, kind, key) DO UPDATE SET n = kept.n + EXCLUDED.n;"""


def adoption_rows(sign: int, table: str) -> str:
    """Adoptions in `table` (a transition table, or the adoptions themselves) of published innovations."""
    return (
        f"SELECT {sign} AS sign, r.icb_id, r.status, r.started_on, i.clinical_areas AS areas FROM {table} r "
        f"JOIN innovations_innovation i ON i.id = r.innovation_id WHERE i.status = '{Status.PUBLISHED}'"
    )


# An innovation published, unpublished or given other clinical areas: its adoptions as they counted
# before (taken away) and as they count now (added).
_INNOVATION_CHANGED = f"""
    WITH changed AS (
        SELECT o.id, o.status AS was, o.clinical_areas AS had, n.status AS now, n.clinical_areas AS has
        FROM old_rows o JOIN new_rows n USING (id)
        WHERE (o.status, o.clinical_areas) IS DISTINCT FROM (n.status, n.clinical_areas)
    )
    SELECT -1 AS sign, a.icb_id, a.status, a.started_on, c.had AS areas
    FROM changed c JOIN innovations_adoption a ON a.innovation_id = c.id WHERE c.was = '{Status.PUBLISHED}'
    UNION ALL
    SELECT 1, a.icb_id, a.status, a.started_on, c.has
    FROM changed c JOIN innovations_adoption a ON a.innovation_id = c.id WHERE c.now = '{Status.PUBLISHED}'"""

_PUBLISHED_NEW = f"SELECT 1 AS sign, * FROM new_rows WHERE status = '{Status.PUBLISHED}'"
_PUBLISHED_OLD = f"SELECT -1 AS sign, * FROM old_rows WHERE status = '{Status.PUBLISHED}'"


def _planned_each_call(statement: str) -> str:
    """A statement that joins one transition table to another, run by EXECUTE so that it is planned
    for the rows of each call. PL/pgSQL keeps a function's plans for the session, made for the
    transition tables' sizes at the first call: a plan made for a one-row update joined the old and
    new rows of a seed's 6,600-row update pair by pair (43 million comparisons, 9.5 s)."""
    return f"\n    EXECUTE $sql${statement.strip().removesuffix(';')}$sql$;"


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
        # What an innovation's adoptions, guidance and evidence make of it, for the given ids:
        # the ICBs adopting or embedding it, their count and regions, and whether it is proven.
        # Rows are written only when something changed.
        "innovations_refresh_derived": f"""
BEGIN
    UPDATE innovations_innovation i
    SET adopted_icb_count = d.n, adopted_icbs = d.icbs, adopted_regions = d.regions, is_proven = d.proven
    FROM (
        SELECT adopted.*, adopted.n >= {PROVEN_MIN_ICBS} AND (
            EXISTS (SELECT 1 FROM innovations_niceguidance g
                    WHERE g.innovation_id = adopted.id AND g.recommendation IN ({_quoted(SUPPORTIVE)}))
            OR EXISTS (SELECT 1 FROM innovations_evidenceitem e
                       WHERE e.innovation_id = adopted.id AND e.kind = '{EvidenceType.REAL_WORLD}')
        ) AS proven
        FROM (
            SELECT t.id, count(DISTINCT a.icb_id) AS n,
                   coalesce(array_agg(DISTINCT a.icb_id) FILTER (WHERE a.icb_id IS NOT NULL), '{{}}') AS icbs,
                   coalesce(array_agg(DISTINCT c.region_id) FILTER (WHERE c.region_id IS NOT NULL), '{{}}') AS regions
            FROM unnest(ids) AS t(id)
            LEFT JOIN innovations_adoption a ON a.innovation_id = t.id AND a.status IN ({_quoted(ADOPTED)})
            LEFT JOIN networks_integratedcareboard c ON c.id = a.icb_id
            GROUP BY t.id
        ) AS adopted
    ) AS d
    WHERE i.id = d.id
      AND (i.adopted_icb_count, i.adopted_icbs, i.adopted_regions, i.is_proven)
          IS DISTINCT FROM (d.n::smallint, d.icbs, d.regions, d.proven);
END """,
        # A statement's adoptions, NICE guidance or evidence, old and new: refresh their innovations.
        "innovations_keep_derived": """
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
    PERFORM innovations_refresh_derived(touched);
    RETURN NULL;
END """,
        # A statement's innovations, before and after: the kept facet counts move by the difference.
        "innovations_keep_facet_counts": f"""
BEGIN
    IF TG_OP = 'INSERT' THEN{_facet_delta(_PUBLISHED_NEW)}
    ELSIF TG_OP = 'DELETE' THEN{_facet_delta(_PUBLISHED_OLD)}
    ELSE{_facet_delta(_PUBLISHED_NEW + " UNION ALL " + _PUBLISHED_OLD)}
    END IF;
    RETURN NULL;
END """,
        # A statement's adoptions, before and after: each ICB's kept figures move by the difference.
        "innovations_keep_adoption_figures": f"""
BEGIN
    IF TG_OP = 'INSERT' THEN{_figures_delta(adoption_rows(1, "new_rows"))}
    ELSIF TG_OP = 'DELETE' THEN{_figures_delta(adoption_rows(-1, "old_rows"))}
    ELSE{_figures_delta(adoption_rows(1, "new_rows") + " UNION ALL " + adoption_rows(-1, "old_rows"))}
    END IF;
    RETURN NULL;
END """,
        # Innovations whose status or clinical areas changed: their adoptions count anew.
        "innovations_keep_adoption_figures_of_innovations": f"""
BEGIN{_planned_each_call(_figures_delta(_INNOVATION_CHANGED))}
    RETURN NULL;
END """,
        # An ICB moved to another region: the innovations it adopted list their regions again.
        "innovations_icb_moved": """
BEGIN
    PERFORM innovations_refresh_derived(array_agg(i.id))
    FROM innovations_innovation i
    WHERE i.adopted_icbs && (SELECT array_agg(n.id) FROM new_rows n JOIN old_rows o USING (id)
                              WHERE n.region_id IS DISTINCT FROM o.region_id);
    RETURN NULL;
END """,
        # A write to anything that ranks a gap list (innovations, adoptions, NICE guidance, evidence):
        # the transaction is noted, once, for the task worker (innovations/gap_lists.py). Each
        # transaction adds its own row, so writers never wait on one another here.
        "innovations_gap_lists_changed": """
BEGIN
    INSERT INTO innovations_gaplistchange (transaction_id, at) VALUES (txid_current(), now())
    ON CONFLICT (transaction_id) DO NOTHING;
    RETURN NULL;
END """,
    }


# Every function above is a trigger's but these.
SIGNATURES = {"innovations_refresh_derived": "(ids bigint[]) RETURNS void"}


def functions_sql() -> str:
    """CREATE OR REPLACE for every function above: what a migration runs when a constant changes."""
    return "\n".join(
        f"CREATE OR REPLACE FUNCTION {name}{SIGNATURES.get(name, '() RETURNS trigger')} LANGUAGE plpgsql AS $${body}$$;"
        for name, body in bodies().items()
    )
