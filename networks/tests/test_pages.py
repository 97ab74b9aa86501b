import csv
import io

import pytest

from networks.models import HeadlineFigure, Network
from networks.services import load_reference_data


@pytest.mark.parametrize(
    ("path", "heading"),
    [("/accessibility/", "Accessibility statement for HIN Portal"), ("/privacy/", "Privacy and cookies")],
)
def test_the_footer_pages_render_without_queries(client, db, django_assert_num_queries, path, heading):
    with django_assert_num_queries(0):
        response = client.get(path)
    assert response.status_code == 200
    assert f"<h1>{heading}</h1>" in response.content.decode()


def test_public_pages_set_no_cookies(client, world):
    for path in ("/", "/networks/", "/ics/", "/search/?q=london", "/privacy/"):
        assert not client.get(path).cookies, path


def test_network_pages_show_published_impact_with_its_source(client, reference_data):
    html = client.get("/networks/").content.decode()
    assert "What the networks have achieved together" in html
    assert "over 1,228,000" in html and "2023-24" in html  # patients benefiting, 2023-24 impact report
    assert (
        'href="https://healthinnovationmanchester.com/news/local-change-national-impact-the-health-innovation-network-2023-24-impact-report"'
        in html
    )
    assert html.index("2024-25") < html.index("2013 to 2018")  # newest first
    south_london = Network.objects.get(code="HIN-SL")
    page = client.get(south_london.get_absolute_url()).content.decode()
    assert "Impact it has published" in page and "over 70,000" in page
    other = Network.objects.exclude(headline_figures__isnull=False).first()
    assert "Impact it has published" not in client.get(other.get_absolute_url()).content.decode()


def test_loading_the_figures_again_keeps_staff_corrections(reference_data):
    figure = HeadlineFigure.objects.get(key="hin-sl-2022-23-patients-benefiting")
    figure.value = "over 70,000 (corrected)"
    figure.save()
    assert load_reference_data().created["headline figures"] == 0
    figure.refresh_from_db()
    assert figure.value == "over 70,000 (corrected)"


@pytest.mark.parametrize(
    ("persona", "status"),
    [("national admin", 200), ("editor", 404), ("publisher", 404), ("ICS lead", 302), ("anonymous", 302)],
)
def test_only_national_administrators_keep_the_figures(client_as, personas, reference_data, persona, status):
    figure = HeadlineFigure.objects.get(key="hin-sl-2022-23-patients-benefiting")
    response = client_as(persona).get(f"/admin/networks/headlinefigure/{figure.pk}/change/")
    assert response.status_code == status


def test_the_figures_download_as_open_data_with_their_sources(client, reference_data):
    response = client.get("/open-data/headline-figures.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["network__code", "period", "figure", "value", "source_url", "confidence", "confidence_note"]
    assert len(rows) == 1 + HeadlineFigure.objects.count()
    assert ["HIN-SL", "2022-23", "Patients benefiting", "over 70,000"] in [row[:4] for row in rows]
    assert all(row[4].startswith("http") for row in rows[1:])
