"""Web processes give up on a query long before gunicorn's worker timeout (issue 17 item 5): the
portal served by its gunicorn settings runs every query with statement_timeout set."""

import os
import subprocess
import sys
from pathlib import Path

from django.db import connection

BASE_DIR = Path(__file__).resolve().parents[2]
SHOW = """
import runpy, django
runpy.run_path("hinportal/gunicorn_config.py")
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SHOW statement_timeout")
    print(cursor.fetchone()[0])
"""


def statement_timeout(*, under_gunicorn: bool) -> str:
    code = SHOW if under_gunicorn else SHOW.replace('runpy.run_path("hinportal/gunicorn_config.py")', "")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_STATEMENT_TIMEOUT_MS"}
    env["DJANGO_SETTINGS_MODULE"] = "hinportal.settings"
    done = subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip().splitlines()[-1]


def test_web_processes_cap_each_query_and_commands_do_not(db):
    assert connection.settings_dict["NAME"]  # the suite's database server is the one asked
    assert statement_timeout(under_gunicorn=True) == "10s"
    assert statement_timeout(under_gunicorn=False) == "0"
