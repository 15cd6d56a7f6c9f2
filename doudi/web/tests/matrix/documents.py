"""Persona rows of the printable documents (PDF) and the household-search Excel export."""

from __future__ import annotations

from doudi.web.tests.matrix.common import PERSONAS, READ, Row, application_of

# A case document readable where the case page is (intake.view, the case's region).
DOCUMENT = {**READ, "anonymous": 302}
# The notice sheet of 吴航街道: the outsider's region does not contain it (404); the village
# worker gets their own village's lines.
NOTICE = {**READ, "anonymous": 302}
# A decision notice of a case not yet decided: refused (400) for whoever may read the case.
UNDECIDED = {p: (400 if v == 200 else v) for p, v in DOCUMENT.items()}
# The household search export: registry.view, within the actor's own region (the outsider gets
# an empty sheet of their own region, as the page shows them an empty list).
EXPORT = {**READ, "outsider": 200, "anonymous": 302}

assert set(DOCUMENT) == set(UNDECIDED) == set(EXPORT) == set(PERSONAS)

ROWS = [
    Row(
        "applications/<str:public_id>/documents/<str:kind>.pdf",
        "GET",
        lambda c: f"/applications/{application_of(c).public_id}/documents/application-form.pdf",
        DOCUMENT,
    ),
    Row(
        "applications/<str:public_id>/documents/<str:kind>.pdf",
        "GET",
        lambda c: f"/applications/{application_of(c).public_id}/documents/consent.pdf",
        DOCUMENT,
    ),
    Row(
        "applications/<str:public_id>/documents/<str:kind>.pdf",
        "GET",
        lambda c: f"/applications/{application_of(c).public_id}/documents/decision.pdf",
        UNDECIDED,
    ),
    Row(
        "applications/<str:public_id>/documents/<str:kind>.pdf",
        "GET",
        lambda c: f"/applications/{application_of(c).public_id}/documents/home-visit.pdf",
        UNDECIDED,
    ),
    Row("notices/<str:region_code>.pdf", "GET", lambda c: "/notices/350112001.pdf", NOTICE),
    Row(
        "households/",
        "GET",
        lambda c: "/households/?region_code=350112001&format=xlsx",
        EXPORT,
    ),
]
