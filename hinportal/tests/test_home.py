from django.core.cache import cache

from innovations.tests.factories import make_programme


def test_it_introduces_the_networks_with_headline_figures(client, world, django_assert_num_queries):
    make_programme()
    # count networks, count current ICBs, the national figures' source, count published programmes
    with django_assert_num_queries(4):
        response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "England's 2 Health Innovation Networks" in html  # counted, not written in
    assert "the 3 integrated care systems" in html
    for figure in ("2.3 million", "11</span> national adoption and spread programmes", "28</span> NICE-approved"):
        assert figure in html
    # The networks' count of 2018-23 programmes is theirs; the list's own count says what it holds.
    assert "Our list of 1 programmes and schemes</a>" in html


def test_its_figures_are_kept_until_something_public_changes(client, world, django_assert_num_queries):
    make_programme()
    client.cookies["seen"] = "1"  # a cookie: the page is rendered, not taken whole from the page cache
    client.get("/")
    with django_assert_num_queries(0):
        assert "Our list of 1 programmes and schemes</a>" in client.get("/").content.decode()
    make_programme(name="Another programme")
    assert "Our list of 2 programmes and schemes</a>" in client.get("/").content.decode()


def test_the_header_search_box_keeps_the_query_on_the_results_page(client, db):
    html = client.get("/search/", {"q": "knee pain"}).content.decode()
    header = html.split("</header>")[0]
    assert 'id="search-field" name="q" type="search"' in header and 'maxlength="200" value="knee pain"' in header
    assert (
        'value="knee pain"'
        not in client.get("/innovations/", {"q": "knee pain"}).content.decode().split("</header>")[0]
    )


def test_it_says_adoption_figures_are_demonstration_data(client, db):
    response = client.get("/")
    assert "Adoption figures are generated for demonstration and are not real records." in response.content.decode()


def test_it_has_the_shared_layout(client, db):
    html = client.get("/").content.decode()
    assert 'href="#maincontent"' in html
    assert '<main class="nhsuk-main-wrapper" id="maincontent">' in html
    assert 'action="/search/"' in html
    for link in (
        'href="/networks/"',
        'href="/ics/"',
        'href="/accessibility/"',
        'href="/privacy/"',
        'href="/open-data/"',
    ):
        assert link in html


def test_the_contact_page_says_which_network_covers_which_system(client, world, settings):
    html = client.get("/contact/").content.decode()
    assert "Contact and feedback" in html and 'href="/contact/"' in html  # the footer links to it
    assert world.network.name in html and "Downland; Harbourside" in html
    assert "mailto:" not in html
    settings.CONTACT_EMAIL = "portal@example.org"
    cache.clear()  # kept pages outlive a settings change until they expire (PUBLIC_PAGE_CACHE_SECONDS)
    assert 'href="mailto:portal@example.org"' in client.get("/contact/").content.decode()


def test_the_accessibility_statement_takes_the_public_sector_form(client, db):
    html = client.get("/accessibility/").content.decode()
    for heading in (
        "How accessible this portal is",
        "Feedback and contact information",
        "Enforcement procedure",
        "Compliance status",
        "Non-accessible content",
        "Preparation of this accessibility statement",
    ):
        assert heading in html
    assert "partially compliant" in html and "need JavaScript" in html and 'href="/contact/"' in html
