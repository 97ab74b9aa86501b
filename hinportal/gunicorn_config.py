"""gunicorn's settings for HIN Portal (`gunicorn -c hinportal/gunicorn_config.py hinportal.wsgi`).

Threads, not one process per request: a thread waiting on a slow client holds only itself, and a
connection that sends nothing for 5 seconds goes back to the poller. With 2 workers of 16 threads
a few slow clients cannot stall the site, as four did with the sync worker. In production a
buffering reverse proxy in front takes slow clients off gunicorn entirely (README: Deployment).
"""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("WEB_WORKERS", "2"))
threads = int(os.environ.get("WEB_THREADS", "16"))
# A request that takes longer than this is cut off and its worker restarted; no single query may
# take a third of it (settings.py: DATABASE_STATEMENT_TIMEOUT_MS), so none should come near it.
timeout = 30
os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT_MS", "10000")
keepalive = 5
# Refuse oversized request lines and headers early (gunicorn's defaults are larger).
limit_request_line = 4094
limit_request_fields = 60
limit_request_field_size = 8190
control_socket_disable = True


def post_worker_init(worker: object) -> None:
    """Load the search model and vectors in the background as each worker starts (search.semantic)."""
    import threading

    from hinportal.lib.search.semantic import warm_up

    threading.Thread(target=warm_up, name="search-warm-up", daemon=True).start()
