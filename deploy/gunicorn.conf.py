"""gunicorn settings for dangjian, used by scripts/start and the systemd unit (deploy/systemd/dangjian.service).

    gunicorn -c deploy/gunicorn.conf.py

Sizes come from the environment so one file serves the laptop and the server: DANGJIAN_BIND (127.0.0.1:8000:
nginx in front, never exposed directly), DANGJIAN_GUNICORN_WORKERS (2; about one per core), DANGJIAN_GUNICORN_THREADS
(4), DANGJIAN_GUNICORN_TIMEOUT (60 s; nginx's proxy_read_timeout is a little longer).
"""

import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


wsgi_app = "dangjian.wsgi:application"
bind = [os.environ.get("DANGJIAN_BIND", "127.0.0.1:8000")]
workers = _int("DANGJIAN_GUNICORN_WORKERS", 2)
threads = _int("DANGJIAN_GUNICORN_THREADS", 4)
timeout = _int("DANGJIAN_GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak never grows into an outage; the jitter keeps them from restarting together.
max_requests = 2000
max_requests_jitter = 200
# Request-line and header limits (nginx applies its own first).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# Only nginx on this host may tell gunicorn the original scheme.
forwarded_allow_ips = "127.0.0.1,::1"
accesslog = "-"
errorlog = "-"
# The path without its query string: a search may carry personal data, which must not land in a log (SEC-22).
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(D)sus "%(a)s"'
