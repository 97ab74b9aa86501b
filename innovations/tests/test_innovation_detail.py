import pytest

from hinportal.lib.workflow import Status
from innovations.choices import AdoptionStatus
from innovations.tests.factories import adopt_in, make_evidence, make_guidance, make_innovation, make_programme
from networks.tests.factories import make_icb, make_region


def test_it_shows_evidence_guidance_and_adoption_by_region(client, world, django_assert_num_queries):
    innovation = make_innovation(name="UroLift test", clinical_areas=["urology"], is_demo=True)
    make_guidance(innovation=innovation, kind="MTG", number=58)
    make_evidence(innovation=innovation)
    make_programme(name="Urology programme", innovations=[innovation])
    capital = make_region(name="Capital")
    # Codes the hex map's layout has tiles for, so that the map shows them.
    city = [
        make_icb(region=capital, short_name=f"City {code}", ods_code=code)
        for code in ("QMJ", "QMF", "QKK", "QRV", "QWE")
    ]
    adopt_in(innovation, city, AdoptionStatus.EMBEDDED, is_demo=True)
    adopt_in(innovation, [world.icb, world.icb2, world.other_icb], AdoptionStatus.PILOTING)
    for n in range(3):
        make_innovation(name=f"Related {n}", clinical_areas=["urology"])
    # innovation, its facts, guidance, evidence, programmes, adoptions (the chart counts them too),
    # related, the ICBs for the map (cached after), publications
    with django_assert_num_queries(9):
        response = client.get(innovation.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>UroLift test</h1>" in html
    assert 'href="https://www.nice.org.uk/guidance/mtg58"' in html
    assert "Real-world evaluation, 2024" in html
    assert "Adopted in 5 of 8 integrated care systems" in html
    assert '<caption class="nhsuk-table__caption nhsuk-table__caption--m">Capital</caption>' in html
    assert "Embedded" in html and "Piloting" in html
    assert "Proven</strong>" in html
    assert "Urology programme" in html
    assert "Related 0" in html
    assert "Demonstration record" in html
    assert "These adoption records are generated for demonstration" in html
    # The city's five tiles and the legend swatch, filled with the embedded pattern (colour and bar).
    assert html.count('fill="url(#adoption-map-embedded)"') == 5 + 1
    assert "<title>City QMJ (QMJ): Embedded</title>" in html
    assert "<title>2023 Q1: 5</title>" in html  # the chart: five ICBs adopting in the first quarter of 2023


@pytest.mark.parametrize("status", [Status.DRAFT, Status.IN_REVIEW, Status.ARCHIVED])
def test_unpublished_innovations_are_not_found(client, db, status):
    innovation = make_innovation(status=status)
    assert client.get(innovation.get_absolute_url()).status_code == 404


def test_an_unknown_innovation_is_not_found(client, db):
    assert client.get("/innovations/no-such-thing/").status_code == 404


def test_real_adoptions_are_not_labelled_as_demonstration(client, world):
    innovation = make_innovation()
    adopt_in(innovation, [world.icb, world.other_icb])
    assert "These adoption records are generated" not in client.get(innovation.get_absolute_url()).content.decode()


def test_a_long_page_opens_with_a_contents_list_whose_links_land(client, db):
    innovation = make_innovation(name="Contents test")
    html = client.get(innovation.get_absolute_url()).content.decode()
    start = html.index('<nav class="nhsuk-contents-list"')
    contents = html[start : html.index("</nav>", start)]
    anchors = [part.split('"')[0] for part in contents.split('href="#')[1:]]
    assert anchors[:2] == ["about", "evidence"] and "adoption" in anchors
    for anchor in anchors:
        assert f'id="{anchor}"' in html, anchor
