"""Strict environment parsing: a malformed value stops the platform at start-up."""

from __future__ import annotations

import math
import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str | None = None) -> str:
    """Return the variable, or its contents from the file named by NAME_FILE (for secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    value = os.environ.get(name)
    if value is None:
        if default is None:
            raise ImproperlyConfigured(f"环境变量 {name} 未设置")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value == "True":
        return True
    if value == "False":
        return False
    raise ImproperlyConfigured(f"环境变量 {name} 只能是 True 或 False，而不是 {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"环境变量 {name} 必须是整数，而不是 {value!r}") from error


def env_float(
    name: str, default: float, *, minimum: float | None = None, maximum: float | None = None
) -> float:
    """A finite number, within [minimum, maximum] where they are given."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError as error:
        raise ImproperlyConfigured(f"环境变量 {name} 必须是数字，而不是 {raw!r}") from error
    if not math.isfinite(value):
        raise ImproperlyConfigured(f"环境变量 {name} 必须是有限的数字，而不是 {raw!r}")
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"环境变量 {name} 不能小于 {minimum:g}，而现在是 {raw!r}")
    if maximum is not None and value > maximum:
        raise ImproperlyConfigured(f"环境变量 {name} 不能大于 {maximum:g}，而现在是 {raw!r}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def directory_ensure(path: Path, *, variable: str) -> Path:
    """Create a directory the platform writes to, or stop start-up saying which setting to fix."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ImproperlyConfigured(
            f"无法创建目录 {path}（{error.strerror}）：请把 {variable} 设为可写的位置"
        ) from error
    return path
