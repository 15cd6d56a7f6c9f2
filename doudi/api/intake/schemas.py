"""The request and response schemas of the applications API."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from ninja import Field, Schema


class ConsentIn(Schema):
    person: UUID
    signed_by: str = "self"
    proxy_reason: str = ""


class AssetsIn(Schema):
    """家庭财产 as declared: amounts in yuan as strings ("5000.00"), counts as integers; a field
    left out was not declared."""

    model_config = {"extra": "forbid"}

    financial: str | None = Field(None, description='金融资产（元），如 "5000.00"')
    vehicles: int | None = Field(None, description="需申报的机动车（辆）")
    real_estate: int | None = Field(None, description="房产（套）")
    business_registrations: int | None = Field(None, description="工商登记（户）")

    def declared(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class ExpensesIn(Schema):
    """刚性支出 of the last 12 months, in yuan as strings."""

    model_config = {"extra": "forbid"}

    medical_12m: str | None = Field(None, description="近 12 个月自付医疗费用（元）")
    education_12m: str | None = Field(None, description="近 12 个月教育支出（元）")
    rehabilitation_12m: str | None = Field(None, description="近 12 个月康复支出（元）")

    def declared(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class IncomeIn(Schema):
    person: UUID
    type: str
    monthly: str
    stable: bool = True


class TemporaryIn(Schema):
    """临时救助 request: required when ``programmes`` includes ``temporary_assistance``."""

    kind: str = ""  # emergency 急难型 | expenditure 支出型
    requested: str = ""  # yuan, e.g. "3000.00"
    reason: str = ""
    repeat_within_year: bool = False
    repeat_justification: str = ""


class OneOffGrantOut(Schema):
    programme: str
    amount: Decimal
    approved_month: date
    approved_by: str
    requires_county_approval: bool
    county_approved: bool


class MemberFactsIn(Schema):
    """特困 / orphan facts of one counted member (docs/intake.md)."""

    person: UUID
    supporters_unable: bool = False
    centralised: bool = False
    self_care_failed_items: int = 0
    orphan_kind: str = ""
    orphan_institution: bool = False
    chooses_orphan_scheme: bool = True


class ApplicationIn(Schema):
    household: UUID
    programmes: list[str]
    channel: str
    consents: list[ConsentIn]
    incomes: list[IncomeIn] = []
    assets: AssetsIn = AssetsIn()
    expenses: ExpensesIn = ExpensesIn()
    is_relative_declared: bool = False
    needs: list[str] = []
    temporary: TemporaryIn | None = None
    member_facts: list[MemberFactsIn] = []


class ActionIn(Schema):
    """Every field any step takes: the body of the generic action endpoint, kept for unknown
    actions' answer; each step's own operation takes only its own fields (below)."""

    version: int
    reason: str = ""
    investigators: list[str] = []
    record_signed: bool = False
    photos: int = 0
    is_full: bool = False
    findings: str = ""
    favourable: bool | None = None
    opinion: str = ""
    objection: str = ""
    items: list[str] = []
    result: str = ""
    photo_ids: list[str] = []
    sent_on: date | None = None


class StepIn(Schema):
    version: int = Field(description="读取案件时的版本号；他人已办理则答复 409")


class ItemsStepIn(StepIn):
    items: list[str] = Field(description="材料名称")


class HomeVisitIn(StepIn):
    investigators: list[str] = Field(description="调查人员（至少 2 名）")
    record_signed: bool = Field(description="调查记录已由申请人签字")
    photos: int = Field(0, ge=0, description="照片张数")
    is_full: bool = Field(False, description="全面入户调查")
    findings: str = Field("", description="调查发现")
    photo_ids: list[str] = Field([], description="已上传照片材料的编号")


class CommunityReviewIn(StepIn):
    result: str = Field(description="民主评议结果")


class InitialOpinionIn(StepIn):
    favourable: bool = Field(description="是否同意纳入")
    opinion: str = Field(description="初审意见")


class ObjectionIn(StepIn):
    objection: str = Field(description="异议内容")


class OpinionIn(StepIn):
    opinion: str = Field(description="审查意见")


class ReasonIn(StepIn):
    reason: str = Field(description="书面理由")


class RefusalNoticeIn(StepIn):
    sent_on: date | None = Field(None, description="送达日期，空则为今天")


class AttachIn(Schema):
    material: str


class MaterialOut(Schema):
    public_id: UUID
    kind: str
    kind_label: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: datetime
    used_here: bool
    earlier_applications: list[UUID]


class EventOut(Schema):
    action: str
    action_label: str
    from_status: str
    to_status: str
    actor: str
    at: datetime
    parameters: dict[str, Any]


class DeadlineOut(Schema):
    kind: str
    label: str
    start_date: date
    due_date: date
    is_provisional: bool
    provisional_years: list[int]
    closed_at: datetime | None


class EntitlementOut(Schema):
    programme: str
    monthly_amount: Decimal
    from_month: date
    to_month: date | None


class SubmissionReceiptOut(Schema):
    """Filed at this window but routed to a region the caller does not cover (跨省通办)."""

    public_id: UUID
    programmes: list[str]
    county_code: str
    township_code: str
    receiving_township_code: str
    message: str


class ApplicationSummaryOut(Schema):
    public_id: UUID
    household: UUID
    address: str
    programmes: list[str]
    channel: str
    status: str
    status_label: str
    village_code: str
    township_code: str
    accepted_on: date | None
    version: int


class ApplicationOut(ApplicationSummaryOut):
    opinion: str
    opinion_favourable: bool | None
    proposal: dict[str, Any]
    proposal_evaluation_id: int | None
    notice_published_on: date | None
    notice_last_day: date | None
    refusal_reason: str
    refusal_notice_sent_on: date | None
    extension_reason: str
    decided_at: datetime | None
    missing_items: list[str]
    requested_items: list[str]
    community_review_started: bool
    community_review_result: str
    county_reviewed_by: str
    county_reviewed_at: datetime | None
    allowed_actions: list[str]
    events: list[EventOut]
    deadlines: list[DeadlineOut]
    entitlements: list[EntitlementOut]
    one_off_grants: list[OneOffGrantOut]


class DueItemOut(Schema):
    application: UUID
    kind: str
    label: str
    due_date: date
    is_provisional: bool


class DueOut(Schema):
    township_code: str
    overdue: list[DueItemOut]
    due_soon: list[DueItemOut]
