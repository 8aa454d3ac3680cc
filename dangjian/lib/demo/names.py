"""Plausible Chinese personal names: common surnames by frequency, era-typical given names.

Frequencies are rounded shares (per cent) of the most common surnames in national statistics; the
tail includes 多音字 surnames (曾, 单, 解, 仇 …) and compound surnames (欧阳, 司马 …) because the
pinyin sort and search must handle them, so the demo data should exercise them.
"""

from __future__ import annotations

import bisect
import itertools
import random

_SURNAME_TABLE = """
王7.12 李7.00 张6.74 刘5.10 陈4.61 杨3.22 黄2.45 赵2.29 吴2.05 周1.91 徐1.60 孙1.51 马1.47 朱1.33 胡1.31
郭1.18 何1.17 林1.05 高1.05 罗0.98 郑0.86 梁0.85 谢0.79 宋0.73 唐0.73 许0.69 韩0.66 冯0.65 邓0.64 曹0.61
彭0.58 曾0.56 肖0.55 田0.54 董0.52 袁0.50 潘0.50 于0.49 蒋0.48 蔡0.47 余0.46 杜0.45 叶0.45 程0.44 苏0.42
魏0.41 吕0.40 丁0.39 任0.38 沈0.37 姚0.36 卢0.35 姜0.34 崔0.33 钟0.32 谭0.31 陆0.30 汪0.30 范0.29 金0.28
石0.28 廖0.27 贾0.27 夏0.26 韦0.26 付0.25 方0.25 白0.24 邹0.24 孟0.23 熊0.23 秦0.22 邱0.22 江0.22 尹0.21
薛0.21 闫0.20 段0.20 雷0.19 侯0.19 龙0.18 史0.18 陶0.17 黎0.17 贺0.17 顾0.16 毛0.16 郝0.16 龚0.15 邵0.15
万0.14 钱0.14 严0.14 覃0.13 武0.13 戴0.13 莫0.12 孔0.12 向0.12 汤0.11 常0.11 温0.10 康0.10 施0.10 文0.10
牛0.10 樊0.09 葛0.09 邢0.09 安0.08 齐0.08 易0.08 乔0.08 伍0.08 庞0.08 颜0.08 倪0.07 庄0.07 聂0.07 章0.07
翟0.06 单0.05 解0.04 仇0.03 查0.03 乐0.03 缪0.03 朴0.03 区0.02 盖0.02 尉0.01 华0.05 纪0.05 燕0.03 柏0.02
欧阳0.02 司马0.006 上官0.005 诸葛0.005 司徒0.005 皇甫0.004 令狐0.003 东方0.003 尉迟0.002 长孙0.002
慕容0.002 夏侯0.002 端木0.002 公孙0.002
"""


def _parse_surnames(table: str) -> tuple[list[str], list[float]]:
    names: list[str] = []
    weights: list[float] = []
    for token in table.split():
        i = next(i for i, ch in enumerate(token) if ch.isdigit())
        names.append(token[:i])
        weights.append(float(token[i:]))
    return names, weights


SURNAMES, _SURNAME_WEIGHTS = _parse_surnames(_SURNAME_TABLE)
_SURNAME_CUM = list(itertools.accumulate(_SURNAME_WEIGHTS))

def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Characters of given names; common ones first (they are drawn with a mild bias towards the front).
MALE_CHARS = (
    "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆旭宁龙林峰建国文志海东亮晨博振兵宏庆光德忠永成新武清"
    "义兴良江山仁彬锋坤晓阳鸣毅琦睿哲轩然铭瑞泽航昊天子梓立春松柏源达庭卫民安长学祥胜利福贵荣生"
)
FEMALE_CHARS = (
    "芳娜敏静丽艳娟霞秀玲桂英燕萍红婷雪琳晶颖倩慧璐莉梅兰凤洁琴云莹欣悦佳怡丹瑶蕾薇婧萱雯琪涵诗梦思月彤"
    "嘉妍琼华晓春淑珍爱玉翠宁冰青蓉茜露曼若可岚媛"
)
# Two-character given names typical of people born before the mid-1960s.
OLD_MALE_NAMES = _words(
    "建国 建华 建军 建平 国庆 国强 国华 卫东 卫国 卫民 志强 志刚 志明 振华 振国 德明 德华 永胜 永红 红兵 "
    "解放 援朝 胜利 保国 学军 文革 向阳 爱民 立新 跃进 长江 新民 金山 洪涛 世杰 宝山 福林 庆丰"
)
OLD_FEMALE_NAMES = _words(
    "秀英 桂英 秀兰 桂兰 玉兰 淑珍 淑兰 凤英 玉珍 丽华 秀珍 桂芳 玉梅 淑芬 凤兰 秀云 桂珍 素琴 淑英 美兰 "
    "红梅 爱华 建英 国英 秀梅 玉芳 翠兰 淑华 春花 冬梅 秋菊 彩霞 丽君 慧敏 小红 卫红"
)


def surname(rng: random.Random) -> str:
    return SURNAMES[bisect.bisect_left(_SURNAME_CUM, rng.random() * _SURNAME_CUM[-1])]


def _char(rng: random.Random, pool: str) -> str:
    # Square of a uniform number: earlier (more common) characters are drawn more often.
    return pool[int(len(pool) * rng.random() ** 1.6)]


def given_name(rng: random.Random, male: bool, birth_year: int) -> str:
    """One- or two-character given name; older cohorts get era-typical names more often."""
    if birth_year < 1965 and rng.random() < 0.45:
        return rng.choice(OLD_MALE_NAMES if male else OLD_FEMALE_NAMES)
    pool = MALE_CHARS if male else FEMALE_CHARS
    single_share = 0.18 if birth_year < 1975 else 0.28
    if rng.random() < single_share:
        return _char(rng, pool)
    first = _char(rng, pool)
    if not male and rng.random() < 0.04:
        return first + first  # 婷婷, 丹丹
    second = _char(rng, pool)
    while second == first:
        second = _char(rng, pool)
    return first + second


def full_name(rng: random.Random, male: bool, birth_year: int) -> str:
    return surname(rng) + given_name(rng, male, birth_year)
