import re

from hinportal.lib.workflow import Status
from innovations.choices import ProgrammeKind
from innovations.tests.factories import adopt_in, make_innovation, make_programme
from networks.tests.factories import make_icb, make_network


def test_the_list_shows_published_programmes_with_their_innovations(client, db, django_assert_num_queries):
    for n in range(3):
        make_programme(name=f"Programme {n}", innovations=[make_innovation(), make_innovation(status=Status.DRAFT)])
    make_programme(name="Hidden draft", status=Status.DRAFT)
    make_programme(name="A funding scheme", kind=ProgrammeKind.SCHEME)
    # programmes with lead networks and their published innovation counts
    with django_assert_num_queries(1):
        response = client.get("/programmes/")
    html = response.content.decode()
    assert "Programme 2" in html
    assert "Hidden draft" not in html
    assert html.count("Innovations </span>1</td>") == 3
    # Each kind in its own table: the schemes after the programmes.
    programmes, schemes = html.split("National support schemes</caption>")
    assert "National adoption and spread programmes</caption>" in programmes and "Programme 2" in programmes
    assert "A funding scheme" in schemes and "Programme 2" not in schemes


def test_the_detail_shows_innovations_and_spread_by_network(client, world, django_assert_num_queries):
    innovation = make_innovation(name="Spread one")
    programme = make_programme(name="Spread programme", innovations=[innovation, make_innovation(name="Other one")])
    midlands = make_network(name="Health Innovation Midland Test")
    # Codes the hex map's layout has tiles for, so that the map shows them.
    icbs = [make_icb(network=midlands, short_name=f"Shire {code}", ods_code=code) for code in ("QHL", "QUA", "QWU")]
    icbs += [make_icb(network=midlands, short_name=f"Vale {code}", ods_code=code) for code in ("QJ2", "QNC", "QGH")]
    adopt_in(innovation, icbs)
    # programme, its networks, innovations, spread by ICB, the ICBs for the map, publications, adoptions per quarter
    with django_assert_num_queries(7):
        response = client.get(programme.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Spread one" in html and "Other one" in html
    assert "Spread: adopted in 6 of 9 integrated care systems" in html
    assert "Health Innovation Midland Test" in html
    assert "Shire QUA" in html
    assert html.count('fill="url(#adoption-map-adopted)"') == 6 + 1  # six tiles and the legend swatch


def test_draft_and_unknown_programmes_are_not_found(client, db):
    assert client.get(make_programme(status=Status.DRAFT).get_absolute_url()).status_code == 404
    assert client.get("/programmes/nope/").status_code == 404


def test_the_list_runs_newest_first(client, db):
    from datetime import date

    from innovations.models import Programme

    # Created in an order that is neither newest nor oldest first.
    for year in (2020, 2018, 2024, 2019):
        programme = make_programme(name=f"Begun in {year}")
        Programme.objects.filter(pk=programme.pk).update(starts_on=date(year, 4, 1), ends_on=None)
    html = client.get("/programmes/").content.decode()
    shown = [int(year) for year in re.findall(r">Begun in (\d{4})</a>", html)]
    assert shown == [2024, 2020, 2019, 2018]
