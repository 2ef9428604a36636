"""Settings for the test suite: production settings with a test key and no HTTPS redirect."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("SECURE_SSL_REDIRECT", "False")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from register.settings import *  # noqa: E402, F403

# Fast hashing: tests log users in many times.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Background tasks run at once, in the test's own thread and transaction; the queue's own tests
# switch to the database backend to check what happens across commits, failures and workers.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
