"""Loaded by pytest before Django (``-p tests.environment``).

The suite runs with DEBUG off, as production does, so it needs a key of its own.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# The tests' cache is local memory even in a shell that names a production Redis (REDIS_URL):
# the suite clears its cache before every test. The Redis runs ask for TEST_REDIS_URL.
os.environ.pop("REDIS_URL", None)
