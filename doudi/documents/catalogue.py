"""The case documents by URL kind: title, the selector building the content, the renderer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from doudi.documents import rendering, selectors


@dataclass(frozen=True)
class CaseDocument:
    kind: str  # as in the URL: /applications/<id>/documents/<kind>.pdf
    title: str
    content: Callable[..., Any]  # selector(actor=, application=) -> content dataclass
    render: Callable[[Any], bytes]


CASE_DOCUMENTS: dict[str, CaseDocument] = {
    document.kind: document
    for document in (
        CaseDocument(
            "application-form",
            "社会救助申请书",
            selectors.application_form_content,
            rendering.application_form_pdf,
        ),
        CaseDocument(
            "consent",
            "家庭经济状况核对授权书",
            selectors.consent_letters_content,
            rendering.consent_letters_pdf,
        ),
        CaseDocument(
            "home-visit",
            "入户调查记录",
            selectors.home_visit_record_content,
            rendering.home_visit_record_pdf,
        ),
        CaseDocument(
            "decision",
            "审核确认通知书",
            selectors.decision_notice_content,
            rendering.decision_notice_pdf,
        ),
        CaseDocument(
            "refusal",
            "不予确认通知书",
            selectors.refusal_notice_content,
            rendering.refusal_notice_pdf,
        ),
    )
}
