"""The test settings plus an app whose audit code clashes (tests/core/test_floors.py starts Django with these)."""

from dangjian.settings_test import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tests.core.dup_audit_app"]  # noqa: F405
