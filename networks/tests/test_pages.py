import pytest


@pytest.mark.parametrize(
    ("path", "heading"),
    [("/accessibility/", "Accessibility statement"), ("/privacy/", "Privacy and cookies")],
)
def test_the_footer_pages_render_without_queries(client, db, django_assert_num_queries, path, heading):
    with django_assert_num_queries(0):
        response = client.get(path)
    assert response.status_code == 200
    assert f"<h1>{heading}</h1>" in response.content.decode()


def test_public_pages_set_no_cookies(client, world):
    for path in ("/", "/networks/", "/ics/", "/search/?q=london", "/privacy/"):
        assert not client.get(path).cookies, path
