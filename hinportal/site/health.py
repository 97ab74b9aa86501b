"""/health/: what a load balancer or monitor asks each web host. django-health-check runs the
database and cache checks it ships and this one for the task queue; any failure answers 500."""

import dataclasses
import datetime

from django.db import connection
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django_tasks_db.models import DBTaskResult
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

# A task ready this long without a worker taking it means no worker is running.
STUCK_AFTER = datetime.timedelta(minutes=5)


@dataclasses.dataclass
class TaskQueue(HealthCheck):
    """The database task queue: a worker is taking what is enqueued."""

    def run(self) -> None:
        try:
            stuck = DBTaskResult.objects.ready().filter(enqueued_at__lt=timezone.now() - STUCK_AFTER).exists()
        finally:
            connection.close()  # this check's own thread's connection: no idle connection left behind
        if stuck:
            raise ServiceUnavailable(
                f"Tasks have waited more than {STUCK_AFTER.seconds // 60} minutes: is the worker running?"
            )


health = never_cache(
    HealthCheckView.as_view(checks=("health_check.checks.Database", "health_check.checks.Cache", TaskQueue))
)
