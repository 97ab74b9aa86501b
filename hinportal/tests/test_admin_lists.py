import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hinportal.lib import admin as portal_admin
from innovations.tests.factories import make_adoption, make_innovation


@pytest.mark.parametrize(
    "path",
    [
        "/admin/innovations/innovation/",
        "/admin/innovations/adoption/",
        "/admin/innovations/programme/",
        "/admin/innovations/evidenceitem/",
        "/admin/reviews/publication/",
        "/admin/networks/integratedcareboard/",
    ],
)
def test_changelists_run_the_same_queries_with_more_rows(client_as, path, world):
    client = client_as("publisher")
    icbs = [world.icb, world.icb2]

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(path).status_code == 200
        return len(context.captured_queries)

    make_adoption(innovation=make_innovation(lead_network=icbs[0].network), icb=icbs[0])
    few = count_queries()
    for n in range(4):
        innovation = make_innovation(name=f"More {n}", lead_network=icbs[0].network)
        make_adoption(innovation=innovation, icb=icbs[1])
    assert count_queries() == few


def test_a_large_changelist_takes_the_planners_estimate_instead_of_counting(client_as, monkeypatch, world):
    monkeypatch.setattr(portal_admin, "EXACT_COUNT_UP_TO", 2)
    network = world.icb.network
    for n in range(6):
        make_innovation(name=f"Row {n}", lead_network=network)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE innovations_innovation")
    with CaptureQueriesContext(connection) as context:
        response = client_as("national admin").get("/admin/innovations/innovation/")
    assert response.status_code == 200
    sqls = [q["sql"] for q in context.captured_queries]
    assert any(sql.startswith("EXPLAIN (FORMAT JSON)") for sql in sqls)
    assert not any("COUNT(*)" in sql and "innovations_innovation" in sql for sql in sqls)
