import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from hinportal.urls import urlpatterns as site_patterns


def crash(request):
    raise RuntimeError("boom")


def forbid(request):
    raise PermissionDenied


def suspicious(request):
    raise SuspiciousOperation("odd")


urlpatterns = [path("crash/", crash), path("forbid/", forbid), path("suspicious/", suspicious), *site_patterns]


@pytest.fixture
def failing_urls(settings):
    settings.ROOT_URLCONF = __name__


def test_a_server_error_shows_the_500_page_without_touching_the_database(
    client, db, failing_urls, django_assert_num_queries
):
    client.raise_request_exception = False
    with django_assert_num_queries(0):
        response = client.get("/crash/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Sorry, there is a problem with the service" in html
    assert 'class="nhsuk-header"' in html


def test_a_permission_error_shows_the_403_page(client, db, failing_urls):
    response = client.get("/forbid/")
    assert response.status_code == 403
    assert "You do not have permission to see this page" in response.content.decode()


def test_a_bad_request_shows_the_400_page(client, db, failing_urls):
    response = client.get("/suspicious/")
    assert response.status_code == 400
    assert "Sorry, we could not understand that request" in response.content.decode()


def test_the_404_page_is_in_the_site_layout(client, db):
    html = client.get("/no-such-page/").content.decode()
    assert 'class="nhsuk-header"' in html
    assert 'class="nhsuk-footer"' in html
