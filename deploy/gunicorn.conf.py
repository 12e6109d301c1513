"""gunicorn on the town's server, behind nginx (deploy/nginx/nakai-dx.conf).

    .venv/bin/gunicorn -c deploy/gunicorn.conf.py

Each value can be changed by the environment variable named beside it.
"""

import os
import random
from pathlib import Path

wsgi_app = "nakai_dx.wsgi:application"
chdir = str(Path(__file__).resolve().parent.parent)

# Only nginx on the same machine talks to gunicorn.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))

# A request taking longer than this is stopped and its worker restarted; nginx
# waits a little longer (proxy_read_timeout 75s) so that the page says so.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Workers are recycled on memory, not on a request count: at this site's rate a
# count such as 1,000 is reached every second or two, and a restarting worker
# (a second or more to import Django) leaves the others to serve alone. After a
# request, every CHECK_EVERY requests, a worker whose resident memory is over
# GUNICORN_MAX_WORKER_MB (each worker's limit up to 10% higher, so that two
# workers growing alike do not stop together) finishes and the arbiter starts a
# fresh one. A soak of 200,000 requests (benchmarks/bench.py, BENCH_ONLY=soak)
# shows the workers' memory flat, well under the limit.
max_requests = 0
MAX_WORKER_MB = int(os.environ.get("GUNICORN_MAX_WORKER_MB", "400"))
CHECK_EVERY = 64


def resident_mb(pid="self"):
    """A process's resident memory (VmRSS) in MB, from /proc (Linux)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as statm:
            pages = int(statm.read().split()[1])
    except (OSError, IndexError, ValueError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)


def post_fork(server, worker):
    worker.memory_limit_mb = MAX_WORKER_MB * (1 + random.random() / 10)
    worker.requests_handled = 0


def post_request(worker, req, environ, resp):
    worker.requests_handled += 1
    if MAX_WORKER_MB <= 0 or worker.requests_handled % CHECK_EVERY:
        return
    rss = resident_mb()
    if rss > worker.memory_limit_mb:
        worker.log.warning(
            "worker %s uses %.0f MB (limit %.0f MB): recycling it",
            worker.pid,
            rss,
            worker.memory_limit_mb,
        )
        worker.alive = False


# gunicorn believes no proxy header itself: Django alone decides, from
# TRUSTED_PROXIES (addresses or networks, nakai_dx/proxy.py), whom to believe.
forwarded_allow_ips = ""

# nginx keeps the access log; gunicorn's own messages go to stderr as JSON lines,
# as the application's do (nakai_dx/settings.py LOGGING).
accesslog = None
errorlog = "-"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "json",
        },
    },
    "loggers": {
        "gunicorn.error": {
            "level": os.environ.get("GUNICORN_LOG_LEVEL", "INFO"),
            "handlers": ["console"],
            "propagate": False,
        },
        "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": False},
    },
}
