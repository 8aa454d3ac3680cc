"""The rules of 党费 as data (architecture.md, pattern 3), from 《关于中国共产党党费收缴、使用和管理的规定》
(中组部, 中组发〔2008〕3号, in force 1 April 2008) as /work/shared/domain/regulations.md §5 quotes it.

Brackets are lists of [upper bound or null, rate] as decimal strings (JSON keeps them exact); an upper bound is
inclusive ("3000元以下（含3000元）"). The arithmetic is in dangjian.dues.calc, which takes these values as
arguments; `dues.calc.load_config(on)` reads them all in one query.
"""

from __future__ import annotations

from dangjian.core.models import RuleStatus
from dangjian.core.rules import Rule, register

DUES_RULES = "《关于中国共产党党费收缴、使用和管理的规定》（中组发〔2008〕3号）"
LOCAL = "本单位做法，可配置"

EMPLOYED_BRACKETS = "dues.employed_brackets"
RETIRED_BRACKETS = "dues.retired_brackets"
FIXED_AMOUNT = "dues.fixed_amount"
FARMER_MIN = "dues.farmer_min"
FARMER_MAX = "dues.farmer_max"
ROUNDING_QUANTUM = "dues.rounding_quantum"
ROUNDING_MODE = "dues.rounding_mode"
MAX_BACK_MONTHS = "dues.max_back_months"
MAX_PREPAY_MONTHS = "dues.max_prepay_months"
ARREARS_WARN_MONTHS = "dues.arrears_warn_months"
ARREARS_FLAG_MONTHS = "dues.arrears_flag_months"
LARGE_VOLUNTARY = "dues.large_voluntary_amount"

ALL_KEYS = [
    EMPLOYED_BRACKETS, RETIRED_BRACKETS, FIXED_AMOUNT, FARMER_MIN, FARMER_MAX, ROUNDING_QUANTUM, ROUNDING_MODE,
    MAX_BACK_MONTHS, MAX_PREPAY_MONTHS, ARREARS_WARN_MONTHS, ARREARS_FLAG_MONTHS, LARGE_VOLUNTARY,
]

# Rounding modes a deployment may choose (names of the decimal module's constants).
ROUNDING_CHOICES = (("ROUND_HALF_UP", "四舍五入"), ("ROUND_DOWN", "舍去"), ("ROUND_UP", "进位"),
                    ("ROUND_HALF_EVEN", "四舍六入五成双（银行家舍入）"))
ROUNDING_MODES = tuple(mode for mode, _ in ROUNDING_CHOICES)

register(
    Rule(EMPLOYED_BRACKETS, "在职党员交纳比例（按税后月工资收入分档，上限含本数）",
         [["3000", "0.005"], ["5000", "0.01"], ["10000", "0.015"], [None, "0.02"]], DUES_RULES, "第二条",
         RuleStatus.CENTRAL,
         "3000元以下（含）0.5%，3000元以上至5000元（含）1%，5000元以上至10000元（含）1.5%，10000元以上2%；"
         "按所在档的比例对全部基数计算"),
    Rule(RETIRED_BRACKETS, "离退休党员交纳比例（按离退休费或养老金总额分档）", [["5000", "0.005"], [None, "0.01"]],
         DUES_RULES, "第五条", RuleStatus.CENTRAL,
         "5000元以下（含）0.5%，5000元以上1%。基数为实际领取的离退休费总额或养老金总额（另有口径为基本离退休费，待核实）"),
    Rule(FIXED_AMOUNT, "学生、下岗失业、依靠抚恤或救济生活、领取最低生活保障金的党员每月交纳（元）", "0.20",
         DUES_RULES, "第六条", RuleStatus.CENTRAL),
    Rule(FARMER_MIN, "农民党员每月交纳下限（元）", "0.20", DUES_RULES, "第六条", RuleStatus.CENTRAL,
         "农民党员每月交纳党费0.2元-1元"),
    Rule(FARMER_MAX, "农民党员每月交纳上限（元）", "1.00", DUES_RULES, "第六条", RuleStatus.CENTRAL,
         "农民党员每月交纳党费0.2元-1元"),
    Rule(ROUNDING_QUANTUM, "应交党费计算精确到（元）", "0.01", LOCAL, "", RuleStatus.LOCAL,
         "规定未明确取整方式；默认精确到分"),
    Rule(ROUNDING_MODE, "应交党费取整方式", "ROUND_HALF_UP", LOCAL, "", RuleStatus.LOCAL, "规定未明确取整方式；默认四舍五入",
         choices=ROUNDING_CHOICES),
    Rule(MAX_BACK_MONTHS, "补交党费的时间不超过（月）", 6, DUES_RULES, "条款号待核实", RuleStatus.PARTIAL,
         "补交党费的时间一般不得超过6个月"),
    Rule(MAX_PREPAY_MONTHS, "预交党费的时间不超过（月）", 6, DUES_RULES, "条款号待核实", RuleStatus.PARTIAL,
         "经党支部同意，可以预交或补交党费，但预交或补交党费的时间一般不得超过6个月"),
    Rule(ARREARS_WARN_MONTHS, "连续未交党费多少个月时提醒", 3, LOCAL, "", RuleStatus.LOCAL,
         "提前提醒支部督促交纳，本单位做法", unit="个月"),
    Rule(ARREARS_FLAG_MONTHS, "连续未交党费多少个月时标记（按自行脱党处理的风险，由支部研究处理）", 6, DUES_RULES,
         "条款号待核实", RuleStatus.PARTIAL, "对无正当理由，连续6个月不交纳党费的，按自行脱党处理", unit="个月"),
    Rule(LARGE_VOLUNTARY, "自愿一次多交党费达到多少元时全部上缴中央", "1000", DUES_RULES, "第十一条",
         RuleStatus.CENTRAL, "党员自愿多交党费不限。自愿一次多交纳1000元以上的党费，全部上缴中央", unit="元"),
)
