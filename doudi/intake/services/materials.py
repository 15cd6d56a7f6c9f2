"""Materials (材料): a household's files, uploaded once and reused by its later applications.

一件事一次办: a file is checked by its content (not its name), stored under a random path in the
default storage, and kept once per household (the same bytes again are the same material). A
certificate the platform looks up itself from another department is never asked for: such kinds
are refused with the department it comes from. Nothing is written when anything is refused."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Sequence
from typing import Any

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from doudi.accounts.permissions import Permission
from doudi.accounts.scoping import Actor
from doudi.core.audit import audit_event_record
from doudi.core.exceptions import ApplicationError
from doudi.intake.models import Application, Material, MaterialKind, MaterialUse
from doudi.intake.services._common import _require_visible
from doudi.intake.workflow import OPEN_STATUSES
from doudi.registry.models import Household

# Kinds the platform obtains from the department that holds them (POLICY.md §2.7: never ask
# for a document obtainable from a government platform). Code → (name, why not to submit).
PLATFORM_OBTAINED: dict[str, tuple[str, str]] = {
    "hukou": ("户口簿/户籍证明", "不需提交：户籍信息由平台向公安部门核查获取"),
    "id_card": ("居民身份证复印件", "不需提交：身份信息由平台向公安部门核查获取"),
    "disability_certificate": ("残疾证", "不需提交：残疾信息由平台向残联核查获取"),
    "social_insurance": (
        "社保缴费证明",
        "不需提交：社会保险缴费信息由平台向人力资源社会保障部门核查获取",
    ),
    "real_estate": ("不动产证明", "不需提交：不动产登记信息由平台向自然资源部门核查获取"),
    "vehicle": ("机动车登记证明", "不需提交：车辆信息由平台向公安交通管理部门核查获取"),
    "business_registration": (
        "工商登记证明",
        "不需提交：市场主体登记信息由平台向市场监督管理部门核查获取",
    ),
    "provident_fund": ("住房公积金证明", "不需提交：住房公积金信息由平台向公积金中心核查获取"),
    "marriage_certificate": ("结婚证/离婚证", "不需提交：婚姻登记信息由平台向民政部门核查获取"),
}

# What may be stored, by detected content: filetype's MIME → a label for messages.
ACCEPTED = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
OFD = "application/ofd"
# Detected types refused as programs, scripts or archives (never stored, whatever the name says).
EXECUTABLE_MIMES = {
    "application/x-msdownload",
    "application/x-executable",
    "application/x-mach-binary",
    "application/wasm",
    "application/x-shockwave-flash",
    "application/x-google-chrome-extension",
    "application/x-deb",
    "application/x-rpm",
}
ARCHIVE_MIMES = {
    "application/zip",
    "application/x-tar",
    "application/x-rar-compressed",
    "application/gzip",
    "application/x-bzip2",
    "application/x-7z-compressed",
    "application/x-xz",
    "application/vnd.ms-cab-compressed",
    "application/x-unix-archive",
    "application/x-compress",
    "application/zstd",
    "application/x-lzip",
    "application/x-lz4",
    "application/x-lzop",
    "application/x-brotli",
}
# Magic numbers filetype 1.2 does not know: Mach-O (32/64 bit, both byte orders, fat).
MACH_O_MAGICS = (
    b"\xfe\xed\xfa\xce",
    b"\xce\xfa\xed\xfe",
    b"\xfe\xed\xfa\xcf",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
)
SCRIPT_MARKERS = (b"#!", b"<script", b"<?php", b"<%", b"@echo off", b"<html", b"<!doctype html")
REFUSED_PROGRAM = "不能上传可执行程序、脚本或压缩包，请上传 PDF、JPEG、PNG 或 OFD 格式的材料"
MB = 1024 * 1024


def _megabytes(size: int) -> str:
    return f"{size / MB:.1f} MB"


def _is_ofd(head: bytes, content: bytes) -> bool:
    """OFD (GB/T 33190) is a ZIP package whose root holds ``OFD.xml``: read its directory only."""
    if not head.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            return "OFD.xml" in package.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return False


def detect_content_type(content: bytes) -> str:
    """The accepted MIME type of ``content`` from its magic bytes, or ApplicationError(file)."""
    head = content[:262]
    if head.startswith(MACH_O_MAGICS):
        raise ApplicationError(REFUSED_PROGRAM, field="file")
    if head.lstrip().lower().startswith(SCRIPT_MARKERS):
        raise ApplicationError(REFUSED_PROGRAM, field="file")
    if _is_ofd(head, content):
        return OFD
    kind = filetype.guess(head)
    mime = kind.mime if kind is not None else ""
    if mime in ACCEPTED:
        return mime
    if mime in EXECUTABLE_MIMES or mime in ARCHIVE_MIMES:
        raise ApplicationError(REFUSED_PROGRAM, field="file")
    found = f"（识别为 {mime}）" if mime else "（无法识别文件内容）"
    raise ApplicationError(
        f"文件格式不支持{found}：只接受 PDF、JPEG、PNG 或 OFD 格式的材料", field="file"
    )


def _check_kind(kind: str) -> None:
    if kind in PLATFORM_OBTAINED:
        name, why = PLATFORM_OBTAINED[kind]
        raise ApplicationError(f"{name}{why}", field="kind")
    if kind not in MaterialKind.values:
        allowed = "、".join(f"{value}（{label}）" for value, label in MaterialKind.choices)
        raise ApplicationError(f"材料类别取值无效：{kind!r}，可选：{allowed}", field="kind")


def _read(upload: Any) -> bytes:
    """The upload's bytes, after the size checks (an oversized file is never read whole)."""
    if upload is None:
        raise ApplicationError("请选择要上传的文件", field="file")
    limit = settings.MATERIAL_MAX_BYTES
    size = upload.size or 0
    if size == 0:
        raise ApplicationError("文件为空（0 字节），请重新选择", field="file")
    if size > limit:
        raise ApplicationError(
            f"文件大小为 {_megabytes(size)}，超过上限 {_megabytes(limit)}", field="file"
        )
    upload.seek(0)
    return upload.read()


def _require_uploader(actor: Actor) -> None:
    if not (actor.can(Permission.INTAKE_PROPOSE) or actor.can(Permission.INTAKE_SUBMIT)):
        actor.require(Permission.INTAKE_PROPOSE)


def _require_open(application: Application) -> None:
    if application.status not in {s.value for s in OPEN_STATUSES}:
        raise ApplicationError("该申请已办结，不能再添加材料", field="application")


def _use(*, actor: Actor, material: Material, application: Application) -> bool:
    """Link ``material`` to ``application``; False if it already was."""
    _, created = MaterialUse.objects.get_or_create(
        material=material, application=application, defaults={"attached_by": actor.user}
    )
    return created


@transaction.atomic
def material_upload(
    *,
    actor: Actor,
    application: Application,
    kind: str,
    upload: Any,
) -> tuple[Material, bool]:
    """Store ``upload`` as a material of the application's household and use it for the
    application. Returns ``(material, created)``: the same file handed in again for this
    household is the existing material (``created`` False), linked without a second copy."""
    _require_visible(actor, application)
    _require_uploader(actor)
    _require_open(application)
    _check_kind(kind)
    content = _read(upload)
    content_type = detect_content_type(content)
    digest = hashlib.sha256(content).hexdigest()
    household = Household.objects.select_for_update().get(pk=application.household_id)
    existing = Material.objects.filter(household=household, sha256=digest).first()
    if existing is not None:
        linked = _use(actor=actor, material=existing, application=application)
        audit_event_record(
            actor=actor.user,
            action="material.reuse",
            obj=existing,
            region_code=existing.village_code,
            parameters={
                "application": str(application.public_id),
                "sha256": digest,
                "linked": linked,
            },
        )
        return existing, False
    name = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1][:255] or "未命名"
    material = Material(
        household=household,
        kind=kind,
        original_name=name,
        content_type=content_type,
        size=len(content),
        sha256=digest,
        uploaded_by=actor.user,
        **household.region_codes(),
    )
    material.file.save("material", ContentFile(content), save=False)
    try:
        material.save()
    except Exception:
        material.file.delete(save=False)
        raise
    _use(actor=actor, material=material, application=application)
    audit_event_record(
        actor=actor.user,
        action="material.upload",
        obj=material,
        region_code=material.village_code,
        parameters={
            "application": str(application.public_id),
            "kind": kind,
            "content_type": content_type,
            "size": material.size,
            "sha256": digest,
        },
    )
    return material, True


def _household_material(
    *, household_id: int, public_id: Any, field: str, kind: str | None = None
) -> Material:
    try:
        material = Material.objects.filter(household_id=household_id, public_id=public_id).first()
    except (ValidationError, ValueError, TypeError):  # not a UUID
        material = None
    if material is None:
        raise ApplicationError("该材料不属于本家庭", field=field)
    if kind is not None and material.kind != kind:
        raise ApplicationError(
            f"“{material.original_name}”不是{MaterialKind(kind).label}", field=field
        )
    return material


@transaction.atomic
def material_attach(*, actor: Actor, application: Application, material_id: Any) -> Material:
    """Use a material the household handed in for an earlier application: no new upload."""
    _require_visible(actor, application)
    _require_uploader(actor)
    _require_open(application)
    material = _household_material(
        household_id=application.household_id, public_id=material_id, field="material"
    )
    if not _use(actor=actor, material=material, application=application):
        raise ApplicationError("该材料已用于本申请", field="material")
    audit_event_record(
        actor=actor.user,
        action="material.attach",
        obj=material,
        region_code=material.village_code,
        parameters={"application": str(application.public_id)},
    )
    return material


def home_visit_photos(*, application: Application, photo_ids: Sequence[Any]) -> list[Material]:
    """The household's home-visit photos named by ``photo_ids`` (each once), or ApplicationError."""
    photos: list[Material] = []
    for index, public_id in enumerate(dict.fromkeys(str(p) for p in photo_ids)):
        photos.append(
            _household_material(
                household_id=application.household_id,
                public_id=public_id,
                field=f"photo_ids[{index}]",
                kind=MaterialKind.HOME_VISIT_PHOTO,
            )
        )
    return photos


def material_download_record(*, actor: Actor, material: Material) -> None:
    """Audit one download (the selector has checked the region)."""
    with transaction.atomic():
        audit_event_record(
            actor=actor.user,
            action="material.download",
            obj=material,
            region_code=material.village_code,
            parameters={"sha256": material.sha256, "original_name": material.original_name},
        )


__all__ = [
    "PLATFORM_OBTAINED",
    "detect_content_type",
    "home_visit_photos",
    "material_attach",
    "material_download_record",
    "material_upload",
]
