"""Headers set by the reverse proxy are believed only when the proxy sent them.

``TRUSTED_PROXIES`` (environment variable, comma separated addresses or
networks) names the reverse proxies, e.g. ``127.0.0.1`` for nginx on the same
machine. For a request whose peer (REMOTE_ADDR) is one of them, the client's
address is taken from X-Forwarded-For and the scheme from X-Forwarded-Proto
(``SECURE_PROXY_SSL_HEADER``). From anyone else these headers are removed before
any other code sees them, so a client cannot choose the address that the login
throttling (django-axes) counts failures against, nor claim HTTPS.

Why not django-ipware: it picks the "best" address from headers the client
controls (preferring public addresses over private ones, as an office network
uses), and does not ask whether the peer is a proxy at all.
"""

from ipaddress import ip_address, ip_network

from django.conf import settings

FORWARDED_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
)


def _address(text):
    try:
        return ip_address(text.strip())
    except ValueError:
        return None


class TrustedProxies:
    def __init__(self, entries):
        self.networks = [ip_network(entry, strict=False) for entry in entries]

    def __contains__(self, address):
        return address is not None and any(address in network for network in self.networks)

    def client_address(self, forwarded_for):
        """The address the nearest untrusted hop in X-Forwarded-For was seen from.

        The list grows to the right as each proxy appends the address it was
        called from; entries left of the first untrusted one are the client's word.
        """
        for entry in reversed(forwarded_for.split(",")):
            address = _address(entry)
            if address is None:
                return None
            if address not in self:
                return str(address)
        return None


def client_ip(request):
    """The client's address for django-axes (``AXES_CLIENT_IP_CALLABLE``)."""
    return request.META.get("REMOTE_ADDR")


class TrustedProxyMiddleware:
    """First in MIDDLEWARE: resolves the client's address and drops unbelieved headers."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.proxies = TrustedProxies(settings.TRUSTED_PROXIES)

    def __call__(self, request):
        meta = request.META
        if _address(meta.get("REMOTE_ADDR", "")) in self.proxies:
            client = self.proxies.client_address(meta.get("HTTP_X_FORWARDED_FOR", ""))
            if client:
                meta["REMOTE_ADDR"] = client
        else:
            for header in FORWARDED_HEADERS:
                meta.pop(header, None)
        return self.get_response(request)
