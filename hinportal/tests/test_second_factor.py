"""Staff accounts need a second factor (an authenticator app, or a recovery code) after the password."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils.timezone import now
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import current_code, elements, second_factor_device, sign_in_fully, text_of

PASSWORD = "correct horse battery staple"


def password_only(client: Client, username: str) -> Client:
    """Sign in through the staff sign-in form, giving the password and nothing more."""
    response = client.post("/admin/login/?next=/admin/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:300]
    return client


def recovery_codes(page) -> list[str]:
    return [text_of(code) for code in elements(page, "code")]


@pytest.mark.parametrize("path", ["/admin/", "/admin/innovations/innovation/", "/innovations/", "/"])
def test_a_password_alone_opens_nothing_for_staff(client, personas, path):
    second_factor_device(personas["editor"])
    password_only(client, "editor")
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == "/account/two-factor/?next=" + path.replace("/", "%2F")
    # A form sent before the code is given does not reach its view either.
    assert client.post("/admin/innovations/innovation/add/", {"name": "Sneaked in"}).status_code == 302


def test_staff_sign_in_with_the_code_their_app_shows(client, personas):
    app = second_factor_device(personas["editor"])
    password_only(client, "editor")
    before = client.session.session_key
    page = client.get("/account/two-factor/?next=/admin/innovations/innovation/")
    assert page.status_code == 200
    assert elements(page, "input", name="code", autocomplete="one-time-code")
    response = client.post(
        "/account/two-factor/", {"code": current_code(app), "next": "/admin/innovations/innovation/"}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/innovations/innovation/"
    assert client.session.session_key != before  # a new session key once fully signed in
    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_is_refused_with_a_message_and_the_page_stays(client, personas):
    second_factor_device(personas["editor"])
    password_only(client, "editor")
    response = client.post("/account/two-factor/", {"code": "000000"})
    assert response.status_code == 400
    assert "That code is not right" in text_of(elements(response, "span", class_="nhsuk-error-message")[0])
    assert client.get("/admin/").status_code == 302
    empty = client.post("/account/two-factor/", {"code": " "})
    assert "Enter the security code from your authenticator app" in empty.content.decode()


def test_after_a_wrong_code_even_the_right_one_waits_a_moment(client, personas):
    app = second_factor_device(personas["editor"])
    password_only(client, "editor")
    assert client.post("/account/two-factor/", {"code": "000000"}).status_code == 400
    assert client.post("/account/two-factor/", {"code": current_code(app)}).status_code == 400
    # Two seconds later (two wrong codes: a 2-second pause), the right code is taken.
    TOTPDevice.objects.filter(pk=app.pk).update(throttling_failure_timestamp=now() - timedelta(seconds=3))
    assert client.post("/account/two-factor/", {"code": current_code(app)}).status_code == 302


def test_a_forged_next_address_lands_on_the_staff_screens(client, personas):
    app = second_factor_device(personas["editor"])
    password_only(client, "editor")
    response = client.post("/account/two-factor/", {"code": current_code(app), "next": "//example.com/"})
    assert response["Location"] == "/admin/"


def test_a_first_sign_in_sets_up_the_app_and_hands_out_recovery_codes(client, personas, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the pause after a wrong code is tested on its own below
    editor = personas["editor"]
    password_only(client, "editor")
    assert client.get("/account/two-factor/")["Location"].startswith("/account/two-factor/set-up/")
    page = client.get("/account/two-factor/set-up/")
    assert page.status_code == 200
    assert elements(page, "svg"), "a QR code to scan"
    key = text_of(elements(page, "strong", class_="app-set-up-key")[0]).replace(" ", "")
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    assert f"secret={key}" in device.config_url and "issuer=HIN%20Portal" in device.config_url
    # The same unconfirmed app on a second look, so a scan made before a reload still works.
    client.get("/account/two-factor/set-up/")
    assert TOTPDevice.objects.filter(user=editor).count() == 1

    wrong = client.post("/account/two-factor/set-up/", {"code": "123456"})
    assert wrong.status_code == 400 and "That code is not right" in wrong.content.decode()
    done = client.post("/account/two-factor/set-up/", {"code": current_code(device), "next": "/admin/"})
    assert done.status_code == 200
    codes = recovery_codes(done)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert sorted(StaticToken.objects.filter(device__user=editor).values_list("token", flat=True)) == sorted(codes)
    assert TOTPDevice.objects.get(user=editor).confirmed
    assert client.get("/admin/").status_code == 200
    # Once set up, the set-up page is closed: nobody can add a second app with the password alone.
    assert client.get("/account/two-factor/set-up/")["Location"].startswith("/account/two-factor/")


def test_a_recovery_code_signs_in_once(client, personas):
    editor = personas["editor"]
    second_factor_device(editor)
    sign_in_fully(client, editor)
    codes = recovery_codes(client.post("/account/two-factor/recovery-codes/"))
    assert len(codes) == 10
    client.logout()

    password_only(client, "editor")
    assert client.post("/account/two-factor/", {"code": codes[0].upper()})["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    client.logout()
    password_only(client, "editor")
    assert client.post("/account/two-factor/", {"code": codes[0]}).status_code == 400
    assert StaticToken.objects.filter(device__user=editor).count() == 9


def test_new_recovery_codes_replace_the_old_ones(client, personas):
    editor = personas["editor"]
    sign_in_fully(client, editor)
    assert elements(client.get("/admin/"), "a", href="/account/two-factor/recovery-codes/")
    old = recovery_codes(client.post("/account/two-factor/recovery-codes/"))
    page = client.get("/account/two-factor/recovery-codes/")
    assert "You have 10 unused recovery codes" in page.content.decode()
    new = recovery_codes(client.post("/account/two-factor/recovery-codes/"))
    assert not set(old) & set(new)
    client.logout()
    password_only(client, "editor")
    assert client.post("/account/two-factor/", {"code": old[0]}).status_code == 400


def test_five_wrong_codes_lock_the_account_as_five_wrong_passwords_do(client, personas):
    second_factor_device(personas["editor"])
    password_only(client, "editor")
    for _ in range(4):
        assert client.post("/account/two-factor/", {"code": "000000"}).status_code == 400
    locked = client.post("/account/two-factor/", {"code": "000000"})
    assert locked.status_code == 429
    assert "Sign-in locked for 15 minutes" in locked.content.decode()
    assert "_auth_user_id" not in client.session  # signed out, not left half-signed-in
    # The right password is refused now too, from this address.
    again = client.post("/admin/login/", {"username": "editor", "password": PASSWORD})
    assert again.status_code == 429


def test_ics_leads_are_not_asked_for_a_second_factor(client, personas, world):
    client.post("/account/sign-in/", {"username": "ics-lead", "password": PASSWORD})
    assert client.get(f"/ics/{world.icb.slug}/workspace/").status_code == 200
    assert client.get("/account/two-factor/")["Location"] == reverse("innovations:workspace_home")
    assert client.get("/account/two-factor/set-up/")["Location"] == reverse("innovations:workspace_home")
    assert not TOTPDevice.objects.exists()


def test_a_national_administrator_resets_a_colleagues_second_factor(client_as, personas):
    editor = personas["editor"]
    colleague = Client()
    sign_in_fully(colleague, editor)
    assert colleague.get("/admin/").status_code == 200

    admin = client_as("national admin")
    users = admin.get("/admin/auth/user/")
    assert "reset_second_factor" in [o.attributes[0][1] for o in elements(users, "option") if o.attributes]
    response = admin.post(
        "/admin/auth/user/", {"action": "reset_second_factor", "_selected_action": [editor.pk]}, follow=True
    )
    assert "Reset the second factor of 1 person" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=editor).exists()
    # The colleague's session no longer counts as verified: they set up a new app before going on.
    assert colleague.get("/admin/")["Location"].startswith("/account/two-factor/")
    assert colleague.get("/account/two-factor/")["Location"].startswith("/account/two-factor/set-up/")


@pytest.mark.parametrize("persona", ["editor", "publisher"])
def test_network_staff_cannot_reset_anyones_second_factor(client_as, personas, persona):
    national = personas["national admin"]
    second_factor_device(national)
    client = client_as(persona)
    client.post("/admin/auth/user/", {"action": "reset_second_factor", "_selected_action": [national.pk]})
    assert TOTPDevice.objects.filter(user=national).exists()


def test_a_national_administrator_cannot_reset_their_own(client_as, personas):
    national = personas["national admin"]
    admin = client_as("national admin")
    response = admin.post(
        "/admin/auth/user/", {"action": "reset_second_factor", "_selected_action": [national.pk]}, follow=True
    )
    assert "Your own second factor was not reset" in response.content.decode()
    assert TOTPDevice.objects.filter(user=national).exists()


def test_the_secret_keys_are_not_in_the_staff_screens(admin_client):
    for path in ("/admin/otp_totp/totpdevice/", "/admin/otp_static/staticdevice/"):
        assert admin_client.get(path).status_code == 404
    page = admin_client.get("/admin/auth/user/")
    assert "Second factor set up" in page.content.decode()
    assert not re.search(r"[0-9a-f]{40}", page.content.decode().split('id="result_list"')[-1])


def test_the_user_list_asks_the_same_number_of_queries_for_any_number_of_people(
    admin_client, django_assert_max_num_queries
):
    for number in range(3):
        second_factor_device(User.objects.create_user(f"person{number}", is_staff=True))
    with django_assert_max_num_queries(12) as few:
        admin_client.get("/admin/auth/user/")
    queries = len(few)
    for number in range(3, 13):
        second_factor_device(User.objects.create_user(f"person{number}", is_staff=True))
    with django_assert_max_num_queries(queries):
        admin_client.get("/admin/auth/user/")
