"""Log records as a log collector reads them, and without personal data.

Every record goes to stderr as one JSON object per line (``LOG_FORMAT=json``,
the default with DEBUG off) with the request id of the request that wrote it
(django-guid: nginx's X-Request-ID, or a new one). Records never carry the
request object (its body, cookies, query string), a user name or an address:
what an evaluation says, and evidence notes (根拠メモ) in particular, stay in the
database.
"""

import hashlib
import hmac
import logging

from django.conf import settings


class RequestDetails(logging.Filter):
    """Replaces the request object Django attaches to a record by its method and path."""

    def filter(self, record):
        request = record.__dict__.pop("request", None)
        if request is not None and hasattr(request, "path"):
            record.method = getattr(request, "method", None)
            record.path = request.path  # never the query string
        return True


def client_label(username, ip_address, user_agent, path_info, request):
    """How django-axes names a client in its log lines (``AXES_CLIENT_STR_CALLABLE``).

    A keyed digest of user name and address: repeated failures of one client
    show the same label, and the label tells nobody who or where it was.
    """
    key = settings.SECRET_KEY.encode() or b"nakai-dx"
    digest = hmac.new(key, f"{username}\0{ip_address}".encode(), hashlib.sha256).hexdigest()
    return f"client-{digest[:12]}"
