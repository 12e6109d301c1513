"""gunicorn on the town's server, behind nginx (deploy/nginx/nakai-dx.conf).

    .venv/bin/gunicorn -c deploy/gunicorn.conf.py

Each value can be changed by the environment variable named beside it.
"""

import os
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
# Recycle workers now and then so that memory growth cannot accumulate.
max_requests = 1000
max_requests_jitter = 100

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
        "gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": False},
    },
}
