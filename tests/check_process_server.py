"""Preloaded by the fork server of tests that run ``essay check`` in processes of their own."""

from tests.check_process import warm_up

warm_up()
