"""Materials: checked by content, stored once per household, reused by later applications."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from doudi.core.exceptions import ApplicationError, NotFound, PermissionDenied
from doudi.core.models import AuditEvent
from doudi.intake import selectors, services
from doudi.intake.models import Application, CaseEvent, Material, MaterialUse
from doudi.intake.tests.test_services import submit
from doudi.testing.clock import on
from doudi.testing.state import row_counts

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + b"\x00" * 40
MB = 1024 * 1024


def zipped(names: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name in names:
            package.writestr(name, "<xml/>")
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def state() -> tuple[int, ...]:
    return row_counts(Material, MaterialUse, AuditEvent, CaseEvent)


@pytest.fixture
def application(caseworker, household) -> Application:
    with on("2026-11-02"):
        return submit(caseworker, household)


def test_an_upload_is_stored_under_a_random_name_with_its_detected_type(caseworker, application):
    material, created = services.material_upload(
        actor=caseworker,
        application=application,
        kind="medical_bills",
        upload=upload("住院发票.jpg", PDF),  # the name says JPEG, the content is a PDF
    )
    assert created is True
    material.refresh_from_db()
    assert (material.kind, material.original_name, material.content_type, material.size) == (
        "medical_bills",
        "住院发票.jpg",
        "application/pdf",
        len(PDF),
    )
    assert material.sha256 == hashlib.sha256(PDF).hexdigest()
    assert material.uploaded_by == caseworker.user
    assert material.village_code == "350112001001"
    assert material.file.name.startswith(f"materials/{application.household_id}/")
    assert "住院" not in material.file.name
    assert len(material.file.name.rsplit("/", 1)[1]) == 32
    assert material.file.read() == PDF
    assert list(material.applications.all()) == [application]
    event = AuditEvent.objects.get(action="material.upload")
    assert event.parameters["kind"] == "medical_bills"
    assert event.parameters["content_type"] == "application/pdf"


@pytest.mark.parametrize(
    ("content", "mime"),
    [
        (PNG, "image/png"),
        (JPEG, "image/jpeg"),
        (zipped(["OFD.xml", "Doc_0/Document.xml"]), "application/ofd"),
    ],
)
def test_png_jpeg_and_ofd_are_accepted(caseworker, application, content, mime):
    material, _ = services.material_upload(
        actor=caseworker, application=application, kind="other", upload=upload("x.pdf", content)
    )
    assert material.content_type == mime


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("证明.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 60),  # Windows PE
        ("证明.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 60),  # Linux ELF
        ("证明.png", b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + b"\x00" * 60),  # Mach-O
        ("证明.jpg", b"#!/bin/sh\nrm -rf /\n"),  # a shell script
        ("证明.pdf", b"<script>alert(1)</script>"),
        ("证明.pdf", zipped(["a.txt"])),  # a ZIP that is not an OFD package
        ("证明.pdf", b"\x1f\x8b\x08\x00" + b"\x00" * 40),  # gzip
    ],
)
def test_programs_scripts_and_archives_are_refused_and_nothing_is_written(
    caseworker, application, name, content
):
    before = state()
    with pytest.raises(ApplicationError) as error:
        services.material_upload(
            actor=caseworker, application=application, kind="other", upload=upload(name, content)
        )
    assert error.value.message == (
        "不能上传可执行程序、脚本或压缩包，请上传 PDF、JPEG、PNG 或 OFD 格式的材料"
    )
    assert error.value.field == "file"
    assert state() == before


def test_an_unknown_format_is_refused_naming_what_was_found(caseworker, application):
    with pytest.raises(ApplicationError) as error:
        services.material_upload(
            actor=caseworker,
            application=application,
            kind="other",
            upload=upload("a.pdf", b"GIF89a" + b"\x00" * 20),
        )
    assert error.value.message == (
        "文件格式不支持（识别为 image/gif）：只接受 PDF、JPEG、PNG 或 OFD 格式的材料"
    )
    assert Material.objects.count() == 0


def test_a_50_mb_upload_is_refused_with_both_sizes(caseworker, application):
    before = state()
    big = upload("病历.pdf", PDF + b"0" * (50 * MB - len(PDF)))
    with pytest.raises(ApplicationError) as error:
        services.material_upload(
            actor=caseworker, application=application, kind="medical_bills", upload=big
        )
    assert error.value.message == "文件大小为 50.0 MB，超过上限 20.0 MB"
    assert error.value.field == "file"
    assert state() == before


def test_the_size_limit_comes_from_the_settings(caseworker, application, settings):
    settings.MATERIAL_MAX_BYTES = 40
    with pytest.raises(ApplicationError, match="^文件大小为 0.0 MB，超过上限 0.0 MB$"):
        services.material_upload(
            actor=caseworker, application=application, kind="other", upload=upload("a.pdf", PDF)
        )


def test_an_empty_file_or_no_file_is_refused(caseworker, application):
    before = state()
    with pytest.raises(ApplicationError, match="^文件为空（0 字节），请重新选择$"):
        services.material_upload(
            actor=caseworker, application=application, kind="other", upload=upload("a.pdf", b"")
        )
    with pytest.raises(ApplicationError, match="^请选择要上传的文件$"):
        services.material_upload(
            actor=caseworker, application=application, kind="other", upload=None
        )
    assert state() == before


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("hukou", "户口簿/户籍证明不需提交：户籍信息由平台向公安部门核查获取"),
        ("disability_certificate", "残疾证不需提交：残疾信息由平台向残联核查获取"),
        (
            "social_insurance",
            "社保缴费证明不需提交：社会保险缴费信息由平台向人力资源社会保障部门核查获取",
        ),
        ("real_estate", "不动产证明不需提交：不动产登记信息由平台向自然资源部门核查获取"),
    ],
)
def test_certificates_the_platform_looks_up_are_never_asked_for(
    caseworker, application, kind, message
):
    before = state()
    with pytest.raises(ApplicationError) as error:
        services.material_upload(
            actor=caseworker, application=application, kind=kind, upload=upload("a.pdf", PDF)
        )
    assert (error.value.message, error.value.field) == (message, "kind")
    assert state() == before


def test_an_unknown_kind_is_refused(caseworker, application):
    with pytest.raises(ApplicationError, match="^材料类别取值无效：'photo'，可选："):
        services.material_upload(
            actor=caseworker, application=application, kind="photo", upload=upload("a.pdf", PDF)
        )
    assert Material.objects.count() == 0


def test_the_same_file_twice_is_one_material_reused_by_a_later_application(
    caseworker, household, application
):
    first, created = services.material_upload(
        actor=caseworker, application=application, kind="income_proof", upload=upload("a.pdf", PDF)
    )
    assert created
    again, created = services.material_upload(
        actor=caseworker, application=application, kind="income_proof", upload=upload("b.pdf", PDF)
    )
    assert (again.pk, created) == (first.pk, False)
    assert Material.objects.count() == 1
    assert MaterialUse.objects.count() == 1

    # a later application of the same household (the first one was withdrawn)
    with on("2026-11-03"):
        services.application_withdraw(actor=caseworker, application=application, reason="撤回")
        later = submit(caseworker, household)
    listed = selectors.application_materials(actor=caseworker, application=later)
    assert [(m.pk, m.used_here, m.earlier_applications) for m in listed] == [
        (first.pk, False, [application])
    ]
    services.material_attach(actor=caseworker, application=later, material_id=first.public_id)
    listed = selectors.application_materials(actor=caseworker, application=later)
    assert [(m.used_here, m.earlier_applications) for m in listed] == [(True, [application])]
    assert Material.objects.count() == 1
    assert set(first.applications.all()) == {application, later}
    with pytest.raises(ApplicationError, match="^该材料已用于本申请$"):
        services.material_attach(actor=caseworker, application=later, material_id=first.public_id)
    assert AuditEvent.objects.filter(action="material.attach").count() == 1


def test_materials_of_a_closed_application_or_another_household_cannot_be_used(
    caseworker, application
):
    with on("2026-11-03"):
        services.application_withdraw(actor=caseworker, application=application, reason="撤回")
    before = state()
    with pytest.raises(ApplicationError, match="^该申请已办结，不能再添加材料$"):
        services.material_upload(
            actor=caseworker, application=application, kind="other", upload=upload("a.pdf", PDF)
        )
    with pytest.raises(ApplicationError, match="^该申请已办结，不能再添加材料$"):
        services.material_attach(actor=caseworker, application=application, material_id="x")
    assert state() == before


def test_an_unknown_material_id_is_refused(caseworker, application):
    for material_id in ("not-a-uuid", "6f1c2b9e-8c4e-4a51-9a3c-2b7e1d0c9a11"):
        with pytest.raises(ApplicationError, match="^该材料不属于本家庭$"):
            services.material_attach(
                actor=caseworker, application=application, material_id=material_id
            )


def test_who_may_upload_and_who_sees_materials(
    caseworker, approver, auditor, outsider, village_worker, application
):
    material, _ = services.material_upload(
        actor=village_worker, application=application, kind="other", upload=upload("a.pdf", PDF)
    )
    before = state()
    with pytest.raises(NotFound):
        services.material_upload(
            actor=outsider, application=application, kind="other", upload=upload("b.pdf", PNG)
        )
    for actor in (approver, auditor):
        with pytest.raises(PermissionDenied):
            services.material_upload(
                actor=actor, application=application, kind="other", upload=upload("b.pdf", PNG)
            )
    assert state() == before
    with pytest.raises(NotFound):
        selectors.material_get(actor=outsider, public_id=material.public_id)
    assert selectors.material_get(actor=auditor, public_id=material.public_id) == material
