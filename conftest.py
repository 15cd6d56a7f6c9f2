import pytest

pytest_plugins = [
    "doudi.accounts.tests.fixtures",
    "doudi.registry.tests.fixtures",
]


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor(monkeypatch):  # type: ignore[no-untyped-def]
    """A test's ``client.force_login(user)`` stands for a completed login, both steps: the
    session is marked as verified by the user's TOTP device (doudi.testing.clients
    .two_factor_verified), as the second step marks it. Tests of the login itself post the real
    forms instead. Nothing here changes what production requires."""
    from django.test import Client

    from doudi.testing.clients import two_factor_verified

    original = Client.force_login

    def force_login(self, user, backend=None):  # type: ignore[no-untyped-def]
        original(self, user, backend)
        two_factor_verified(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def _sessions_idle_by_the_real_clock(monkeypatch):  # type: ignore[no-untyped-def]
    """Tests travel in the calendar between two requests of one session (a case over weeks);
    the idle timeout measures sessions by the real clock instead, so that travelling does not
    look like a user who went away. Tests of the timeout set the session's last activity."""
    import time

    import time_machine

    def real_time() -> float:
        hatch = time_machine.escape_hatch
        return hatch.time.time() if hatch.is_travelling() else time.time()

    monkeypatch.setattr("doudi.web.login_security.clock", real_time)
