from datetime import timedelta

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from hinportal.lib.tasks import refresh_embeddings


def checks(response) -> dict:
    return {name.split("(")[0]: result for name, result in response.json().items()}


def test_health_reports_the_database_cache_and_queue(client, db):
    response = client.get("/health/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert set(checks(response)) == {"Database", "Cache", "TaskQueue"}
    assert all(result == "OK" for result in checks(response).values())
    assert "no-cache" in response["Cache-Control"]


def test_a_task_nobody_takes_marks_the_queue_unhealthy(client, transactional_db, settings):
    # Committed rows: the checks run on their own threads and connections, as under gunicorn.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # the real queue, no worker
    refresh_embeddings.enqueue()
    assert client.get("/health/", HTTP_ACCEPT="application/json").status_code == 200  # just enqueued
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=10))
    response = client.get("/health/", HTTP_ACCEPT="application/json")
    assert response.status_code == 500
    assert "worker" in checks(response)["TaskQueue"]


def test_health_answers_over_plain_http_when_the_rest_redirects_to_https(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/health/", HTTP_ACCEPT="application/json").status_code == 200
    assert client.get("/").status_code == 301
