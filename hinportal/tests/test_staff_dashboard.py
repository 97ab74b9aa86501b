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


def test_submissions_show_their_time_and_undated_ones_come_last(client_as, world):
    from datetime import UTC, datetime

    from innovations.models import Innovation

    undated = make_innovation(name="Undated in review", status=Status.IN_REVIEW, lead_network=world.network)
    dated = make_innovation(name="Dated in review", status=Status.IN_REVIEW, lead_network=world.network)
    Innovation.objects.filter(pk=undated.pk).update(status_changed_at=None)
    Innovation.objects.filter(pk=dated.pk).update(status_changed_at=datetime(2026, 11, 20, 9, 30, tzinfo=UTC))
    html = client_as("editor").get("/admin/").content.decode()
    awaiting = html[html.index('id="awaiting-review"') : html.index('id="recent-changes"')]
    assert awaiting.index("Dated in review") < awaiting.index("Undated in review")
    assert "20 Nov 2026, 09:30" in awaiting and "submission time not recorded" in awaiting
    assert "submitted  ago" not in awaiting
    assert "<title>" in html and "HIN Portal staff" in html
