"""Pinyin of personal names for identity resolution, with surname readings.

pypinyin reads each character with its most common reading, which is wrong for several surnames:
曾 is read ceng (surname zeng), 单 dan (shan), 仇 chou (qiu), 解 jie (xie), 区 qu (ou), 朴 pu
(piao), 乐 le (yue), 查 cha (zha). The first character of a name is the surname (compound surnames
such as 欧阳 have no trap in their first character), so it is read from `SURNAME_READINGS` first.

Names are converted per distinct character (a few thousand in a population), not per name, so a
million names take about a second."""

from __future__ import annotations

from collections.abc import Iterable

import pyarrow as pa
from pypinyin import Style, lazy_pinyin

SURNAME_READINGS: dict[str, str] = {
    "曾": "zeng",
    "单": "shan",
    "仇": "qiu",
    "解": "xie",
    "区": "ou",
    "朴": "piao",
    "乐": "yue",
    "查": "zha",
    "盖": "ge",
    "缪": "miao",
    "尉": "yu",
    "覃": "qin",
    "员": "yun",
    "繁": "po",
}


class PinyinReader:
    """Caches the reading of every character seen; `name_pinyin` joins them without spaces."""

    def __init__(self) -> None:
        self._chars: dict[str, str] = {}

    def _char(self, char: str) -> str:
        reading = self._chars.get(char)
        if reading is None:
            reading = "".join(lazy_pinyin(char, style=Style.NORMAL, errors="ignore")).lower()
            self._chars[char] = reading
        return reading

    def surname_pinyin(self, name: str) -> str:
        if not name:
            return ""
        first = name[0]
        return SURNAME_READINGS.get(first) or self._char(first)

    def name_pinyin(self, name: str) -> str:
        if not name:
            return ""
        return self.surname_pinyin(name) + "".join(self._char(c) for c in name[1:])

    def arrays(self, names: Iterable[str | None]) -> tuple[pa.Array, pa.Array]:
        """(name pinyin, surname pinyin) for each name; null for a null name."""
        full: list[str | None] = []
        surname: list[str | None] = []
        for name in names:
            if name is None:
                full.append(None)
                surname.append(None)
            else:
                full.append(self.name_pinyin(name))
                surname.append(self.surname_pinyin(name))
        return pa.array(full, pa.string()), pa.array(surname, pa.string())


def name_pinyin(name: str) -> str:
    return PinyinReader().name_pinyin(name)
