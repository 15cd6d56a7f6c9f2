from django.test import override_settings

from doudi.core.checks import demo_secrets_check


@override_settings(DB_ENGINE="postgres", DEBUG=False, DOUDI_ALLOW_DEMO_SECRETS=False)
def test_it_refuses_the_demo_secrets_on_postgresql():
    assert [error.id for error in demo_secrets_check(None)] == [
        "doudi.E001",
        "doudi.E002",
        "doudi.E003",
    ]


@override_settings(
    DB_ENGINE="postgres",
    DEBUG=False,
    DOUDI_ALLOW_DEMO_SECRETS=False,
    SECRET_KEY="a-real-secret",
    DOUDI_ID_ENCRYPTION_KEYS=["cmVhbC1rZXktcmVhbC1rZXktcmVhbC1rZXktMzJieXQ="],
    DOUDI_ID_HASH_KEY="real-hash-key",
)
def test_it_accepts_real_secrets_on_postgresql():
    assert demo_secrets_check(None) == []


@override_settings(DB_ENGINE="sqlite", DEBUG=False, DOUDI_ALLOW_DEMO_SECRETS=False)
def test_the_embedded_demo_may_use_the_demo_secrets():
    assert demo_secrets_check(None) == []
