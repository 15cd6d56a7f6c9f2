"""Short citations of the rules, as they appear in reasons and on each variable's `reference`.

One constant per document (and clause where the rule has one), so that a reason and the variable
that computes it cite the same text. Full titles, clauses and URLs of the *numbers* live in the
parameter files' `metadata.reference`; see POLICY.md §1 and Appendix B for the evidence levels.
"""

from __future__ import annotations

INTERIM_MEASURES = "《社会救助暂行办法》"
INTERIM_MEASURES_ART_9 = "《社会救助暂行办法》第九条"
INTERIM_MEASURES_ART_12 = "《社会救助暂行办法》第十二条"
INTERIM_MEASURES_ART_14 = "《社会救助暂行办法》第十四条"
INTERIM_MEASURES_ART_47 = "《社会救助暂行办法》第四十七条"
INTERIM_MEASURES_ART_48 = "《社会救助暂行办法》第四十八条"

DIBAO_RULES = "民发〔2021〕57号"
DIBAO_RULES_ART_7 = "民发〔2021〕57号 第七条"
DIBAO_RULES_ART_8 = "民发〔2021〕57号 第八条"
DIBAO_RULES_INCOME = "民发〔2021〕57号 第十一条、第十二条"
DIBAO_RULES_ASSETS = "民发〔2021〕57号 第十三条"
DIBAO_RULES_ART_23 = "民发〔2021〕57号 第二十三条"

FUJIAN_EIGHT_MEASURES = "福建省民政厅等9部门《进一步加强最低生活保障工作八条措施》（2019）"
FUJIAN_ADJUSTMENT_2021 = "《福建省困难群众救助补助政策调整方案》（2021）"
FUJIAN_OPINION_2014 = "福建省《关于进一步做好社会救助工作的意见》（2014）"

TEKUN_RULES = "民发〔2021〕43号《特困人员认定办法》"
TEKUN_FUJIAN = "《福建省特困人员认定办法》（2021）"

MARGINAL_RULES = "《最低生活保障边缘家庭和刚性支出困难家庭认定办法》"
MARGINAL_NOTICE_2020 = "民政部 财政部《关于进一步做好困难群众基本生活保障工作的通知》（2020）"

TEMPORARY_OPINION_2020 = "中办 国办《关于改革完善社会救助制度的意见》（2020）第十五项"

DISABILITY_FUJIAN = "《福建省困难残疾人生活补贴和重度残疾人护理补贴实施办法》"

ORPHAN_FUJIAN = "福建省孤儿、事实无人抚养儿童最低养育标准"

# Appended to a reason whose number is a stand-in for a [GAP] (metadata.demo_value).
DEMO_MARK = "（演示值，须以当地正式文件替换）"
