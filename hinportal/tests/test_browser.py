import pytest

from conftest import assert_accessible, current_code, make_person, second_factor_device

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
    app = second_factor_device(editor)
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/account/two-factor/**")
    assert_accessible(page)
    page.get_by_label("Security code").fill(current_code(app))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/admin/")
    assert page.get_by_role("heading", name="Awaiting review").count() == 1
    assert page.get_by_text("Harbourside (T01)").count() == 1


@pytest.mark.parametrize("width", [1280, 320])
def test_a_first_staff_sign_in_sets_up_an_authenticator_app(editor, page, width):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/account/two-factor/set-up/**")
    assert page.get_by_role("heading", level=1).inner_text() == "Set up your authenticator app"
    qr = page.locator(".app-qr-code svg").bounding_box()
    assert qr["width"] >= 150 and qr["x"] + qr["width"] <= width  # big enough to scan, and on the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)
    page.get_by_label("Security code").fill(current_code(TOTPDevice.objects.get(user=editor)))
    page.get_by_role("button", name="Check the code").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Your recovery codes"
    assert page.locator(".app-recovery-codes code").count() == 10
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)
    page.get_by_role("link", name="Continue").click()
    page.wait_for_url("**/admin/")


def test_the_staff_dashboard_reflows_at_320_pixels(editor, page):
    """Django's dashboard keeps every cell on one line; a record's full name must wrap instead."""
    from hinportal.lib.workflow import Status
    from innovations.tests.factories import make_innovation

    name = "Shared decision-making tool for type 1 diabetes in young people moving to adult services"
    make_innovation(name=name, status=Status.IN_REVIEW, lead_network=editor.membership.network)
    app = second_factor_device(editor)
    page.set_viewport_size({"width": 320, "height": 900})
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Security code").fill(current_code(app))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/admin/")
    link = page.get_by_role("link", name=name)
    box = link.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 320  # all of it on the screen
    assert page.get_by_text("No changes recorded yet.").count() == 0  # its creation, in the history
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page)
