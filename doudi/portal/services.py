"""Writes of the portal app: an applicant registers, and files an application for their own
household online (全程网办). Each is one transaction with its audit event; nothing is written
when anything is refused."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from typing import Any

from django.contrib.auth import authenticate, get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from doudi.core import idcard
from doudi.core.audit import audit_event_record
from doudi.core.exceptions import ApplicationError
from doudi.core.id_protection import id_number_hash
from doudi.intake.models import Application, Channel, SignedBy
from doudi.intake.services import (
    ConsentSpec,
    Declaration,
    Routing,
    application_file,
)
from doudi.portal import selectors
from doudi.portal.models import ApplicantAccount
from doudi.registry.models import Person, VitalStatus

ADULT_AGE = 18
# The user name the lock-out counts a login under when the ID number has no account (no user
# ever has it: applicants' user names start with "applicant-" followed by hex digits).
UNKNOWN_APPLICANT_PREFIX = "applicant-unknown-"
PHONE_PATTERN = re.compile(r"^1\d{10}$")
NO_MATCH_MESSAGE = (
    "未能在救助登记信息中找到与您填写的姓名和身份证号码一致的人员，无法在网上注册。"
    "请携带身份证到户籍地或居住地的乡镇（街道）窗口申请"
)
ACCOUNT_EXISTS_MESSAGE = (
    "该身份证号码已注册网上办事账号，请直接登录；如忘记密码，请到乡镇（街道）窗口办理"
)


def _id_number(raw: str) -> str:
    parsed = idcard.parse(raw or "", today=timezone.localdate())
    if not parsed.valid or parsed.normalized is None:
        reasons = "；".join(error.message for error in parsed.errors) or "格式不正确"
        raise ApplicationError(f"身份证号码无效：{reasons}", field="id_number")
    return parsed.normalized


def applicant_authenticate(*, request: Any, id_number: str, password: str) -> Any:
    """The applicant's user for an ID number and password, or None. The account is found by the
    keyed hash of the number; staff users never match (they have no applicant account).

    Every try goes through ``authenticate`` so that the lock-out (django-axes) counts it, under
    a user name that is never the ID number: the account's internal ``applicant-…`` name, or,
    for a number without an account (or not a valid number), a name made of its keyed hash."""
    try:
        number = _id_number(id_number)
    except ApplicationError:
        number = None
    account = (
        ApplicantAccount.objects.select_related("user")
        .filter(person__id_number_hash=id_number_hash(number))
        .first()
        if number is not None
        else None
    )
    if account is not None:
        username = account.user.get_username()
    else:
        typed = (number or id_number or "").strip().upper().encode("ascii", "replace").decode()
        username = f"{UNKNOWN_APPLICANT_PREFIX}{id_number_hash(typed)[:24]}"
    user = authenticate(request, username=username, password=password)
    if user is None or account is None:
        return None
    return user


@transaction.atomic
def applicant_account_register(
    *, name: str, id_number: str, phone: str, password: str
) -> ApplicantAccount:
    """Open a self-service account for a registry person who proves their name and ID number.

    No registry person with that number, another name, or a deceased person: the same message
    (apply at the township window), so that the form does not tell who is registered."""
    name = (name or "").strip()
    if not name:
        raise ApplicationError("请填写姓名", field="name")
    number = _id_number(id_number)
    phone = (phone or "").strip()
    if not PHONE_PATTERN.match(phone):
        raise ApplicationError("手机号码格式不正确：应为以 1 开头的 11 位数字", field="phone")
    try:
        password_validation.validate_password(password or "")
    except ValidationError as error:
        raise ApplicationError(
            "密码不符合要求：" + "；".join(error.messages), field="password"
        ) from error
    person = Person.objects.filter(id_number_hash=id_number_hash(number)).first()
    if person is None or person.name != name or person.vital_status != VitalStatus.ALIVE:
        raise ApplicationError(NO_MATCH_MESSAGE, field="id_number")
    if idcard.age_on(person.birth_date, timezone.localdate()) < ADULT_AGE:
        raise ApplicationError(
            "未满 18 周岁的不能注册网上办事账号，请由监护人注册后代为申请", field="id_number"
        )
    if ApplicantAccount.objects.filter(person=person).exists():
        raise ApplicationError(ACCOUNT_EXISTS_MESSAGE, field="id_number")
    user = get_user_model().objects.create_user(
        username=f"applicant-{uuid.uuid4().hex[:20]}", password=password
    )
    try:
        with transaction.atomic():
            account = ApplicantAccount.objects.create(user=user, person=person, phone=phone)
    except IntegrityError as error:  # registered at the same moment by another request
        raise ApplicationError(ACCOUNT_EXISTS_MESSAGE, field="id_number") from error
    audit_event_record(
        actor=user,
        action="portal.account_register",
        obj=account,
        region_code=person.residence_region_id,
        parameters={"person": str(person.public_id)},
    )
    return account


@transaction.atomic
def application_submit_online(
    *,
    account: ApplicantAccount,
    programmes: Sequence[str],
    consents: Sequence[ConsentSpec],
    declaration: Declaration,
    needs: Sequence[str] = (),
) -> Application:
    """全程网办: the applicant files for their own household, on the ``online`` channel.

    The same validation as at the window (``application_file``). The applicant signs the
    授权核对书 for themselves only; every other counted member is signed for by a guardian or a
    proxy with a written reason, as at the window — a consent marked ``self`` for anyone else is
    refused, because the platform cannot know that person signed. The case belongs to the
    household's own township and appears in its work list like any other."""
    household = selectors.applicant_household(account=account)
    for index, consent in enumerate(consents):
        if consent.signed_by == SignedBy.SELF and consent.person.pk != account.person_id:
            raise ApplicationError(
                f"{consent.person.name}的授权核对书不能以“本人签署”在您的账号下提交："
                "请选择监护人代签或委托代签并写明原因",
                field=f"consents[{index}].signed_by",
            )
    return application_file(
        submitted_by=account.user,
        household=household,
        routing=Routing.home(household),
        programmes=programmes,
        channel=Channel.ONLINE.value,
        consents=consents,
        declaration=declaration,
        needs=needs,
    )
