"""The honest baseline: a Django project with nothing of ours in it (bench/page_ratios.py).

What `django-admin startproject` gives, less the admin: Django's default middleware only, no
templates, no database access on the one view (the session and user are never read), DEBUG off.
platform/launch.py serves it with --wsgi-app bench.minimal_project.wsgi:application --settings
bench.minimal_project.settings through the same nginx and gunicorn configuration as the project.
"""

SECRET_KEY = "bench-minimal-project-loopback-only-not-a-secret-0123456789abcdef"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "bench.minimal_project.urls"
WSGI_APPLICATION = "bench.minimal_project.wsgi.application"
# Never opened: the view reads neither the session nor the user.
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
