from __future__ import annotations

from datetime import date

import pytest

from doudi.core.exceptions import ApplicationError, NotFound, PermissionDenied
from doudi.core.id_protection import id_number_decrypt, id_number_hash
from doudi.core.models import AuditEvent
from doudi.registry import services
from doudi.registry.models import Household, Membership, Person
from doudi.registry.services import MemberSpec
from doudi.registry.tests.factories import make_id_number, person_facts, register_household
from doudi.testing.state import row_counts

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return row_counts(Household, Person, Membership, AuditEvent, Person.history)


def test_it_registers_a_household_with_members_history_and_one_audit_event(caseworker):
    # when
    household = register_household(caseworker)

    # then
    members = list(household.memberships.order_by("id"))
    assert [(m.relation, m.is_counted, m.person.name) for m in members] == [
        ("head", True, "林建国"),
        ("spouse", True, "陈秀英"),
        ("child", True, "林小雨"),
    ]
    assert (household.county_code, household.township_code, household.village_code) == (
        "350112",
        "350112001",
        "350112001001",
    )
    events = list(AuditEvent.objects.filter(action="household.registered"))
    assert len(events) == 1
    assert events[0].actor == caseworker.user
    assert events[0].parameters == {"reason": "首次登记", "members": 3}
    record = Person.history.get(name="林建国")
    assert record.history_user == caseworker.user
    assert record.history_change_reason == "首次登记"


def test_it_stores_the_id_number_encrypted_hashed_and_masked_never_in_clear(caseworker):
    # given
    number = make_id_number(date(1980, 5, 17))
    facts = person_facts("林建国", date(1980, 5, 17), id_number=number)

    # when
    person = services.person_create(actor=caseworker, facts=facts, reason="登记")

    # then
    stored = Person.objects.values().get(pk=person.pk)
    assert number not in str(stored)
    assert stored["id_number_hash"] == id_number_hash(number)
    assert stored["id_number_masked"] == f"{number[:4]}**********{number[-4:]}"
    assert id_number_decrypt(stored["id_number_encrypted"]) == number
    assert (person.sex, person.birth_date) == ("M", date(1980, 5, 17))


def test_it_accepts_a_lower_case_x_and_stores_the_normalised_number(caseworker):
    # given: a number whose check character is X
    birth = date(1949, 12, 31)
    number = next(n for n in (make_id_number(birth, sex="F") for _ in range(40)) if n.endswith("X"))

    # when
    person = services.person_create(
        actor=caseworker,
        facts=person_facts("郑淑芬", birth, sex="F", id_number=number.lower()),
        reason="登记",
    )

    # then
    assert id_number_decrypt(person.id_number_encrypted) == number


def test_it_refuses_an_invalid_id_number_naming_the_field_and_writes_nothing(caseworker):
    # given
    before = _counts()
    bad = make_id_number(date(1980, 5, 17))[:-1] + "0"
    if bad == make_id_number(date(1980, 5, 17)):  # pragma: no cover - astronomically unlikely
        bad = bad[:-1] + "1"

    # when
    with pytest.raises(ApplicationError) as error:
        register_household(
            caseworker,
            members=[
                MemberSpec(
                    relation="head", facts=person_facts("林建国", date(1980, 5, 17), id_number=bad)
                )
            ],
        )

    # then
    assert error.value.field == "members[0].id_number"
    assert error.value.message.startswith("身份证号码无效：")
    assert "校验" in error.value.message
    assert _counts() == before


def test_it_refuses_an_unknown_region_code_and_writes_nothing(caseworker):
    before = _counts()
    with pytest.raises(ApplicationError) as error:
        register_household(caseworker, village="350112001999")
    assert error.value.field == "village_code"
    assert error.value.message == "区划代码不存在：350112001999"
    assert _counts() == before


def test_it_refuses_a_region_above_village_level(caseworker):
    with pytest.raises(ApplicationError) as error:
        register_household(caseworker, village="350112001")
    assert error.value.message == "请选择到村（社区）一级：吴航街道（350112001）是乡镇（街道）"


def test_it_refuses_to_count_a_person_already_counted_in_another_household(caseworker, household):
    # given
    head = household.memberships.get(relation="head").person
    before = _counts()

    # when
    with pytest.raises(ApplicationError) as error:
        register_household(
            caseworker,
            address="吴航街道兴华社区2号",
            members=[MemberSpec(relation="head", person=head)],
        )

    # then
    assert error.value.field == "members[0].person"
    assert error.value.message == (
        f"林建国（{head.id_number_masked}）已作为共同生活家庭成员登记在其他家庭（吴航街道兴华社区1号），请先办理迁出"
    )
    assert _counts() == before


def test_it_allows_a_person_to_live_in_a_second_household_uncounted_with_a_reason(
    caseworker, household
):
    # given
    spouse = household.memberships.get(relation="spouse").person
    other = register_household(caseworker, address="吴航街道兴华社区3号")

    # when
    membership = services.household_member_add(
        actor=caseworker,
        household=other,
        spec=MemberSpec(
            relation="other_relative", person=spouse, is_counted=False, exclusion_reason="prison"
        ),
        reason="服刑期间登记",
    )

    # then
    assert (membership.is_counted, membership.exclusion_reason) == (False, "prison")


def test_it_requires_an_exclusion_reason_for_an_uncounted_member(caseworker, household):
    before = _counts()
    with pytest.raises(ApplicationError) as error:
        services.household_member_add(
            actor=caseworker,
            household=household,
            spec=MemberSpec(
                relation="parent", facts=person_facts("林老伯", date(1950, 1, 2)), is_counted=False
            ),
            reason="登记",
        )
    assert error.value.field == "exclusion_reason"
    assert error.value.message == "不计入共同生活家庭成员时须填写原因（民发〔2021〕57号 第七条）"
    assert _counts() == before


def test_it_refuses_a_second_head(caseworker, household):
    before = _counts()
    with pytest.raises(ApplicationError) as error:
        services.household_member_add(
            actor=caseworker,
            household=household,
            spec=MemberSpec(relation="head", facts=person_facts("林二", date(1990, 1, 2))),
            reason="登记",
        )
    assert error.value.message == "家庭已有户主，如需变更户主请先调整原户主关系"
    assert _counts() == before


def test_it_refuses_a_duplicate_id_number(caseworker, household):
    head = household.memberships.get(relation="head").person
    number = id_number_decrypt(head.id_number_encrypted)
    before = _counts()
    with pytest.raises(ApplicationError) as error:
        services.person_create(
            actor=caseworker,
            facts=person_facts("林冒名", date(1980, 5, 17), id_number=number),
            reason="登记",
        )
    assert error.value.field == "id_number"
    assert error.value.message == f"身份证号码 {head.id_number_masked} 已登记，请直接选择该人员"
    assert _counts() == before


def test_the_database_refuses_a_second_counted_membership_even_without_the_service(
    caseworker, household
):
    from django.db import IntegrityError, transaction

    head = household.memberships.get(relation="head").person
    other = register_household(caseworker, address="吴航街道兴华社区4号")
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            household=other, person=head, relation="spouse", joined_on=date(2026, 1, 1)
        )


def test_an_outsider_cannot_register_in_another_township_and_nothing_is_written(outsider):
    before = _counts()
    with pytest.raises(PermissionDenied) as error:
        register_household(outsider, village="350112001001")
    assert error.value.message == "兴华社区（350112001001）不在您的管辖范围（航城街道）内"
    assert _counts() == before


@pytest.mark.parametrize("persona", ["auditor", "analyst"])
def test_roles_without_edit_rights_cannot_register(persona, request):
    actor = request.getfixturevalue(persona)
    before = _counts()
    with pytest.raises(PermissionDenied) as error:
        register_household(actor)
    assert error.value.message == "无权限：修改户籍登记信息"
    assert _counts() == before


def test_it_updates_a_person_with_history_of_who_and_why(caseworker, household):
    person = household.memberships.get(relation="head").person

    services.person_update(
        actor=caseworker,
        person=person,
        changes={"disability_type": "physical", "disability_grade": 2, "labour_capacity": False},
        reason="新办残疾人证",
    )

    person.refresh_from_db()
    assert (person.disability_type, person.disability_grade, person.labour_capacity) == (
        "physical",
        2,
        False,
    )
    latest = person.history.first()
    assert (latest.history_type, latest.history_change_reason, latest.history_user) == (
        "~",
        "新办残疾人证",
        caseworker.user,
    )
    event = AuditEvent.objects.get(action="person.updated")
    assert event.parameters == {
        "reason": "新办残疾人证",
        "before": {"disability_type": "", "disability_grade": None, "labour_capacity": True},
        "after": {"disability_type": "physical", "disability_grade": 2, "labour_capacity": False},
    }


def test_it_refuses_an_update_without_a_reason_and_changes_nothing(caseworker, household):
    person = household.memberships.get(relation="head").person
    before = _counts()
    with pytest.raises(ApplicationError) as error:
        services.person_update(
            actor=caseworker, person=person, changes={"phone": "10012345678"}, reason=" "
        )
    assert (error.value.field, error.value.message) == ("reason", "请填写变更原因")
    person.refresh_from_db()
    assert person.phone == ""
    assert _counts() == before


def test_it_refuses_to_change_the_id_number_through_an_update(caseworker, household):
    person = household.memberships.get(relation="head").person
    with pytest.raises(ApplicationError) as error:
        services.person_update(
            actor=caseworker, person=person, changes={"birth_date": date(1990, 1, 1)}, reason="改"
        )
    assert error.value.message == "以下字段不能修改：birth_date"


def test_an_outsider_cannot_update_a_person_of_another_township(outsider, household):
    person = household.memberships.get(relation="head").person
    with pytest.raises(NotFound):
        services.person_update(
            actor=outsider, person=person, changes={"phone": "10012345678"}, reason="改"
        )
    person.refresh_from_db()
    assert person.phone == ""


def test_it_removes_a_member_keeping_the_row_and_its_history(caseworker, household):
    child = household.memberships.get(relation="child")

    services.household_member_remove(
        actor=caseworker, membership=child, reason="迁出", left_on=date(2026, 11, 1)
    )

    child.refresh_from_db()
    assert (child.is_active, child.left_on) == (False, date(2026, 11, 1))
    assert child.history.first().history_change_reason == "迁出"


def test_revealing_an_id_number_is_logged_with_its_purpose(caseworker, household):
    person = household.memberships.get(relation="head").person

    number = services.person_id_number_reveal(actor=caseworker, person=person, purpose="核对户口簿")

    assert number == id_number_decrypt(person.id_number_encrypted)
    event = AuditEvent.objects.get(action="person.id_number_viewed")
    assert (event.actor, event.object_id, event.parameters) == (
        caseworker.user,
        str(person.pk),
        {"purpose": "核对户口簿"},
    )


@pytest.mark.parametrize("persona", ["auditor", "analyst"])
def test_roles_without_need_cannot_reveal_an_id_number_and_nothing_is_logged(
    persona, request, household
):
    actor = request.getfixturevalue(persona)
    person = household.memberships.get(relation="head").person
    with pytest.raises(PermissionDenied):
        services.person_id_number_reveal(actor=actor, person=person, purpose="看看")
    assert not AuditEvent.objects.filter(action="person.id_number_viewed").exists()


def test_an_outsider_cannot_reveal_an_id_number_of_another_township(outsider, household):
    person = household.memberships.get(relation="head").person
    with pytest.raises(NotFound):
        services.person_id_number_reveal(actor=outsider, person=person, purpose="核对")
    assert not AuditEvent.objects.filter(action="person.id_number_viewed").exists()


def test_audit_events_cannot_be_changed_or_deleted(caseworker, household):
    event = AuditEvent.objects.first()
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(action="x")


def test_a_new_bank_account_becomes_primary_and_the_old_one_is_kept(caseworker, household):
    from doudi.core.id_protection import field_decrypt
    from doudi.registry.models import BankAccount

    head = household.memberships.get(relation="head").person
    first = services.bank_account_add(
        actor=caseworker,
        person=head,
        bank_name="合成数据银行",
        account_number="9999990000000000006",
        reason="开户",
    )
    second = services.bank_account_add(
        actor=caseworker,
        person=head,
        bank_name="合成农商行",
        account_number="9999 9900 0000 0000 014",
        reason="换卡",
    )

    rows = list(
        BankAccount.objects.filter(person=head)
        .order_by("id")
        .values_list("bank_name", "is_primary")
    )
    assert rows == [("合成数据银行", False), ("合成农商行", True)]
    assert second.account_number_masked == "9999***********0014"
    assert field_decrypt(second.account_number_encrypted) == "9999990000000000014"
    assert first.pk != second.pk


def test_a_bank_card_number_with_a_bad_check_digit_is_refused(caseworker, household):
    from doudi.registry.models import BankAccount

    head = household.memberships.get(relation="head").person
    with pytest.raises(ApplicationError) as error:
        services.bank_account_add(
            actor=caseworker,
            person=head,
            bank_name="合成数据银行",
            account_number="9999990000000000001",
            reason="开户",
        )
    assert (error.value.field, error.value.message) == (
        "account_number",
        "银行卡号校验位错误，请核对",
    )
    assert BankAccount.objects.count() == 0


def test_a_database_dump_reveals_no_id_number_or_account_in_clear(caseworker, household):
    from django.db import connection

    from doudi.core.id_protection import id_number_decrypt

    # given
    head = household.memberships.get(relation="head").person
    services.bank_account_add(
        actor=caseworker,
        person=head,
        bank_name="合成数据银行",
        account_number="9999990000000000006",
        reason="开户",
    )
    numbers = [id_number_decrypt(p.id_number_encrypted) for p in Person.objects.all()]

    # when: every value of every table, as a dump would show it
    dump = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            dump.extend(str(value) for row in cursor.fetchall() for value in row)
    text = "\n".join(dump)

    # then
    assert len(numbers) == 3
    for number in numbers:
        assert number not in text
    assert "9999990000000000006" not in text


def test_a_double_count_caught_by_the_database_is_translated_not_raised_raw(caseworker, household):
    """As in a race, when another request counted the person between our check and our insert."""
    from doudi.registry.services.households import _membership_create

    head = household.memberships.get(relation="head").person
    other = register_household(caseworker, address="吴航街道兴华社区5号")
    before = Membership.objects.count()

    with pytest.raises(ApplicationError) as error:
        _membership_create(
            actor=caseworker,
            household=other,
            person=head,
            spec=MemberSpec(relation="spouse", person=head),
            joined_on=date(2026, 11, 1),
            reason="并发登记",
            field="",
        )

    assert error.value.extra["code"] == "already_counted_elsewhere"
    assert Membership.objects.count() == before


def test_a_second_head_caught_by_the_database_is_translated(caseworker, household):
    from doudi.registry.services.households import _membership_create

    with pytest.raises(ApplicationError) as error:
        _membership_create(
            actor=caseworker,
            household=household,
            person=services.person_create(
                actor=caseworker, facts=person_facts("林二", date(1990, 1, 2)), reason="登记"
            ),
            spec=MemberSpec(relation="head", facts=None),
            joined_on=date(2026, 11, 1),
            reason="并发登记",
            field="",
        )
    assert error.value.extra["code"] == "second_head"
