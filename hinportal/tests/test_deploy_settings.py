import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "SECRET_KEY": "a-long-production-secret-" + "x" * 50,
    "ALLOWED_HOSTS": "portal.example.org",
    "DATABASE_URL": "postgres://portal@db.example.org/portal",
    "DEBUG": "off",
    "HTTPS": "on",
    "EMAIL_URL": "smtp+tls://portal:secret@mail.example.org:587",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    # A copy of the environment without the developer's settings; .env only fills in what is unset.
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env={**clean, **env}, capture_output=True, text=True
    )


def test_production_settings_pass_the_deploy_check_without_a_warning():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_a_missing_secret_key_fails_loudly(tmp_path):
    env = {**PRODUCTION, "SECRET_KEY": ""}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_the_deploy_check_refuses_mail_that_never_leaves_the_machine():
    env = {**PRODUCTION, "EMAIL_URL": "", "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    result = manage("check", "--deploy", env=env)
    assert result.returncode != 0
    assert "hinportal.E001" in result.stderr and "EMAIL_URL" in result.stderr


def test_sessions_are_read_from_the_cache_only_when_every_process_shares_it():
    show = ["shell", "-c", "from django.conf import settings; print(settings.SESSION_ENGINE)"]
    shared = manage(*show, env={**PRODUCTION, "CACHE_URL": "redis://cache.example.org:6379/1"})
    assert shared.stdout.strip().endswith("backends.cached_db"), shared.stderr
    per_process = manage(*show, env={**PRODUCTION, "CACHE_URL": "locmemcache://"})
    assert per_process.stdout.strip().endswith("backends.db"), per_process.stderr


def test_a_redis_cache_url_gets_the_backend_that_keeps_its_clients():
    show = ["shell", "-c", "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"]
    shared = manage(*show, env={**PRODUCTION, "CACHE_URL": "redis://cache.example.org:6379/1"})
    assert shared.stdout.strip().endswith("\nhinportal.lib.cache.RedisCache"), shared.stderr
