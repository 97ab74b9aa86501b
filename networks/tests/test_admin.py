import pytest

from networks.models import IntegratedCareBoard
from networks.tests.factories import make_icb


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/admin/networks/region/", "Northern test region"),
        ("/admin/networks/network/", "Our test network"),
        ("/admin/networks/integratedcareboard/", "Fellside"),
    ],
)
def test_staff_see_each_changelist_with_a_fixed_number_of_queries(
    admin_client, world, django_assert_max_num_queries, path, expected
):
    for _ in range(3):
        make_icb()
    # session, user, count, rows (ICBs joined to region and network), and the filter sidebars
    with django_assert_max_num_queries(8):
        response = admin_client.get(path)
    assert response.status_code == 200
    assert expected in response.content.decode()


def test_the_icb_changelist_filters_by_network_and_searches_codes(admin_client, world):
    ours = world.network
    html = admin_client.get("/admin/networks/integratedcareboard/", {"network__id__exact": ours.pk}).content.decode()
    assert "Harbourside" in html
    assert "Fellside" not in html
    html = admin_client.get("/admin/networks/integratedcareboard/", {"q": "T03"}).content.decode()
    assert "Fellside" in html
    assert "Harbourside" not in html


def test_staff_see_where_a_fact_came_from_and_how_sure_it_is(admin_client, reference_data):
    icb = IntegratedCareBoard.objects.get(ods_code="QM7")
    html = admin_client.get(f"/admin/networks/integratedcareboard/{icb.pk}/change/").content.decode()
    assert "Data source" in html
    assert "Uncertain: Network mapping: historically UCLP." in html


def test_staff_can_correct_a_network(admin_client, world):
    network = world.network
    url = f"/admin/networks/network/{network.pk}/change/"
    form = admin_client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(
        {
            "website": "https://corrected.example.org",
            "confidence": "verified",
            "confidence_note": "",
            "icbs-TOTAL_FORMS": "2",
            "icbs-INITIAL_FORMS": "2",
            "icbs-MIN_NUM_FORMS": "0",
            "icbs-MAX_NUM_FORMS": "1000",
        }
    )
    for index, icb in enumerate(network.icbs.order_by("short_name")):
        data[f"icbs-{index}-id"] = icb.pk
        data[f"icbs-{index}-network"] = network.pk
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    network.refresh_from_db()
    assert network.website == "https://corrected.example.org"
    assert network.confidence == "verified"


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get("/admin/networks/network/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
