LOGIN = "/admin/login/?next=/admin/"


def attempt(client, password: str, address: str = "10.1.2.3"):
    return client.post(LOGIN, {"username": "editor", "password": password}, REMOTE_ADDR=address)


def test_five_failures_lock_the_username_and_address_for_fifteen_minutes(client, personas):
    for _ in range(4):
        assert attempt(client, "wrong").status_code == 200  # the form again, with its error
    locked = attempt(client, "wrong")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Sign-in locked for 15 minutes" in html
    assert "5 failed attempts" in html
    # Locked even with the right password, until the time is up.
    assert attempt(client, "correct horse battery staple").status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_same_username_from_another_address_is_not_locked(client, personas):
    for _ in range(5):
        attempt(client, "wrong")
    response = attempt(client, "correct horse battery staple", address="10.9.9.9")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_the_lock_lifts_after_fifteen_minutes(client, personas, settings):
    from datetime import timedelta

    from axes.models import AccessAttempt
    from django.utils import timezone

    for _ in range(5):
        attempt(client, "wrong")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert attempt(client, "correct horse battery staple").status_code == 302


def test_a_success_resets_the_count(client, personas):
    for _ in range(4):
        attempt(client, "wrong")
    assert attempt(client, "correct horse battery staple").status_code == 302
    client.logout()
    for _ in range(4):
        assert attempt(client, "wrong").status_code == 200
