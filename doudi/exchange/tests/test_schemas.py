"""Feed declarations check themselves: a meaning that names an unknown column, maps only some
of a column's codes, or points at a column of the wrong type is refused when it is declared."""

from __future__ import annotations

import pytest

from doudi.exchange.schemas import FEEDS, FeedSchema
from doudi.exchange.schemas import meaning as M
from doudi.exchange.schemas.columns import C, T, identity_columns

COLUMNS = (
    *identity_columns(),
    C("period", "所属期", T.MONTH),
    C("kind", "类别", T.CODE, choices=(("a", "甲"), ("b", "乙"))),
    C("amount", "金额", T.YUAN),
    C("as_of", "日期", T.DATE),
    C("plate", "号牌", T.TEXT),
)


def _feed(meaning: M.Meaning) -> FeedSchema:
    return FeedSchema(
        "test", "测试", "测试部门", COLUMNS, natural_key=("id_number",), meaning=meaning
    )


def test_a_sound_meaning_is_accepted():
    feed = _feed(
        M.IncomeMeaning("period", "amount", M.by_code("kind", {"a": "wage", "b": "other"}))
    )
    assert feed.meaning.columns == {"period", "amount", "kind"}


@pytest.mark.parametrize(
    ("_case", "meaning", "problem"),
    [
        (
            "unknown column",
            M.IncomeMeaning("month", "amount", "wage"),
            "names unknown column 'month'",
        ),
        (
            "a code not mapped",
            M.IncomeMeaning("period", "amount", M.by_code("kind", {"a": "wage"})),
            "'kind' maps codes other than its declared ('a', 'b')",
        ),
        (
            "an amount that is not yuan",
            M.IncomeMeaning("period", "plate", "wage"),
            "column 'plate' should be of type yuan",
        ),
        (
            "a period that is not a month",
            M.IncomeMeaning("as_of", "amount", "wage"),
            "column 'as_of' should be of type month",
        ),
        (
            "rows of an undeclared code",
            M.IncomeMeaning("period", "amount", "wage", rows=M.Rows("kind", ("c",))),
            "rows name undeclared codes ['c']",
        ),
        (
            "an unknown category",
            M.AssetMeaning("boats", value="amount"),
            "unknown asset category 'boats'",
        ),
        (
            "counted items without a key",
            M.AssetMeaning(M.VEHICLES, value="amount"),
            "items of 'vehicles' are counted, so they need a key column",
        ),
        (
            "valued items without a value",
            M.AssetMeaning(M.FINANCIAL, key="plate"),
            "items of 'financial' are valued, so they need a value column",
        ),
        (
            "latest by a column that is not a date",
            M.AssetMeaning(M.FINANCIAL, value="amount", latest=M.Latest("plate")),
            "column 'plate' should be of type date/month",
        ),
    ],
)
def test_a_wrong_meaning_is_refused_when_declared(_case, meaning, problem):
    with pytest.raises(ValueError, match="^test: meaning ") as raised:
        _feed(meaning)
    assert problem in str(raised.value)


def test_code_mappings_cover_every_declared_code():
    for schema in FEEDS.values():
        meaning = schema.meaning
        choice = getattr(meaning, "income_type", None) or getattr(meaning, "category", None)
        if isinstance(choice, M.ByCode):
            mapped = [code for code, _ in choice.pairs]
            assert sorted(mapped) == sorted(schema.column_by_name[choice.column].codes)
