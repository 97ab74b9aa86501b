from hinportal.lib.workflow import Status
from innovations.tests.factories import make_adoption, make_innovation


def test_network_staff_land_on_their_networks_work(client_as, world):
    wessex, uclp = world.network, world.other_network
    ours = make_innovation(name="Ours in review", status=Status.IN_REVIEW, lead_network=wessex)
    make_innovation(name="Theirs in review", status=Status.IN_REVIEW, lead_network=uclp)
    make_adoption(innovation=make_innovation(), icb=world.icb2)
    ours.summary = "Edited."
    ours.save()
    html = client_as("editor").get("/admin/").content.decode()
    awaiting = html[html.index('id="awaiting-review"') : html.index('id="recent-changes"')]
    assert "Ours in review" in awaiting and "Theirs in review" not in awaiting
    recent = html[html.index('id="recent-changes"') : html.index('id="icbs-without-adoptions"')]
    assert "Ours in review" in recent
    assert "Theirs in review" not in recent
    gaps = html[html.index('id="icbs-without-adoptions"') :]
    assert "Harbourside (T01)" in gaps
    assert "Downland" not in gaps  # it has an adoption
    assert "Greater Manchester" not in gaps  # not Wessex's


def test_the_landing_page_runs_the_same_queries_with_more_rows(client_as, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    wessex = world.network
    client = client_as("editor")

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get("/admin/").status_code == 200
        return len(context.captured_queries)

    make_innovation(name="Review 0", status=Status.IN_REVIEW, lead_network=wessex)
    few = count_queries()
    for n in range(1, 5):
        innovation = make_innovation(name=f"Review {n}", status=Status.IN_REVIEW, lead_network=wessex)
        make_adoption(innovation=innovation, icb=world.icb)
    assert count_queries() == few
