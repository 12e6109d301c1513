"""The API's rate limit: requests per client address per period, counted in Django's cache.

django-ninja's SimpleRateThrottle keeps each client's recent request times in
the cache and answers 429 with Retry-After. The client is the address that
nakai_dx.proxy resolved (X-Forwarded-For believed from TRUSTED_PROXIES only),
not ninja's own reading of X-Forwarded-For, which a client could choose.
With the default cache (each process's memory) each gunicorn worker counts on
its own; with REDIS_URL all of them share one count.
"""

from django.conf import settings
from ninja.throttling import SimpleRateThrottle

from nakai_dx.proxy import client_ip


class ClientRateThrottle(SimpleRateThrottle):
    scope = "api"
    cache_format = "api-throttle:%(ident)s"

    def __init__(self):
        super().__init__(rate=settings.API_RATE_LIMIT)

    def allow_request(self, request):
        # The rate is read per request, so a changed setting (tests) takes effect at once.
        if self.rate != settings.API_RATE_LIMIT:
            self.rate = settings.API_RATE_LIMIT
            self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_ident(self, request):
        return client_ip(request) or "unknown"

    def get_cache_key(self, request):
        return self.cache_format % {"ident": self.get_ident(request)}
