from doudi.exchange.tests.helpers import verification_officer_user  # noqa: F401
