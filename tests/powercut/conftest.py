"""The power-cut disk for the tests of this folder."""

from powercut_fixtures import disk, full_run  # noqa: F401
