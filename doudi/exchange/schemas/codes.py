"""Code tables shared by several feeds (code, Chinese label), as the departments send them."""

from __future__ import annotations

from types import MappingProxyType

SEX = (("M", "男"), ("F", "女"))
HUKOU_TYPE = (("urban", "城镇"), ("rural", "农村"))
RELATION = (
    ("head", "户主"),
    ("spouse", "配偶"),
    ("child", "子女"),
    ("parent", "父母"),
    ("grandchild", "孙子女"),
    ("grandparent", "祖父母"),
    ("sibling", "兄弟姐妹"),
    ("child_in_law", "儿媳女婿"),
    ("other_relative", "其他亲属"),
)
DISABILITY_TYPE = (
    ("physical", "肢体"),
    ("visual", "视力"),
    ("hearing", "听力"),
    ("speech", "言语"),
    ("intellectual", "智力"),
    ("mental", "精神"),
    ("multiple", "多重"),
)
# The 残疾人证号 is the holder's ID number followed by one digit for the type and one for the
# grade (第二代残疾人证: 1 视力, 2 听力, 3 言语, 4 肢体, 5 智力, 6 精神, 7 多重).
DISABILITY_TYPE_DIGITS = MappingProxyType(
    {
        "visual": 1,
        "hearing": 2,
        "speech": 3,
        "physical": 4,
        "intellectual": 5,
        "mental": 6,
        "multiple": 7,
    }
)
STAGE = (
    ("preschool", "学前教育"),
    ("compulsory", "义务教育"),
    ("high_school", "普通高中"),
    ("secondary_vocational", "中等职业教育"),
    ("undergraduate", "本专科"),
    ("postgraduate", "研究生"),
)
