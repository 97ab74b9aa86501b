import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command


@pytest.mark.django_db
def test_it_creates_one_superuser_with_a_random_password_printed_once(capsys):
    call_command("ensure_admin")
    first = capsys.readouterr().out
    password = re.search(r"password '([^']+)'", first).group(1)
    assert len(password) >= 20
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser
    assert admin.check_password(password)

    call_command("ensure_admin")
    second = capsys.readouterr().out
    assert password not in second
    assert "changepassword admin" in second
    assert get_user_model().objects.filter(is_superuser=True).count() == 1


@pytest.mark.django_db
def test_no_two_fresh_set_ups_share_a_password(capsys):
    passwords = set()
    for _ in range(2):
        get_user_model().objects.all().delete()
        call_command("ensure_admin")
        passwords.add(re.search(r"password '([^']+)'", capsys.readouterr().out).group(1))
    assert len(passwords) == 2
