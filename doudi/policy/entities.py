"""OpenFisca entities: a person, and the household (共同生活的家庭) they belong to.

Roles: `head` (户主, at most one) and `member` (every other member). Whether a member is counted
among 共同生活家庭成员 (民发〔2021〕57号 第七条) is not a role but the person variable `counted`,
because it is a fact about the member that rules read, not a structural position.
"""

from __future__ import annotations

from openfisca_core.entities import build_entity

Person = build_entity(
    key="person",
    plural="persons",
    label="个人",
    doc="A member of the household, counted or not among 共同生活家庭成员.",
    is_person=True,
)

Household = build_entity(
    key="household",
    plural="households",
    label="家庭",
    doc="The household that applies together (共同生活的家庭).",
    roles=[
        {"key": "head", "label": "户主", "max": 1},
        {"key": "member", "plural": "members", "label": "家庭成员"},
    ],
)

entities = [Person, Household]
