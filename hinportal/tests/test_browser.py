import pytest

from conftest import assert_accessible, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def editor(transactional_db, world):
    return make_person("editor", "Network editor", network=world.network)


def test_a_locked_out_sign_in_explains_what_happened(editor, page):
    for _ in range(5):
        page.goto("/admin/login/")
        page.get_by_label("Username").fill("editor")
        page.get_by_label("Password").fill("not the password")
        page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Sign-in locked for 15 minutes"
    assert_accessible(page)


def test_staff_sign_in_and_land_on_their_networks_page(editor, page):
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")
    assert page.get_by_role("heading", name="Awaiting review").count() == 1
    assert page.get_by_text("Harbourside (T01)").count() == 1
