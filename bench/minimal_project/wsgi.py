"""WSGI entry point of the minimal baseline project (gunicorn bench.minimal_project.wsgi:application)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.minimal_project.settings")
application = get_wsgi_application()
