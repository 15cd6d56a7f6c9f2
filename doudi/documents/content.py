"""What each document shows, as plain frozen dataclasses: no ORM, so a document can be rendered
and tested without a database. Selectors build them; ID numbers arrive already masked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Heading:
    """The top of every document: who issues it, its number and its date."""

    issuer: str  # 出具单位, e.g. 长乐区吴航街道办事处
    number: str  # 编号
    issued_on: dt.date


@dataclass(frozen=True)
class MemberRow:
    name: str
    relation: str  # Chinese label (户主、配偶 …)
    masked_id_number: str
    is_counted: bool
    notes: str = ""  # disability, serious illness, why not counted


@dataclass(frozen=True)
class IncomeRow:
    member: str
    kind: str  # Chinese label of the income type
    monthly: Decimal
    is_stable: bool


@dataclass(frozen=True)
class ApplicationForm:
    """社会救助申请书."""

    heading: Heading
    applicant: str
    address: str
    village: str
    area_type: str
    members: tuple[MemberRow, ...]
    programmes: tuple[str, ...]
    needs: tuple[str, ...]
    incomes: tuple[IncomeRow, ...]
    assets: tuple[tuple[str, str], ...]  # (label, value as printed)
    expenses: tuple[tuple[str, str], ...]
    channel: str
    is_relative_declared: bool
    submitted_on: dt.date


@dataclass(frozen=True)
class ConsentLetter:
    member: str
    relation: str
    masked_id_number: str
    signed_by: str  # 本人签署 / 监护人代签 / 委托代签
    proxy_reason: str
    signed_on: dt.date


@dataclass(frozen=True)
class ConsentLetters:
    """家庭经济状况核对授权书, one page per counted member."""

    heading: Heading
    applicant: str
    address: str
    letters: tuple[ConsentLetter, ...]


@dataclass(frozen=True)
class HomeVisit:
    visited_on: dt.date
    investigators: tuple[str, ...]
    is_full: bool
    findings: str
    photos: int
    record_signed: bool


@dataclass(frozen=True)
class HomeVisitRecord:
    """入户调查记录: every visit recorded on the case, oldest first."""

    heading: Heading
    applicant: str
    address: str
    members: tuple[MemberRow, ...]
    visits: tuple[HomeVisit, ...]


@dataclass(frozen=True)
class NoticeLine:
    village: str
    programme: str
    name: str
    masked_id_number: str
    number_covered: int
    amount: Decimal
    published_on: dt.date
    last_day: dt.date


@dataclass(frozen=True)
class NoticeSheet:
    """公示名单 of a township (or one village): what ``notice_entry`` allows, nothing more."""

    heading: Heading
    region: str
    lines: tuple[NoticeLine, ...]
    objection_office: str
    objection_phone: str = ""
    objection_address: str = ""


@dataclass(frozen=True)
class DecisionLine:
    programme: str
    monthly_amount: Decimal
    from_month: dt.date


@dataclass(frozen=True)
class OneOffLine:
    """一次性救助 confirmed (temporary assistance): the amount once, not a month's."""

    programme: str
    amount: Decimal
    approved_month: dt.date
    county_approved: bool


@dataclass(frozen=True)
class DecisionNotice:
    """审核确认通知书: monthly entitlements (``lines``) and one-off grants (``one_off``)."""

    heading: Heading
    applicant: str
    address: str
    submitted_on: dt.date
    lines: tuple[DecisionLine, ...]
    one_off: tuple[OneOffLine, ...] = ()


@dataclass(frozen=True)
class RefusalNotice:
    """不予确认通知书: the written reasons and the ways to challenge the decision."""

    heading: Heading
    applicant: str
    address: str
    submitted_on: dt.date
    programmes: tuple[str, ...]
    reasons: str
    review_body: str  # 行政复议机关
