def test_it_introduces_the_networks_with_headline_figures(client, reference_data, django_assert_num_queries):
    # 1: count networks, 2: count current ICBs
    with django_assert_num_queries(2):
        response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "England's 15 Health Innovation Networks" in html
    assert "the 42 integrated care systems" in html
    for figure in ("2.3 million", "11</span> national adoption and spread programmes", "28</span> NICE-approved"):
        assert figure in html


def test_it_says_adoption_figures_are_demonstration_data(client, reference_data):
    response = client.get("/")
    assert "Adoption figures are generated for demonstration and are not real records." in response.content.decode()


def test_it_has_the_shared_layout(client, reference_data):
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
