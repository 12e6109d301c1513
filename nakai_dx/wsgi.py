"""The WSGI application, for gunicorn: ``gunicorn nakai_dx.wsgi``."""

import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nakai_dx.settings")

application = get_wsgi_application()

if not settings.DEBUG and not os.environ.get("SECRET_KEY"):
    raise ImproperlyConfigured(settings.MISSING_SECRET_KEY_MESSAGE)
