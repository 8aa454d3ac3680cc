"""The plan of the demo org tree: which 党组织 exist, where, and how many members each 党支部 gets.

The plan is made in memory (at most a few hundred thousand small objects) before anything is written, so
that treebeard paths, `numchild` and member counts are known up front and the loader can insert level by
level in batches. Two shapes:

* the default: one realistic ministry organ (国家示范部机关党委) with 8 second-level bodies — 司局 党总支,
  事业单位 党委 and the 离退休干部党委 — about 80 党支部, 党小组 in the larger branches, a 临时党支部 and a
  联合党支部. `--orgs N` below ~400 scales the number of branches of that organ.
* benchmark scale (`--orgs` of a few hundred and up): the same organ plus 31 provincial bodies of a vertically
  managed system under the root (北京市示范局党委 …), each with 处室 党总支, 分局 党委, 事业单位 党委 and a
  离退休干部党委, their branches and 党小组 — so each province is a realistic 1/31 subtree.

Every 党小组 sits under a 党支部, every member in a 党支部, and names are unique among siblings.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from dangjian.lib.demo.numerals import chinese
from dangjian.lib.demo.regions import PROVINCES, Province
from dangjian.orgs.models import OrgKind, UnitCategory

ROOT_NAME = "国家示范部机关党委"
MINISTRY = "国家示范部"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEPLEN = 4
# Below this many orgs the organ alone is scaled; from here on the 31 provinces are added.
PROVINCE_THRESHOLD = 400
MIN_ORGS = 20


@dataclass(eq=False)
class OrgSpec:
    """One planned 党组织; `pk` is filled in by the loader once the row exists."""

    name: str
    kind: str
    unit_category: str
    unit: str  # 工作单位 shown on its members' records
    founded_on: dt.date
    weight: float = 0.0  # branches: relative size
    members: int = 0  # branches: how many members to generate
    province: Province | None = None  # None: the ministry in Beijing
    former_units: tuple[str, ...] = ()  # retiree branches: where their members used to work
    doc_no: str = ""
    short_name: str = ""
    is_temporary: bool = False
    temporary_task: str = ""
    temporary_start: dt.date | None = None
    temporary_end: dt.date | None = None
    is_joint: bool = False
    joint_units: str = ""
    children: list[OrgSpec] = field(default_factory=list)
    parent: OrgSpec | None = None
    path: str = ""
    depth: int = 0
    sort_order: int = 0
    pk: int | None = None

    def add(self, child: OrgSpec) -> OrgSpec:
        child.parent = self
        self.children.append(child)
        return child


@dataclass
class Plan:
    roots: list[OrgSpec]
    # The branch the demo users work in (支部书记, 组织委员, 党员) and the 党总支 the 上级查看 user sees.
    demo_branch: OrgSpec
    demo_general_branch: OrgSpec

    def walk(self) -> Iterator[OrgSpec]:
        """Every org in path order (depth first)."""
        stack = list(reversed(self.roots))
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    def by_depth(self) -> list[list[OrgSpec]]:
        levels: list[list[OrgSpec]] = []
        for node in self.walk():
            while len(levels) < node.depth:
                levels.append([])
            levels[node.depth - 1].append(node)
        return levels

    def branches(self) -> list[OrgSpec]:
        return [n for n in self.walk() if n.kind == OrgKind.BRANCH]

    @property
    def org_count(self) -> int:
        return sum(1 for _ in self.walk())

    @property
    def member_count(self) -> int:
        return sum(n.members for n in self.walk())


# --- The ministry organ ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class UnitTemplate:
    name: str
    kind: str
    category: str
    unit: str
    offices: tuple[str, ...]  # branch names without 党支部, in order; the first `default` are used by default
    weight: float  # relative size of its branches


_RETIREE_OFFICES = tuple(f"离退休第{chinese(i)}" for i in range(1, 20))

ORGAN_UNITS: tuple[UnitTemplate, ...] = (
    UnitTemplate("办公厅党总支", OrgKind.GENERAL_BRANCH, UnitCategory.ORGAN, "办公厅",
                 ("秘书处", "综合处", "督查室", "机要处", "新闻宣传处", "信访处", "保密处", "值班室"), 1.0),
    UnitTemplate("政策法规司党总支", OrgKind.GENERAL_BRANCH, UnitCategory.ORGAN, "政策法规司",
                 ("综合处", "政策研究处", "法规一处", "法规二处", "行政复议处", "执法监督处"), 0.9),
    UnitTemplate("规划财务司党总支", OrgKind.GENERAL_BRANCH, UnitCategory.ORGAN, "规划财务司",
                 ("综合处", "发展规划处", "预算处", "财务处", "资产管理处", "审计处", "统计处"), 0.9),
    UnitTemplate("人事司党总支", OrgKind.GENERAL_BRANCH, UnitCategory.ORGAN, "人事司",
                 ("综合处", "干部一处", "干部二处", "人才工作处", "机构编制处", "教育培训处"), 0.9),
    UnitTemplate("科技司党总支", OrgKind.GENERAL_BRANCH, UnitCategory.ORGAN, "科技司",
                 ("综合处", "科研管理处", "标准化处", "成果转化处", "国际合作处", "质量监督处", "信息化处"), 0.9),
    UnitTemplate("机关服务中心党委", OrgKind.COMMITTEE, UnitCategory.INSTITUTION, "机关服务中心",
                 ("综合办公室", "财务处", "物业管理处", "餐饮服务处", "车辆管理处", "房产管理处", "医务室",
                  "会议服务处", "后勤保障第一", "后勤保障第二", "后勤保障第三", "基建处"), 1.2),
    UnitTemplate("信息中心党委", OrgKind.COMMITTEE, UnitCategory.INSTITUTION, "信息中心",
                 ("综合处", "网络安全处", "应用开发一处", "应用开发二处", "数据资源处", "运行维护处", "技术研究处",
                  "信息服务处", "标准规范处", "项目管理处"), 1.1),
    UnitTemplate("离退休干部党委", OrgKind.COMMITTEE, UnitCategory.RETIRED, "离退休干部局",
                 ("离退休干部局机关", *_RETIREE_OFFICES), 1.4),
)
# Where retirees of the organ used to work (their 工作单位 on the roll).
FORMER_UNITS = tuple(MINISTRY + u for u in (*(t.unit for t in ORGAN_UNITS[:7]), "机关党委", "离退休干部局"))
JOINT_NAME = "机关党委办公室联合党支部"
JOINT_UNITS = ("机关党委办公室", "机关纪委办公室", "机关工会")
TEMPORARY_NAME = "定点帮扶工作队临时党支部"
# Root, 8 second-level bodies, the joint and the temporary branch.
ORGAN_FIXED = 1 + len(ORGAN_UNITS) + 2


def _office_name(template: UnitTemplate, i: int) -> str:
    """Name of the i-th (0-based) branch of a unit: its offices first, then ordinals that do not clash."""
    if i < len(template.offices):
        return template.offices[i] + "党支部"
    n = i + 1
    if template.category == UnitCategory.RETIRED:
        return f"离退休第{chinese(n)}党支部"
    return f"第{chinese(n)}党支部"


def _later(rng: random.Random, start: dt.date, today: dt.date, max_days: int) -> dt.date:
    """A date between `start` and min(start + max_days, today)."""
    span = max(0, min(max_days, (today - start).days))
    return start + dt.timedelta(days=rng.randint(0, span))


def _doc(rng: random.Random, prefix: str, day: dt.date) -> str:
    return f"{prefix}〔{day.year}〕{rng.randint(1, 80)}号"


def _organ(rng: random.Random, today: dt.date, branch_counts: list[int]) -> tuple[OrgSpec, OrgSpec, OrgSpec]:
    founded = dt.date(1988, 6, 28)
    root = OrgSpec(ROOT_NAME, OrgKind.COMMITTEE, UnitCategory.ORGAN, MINISTRY, founded, doc_no="示部党〔1988〕15号",
                   short_name="机关党委")
    demo_branch: OrgSpec | None = None
    demo_general: OrgSpec | None = None
    for template, count in zip(ORGAN_UNITS, branch_counts, strict=True):
        day = _later(rng, dt.date(1992, 1, 1), today, 6000)
        unit = root.add(OrgSpec(template.name, template.kind, template.category, template.unit, day,
                                doc_no=_doc(rng, "示部机党", day), short_name=template.unit))
        for i in range(count):
            bday = _later(rng, day, today, 4000)
            category = template.category
            if category == UnitCategory.RETIRED and i == 0:
                category = UnitCategory.ORGAN  # the 离退休干部局's own staff are in work
            branch = unit.add(OrgSpec(
                _office_name(template, i), OrgKind.BRANCH, category,
                MINISTRY + template.unit, bday, doc_no=_doc(rng, "示部机党", bday),
                weight=(template.weight if category == template.category else 0.8) * rng.uniform(0.6, 1.4),
                former_units=FORMER_UNITS if category == UnitCategory.RETIRED else (),
            ))
            if demo_branch is None:
                demo_branch, demo_general = branch, unit
    day = _later(rng, dt.date(2015, 1, 1), today, 3000)
    root.add(OrgSpec(JOINT_NAME, OrgKind.BRANCH, UnitCategory.ORGAN, MINISTRY + "机关党委", day,
                     doc_no=_doc(rng, "示部机党", day), weight=0.5 * rng.uniform(0.8, 1.2),
                     is_joint=True, joint_units="\n".join(JOINT_UNITS)))
    start = today - dt.timedelta(days=430)
    # A 临时党组织 holds no members' 组织关系: they stay in their own branches.
    root.add(OrgSpec(TEMPORARY_NAME, OrgKind.BRANCH, UnitCategory.ORGAN, MINISTRY, start,
                     doc_no=_doc(rng, "示部机党", start), is_temporary=True,
                     temporary_task="选派干部在定点帮扶县驻村开展帮扶工作", temporary_start=start,
                     temporary_end=today + dt.timedelta(days=300)))
    assert demo_branch is not None and demo_general is not None
    return root, demo_branch, demo_general


def organ_branch_counts(total_orgs: int | None) -> list[int]:
    """Branches per second-level body: the realistic default, or scaled so the organ has about `total_orgs`."""
    defaults = [len(t.offices) if t.category != UnitCategory.RETIRED else 20 for t in ORGAN_UNITS]
    if total_orgs is None:
        return defaults
    # About one org in five is a 党小组; the rest of the budget goes to branches.
    target = max(len(ORGAN_UNITS), round((total_orgs - ORGAN_FIXED) * 0.8))
    scale = target / sum(defaults)
    counts = [max(1, round(d * scale)) for d in defaults]
    while sum(counts) > target and max(counts) > 1:
        counts[counts.index(max(counts))] -= 1
    while sum(counts) < target:
        counts[counts.index(min(counts))] += 1
    return counts


# --- The 31 provinces --------------------------------------------------------------------------------------

_PROVINCE_OFFICES = ("办公室", "政策法规处", "人事处", "财务处", "督查处", "综合业务处", "科技处", "宣传教育处", "审计处",
                     "信访处")
_BUREAU_OFFICES = ("办公室", "综合科", "业务一科", "业务二科", "业务三科", "监督科")
_INSTITUTIONS = ("信息中心", "培训中心", "服务中心", "研究所", "档案馆", "宣传中心")
_INSTITUTION_OFFICES = ("综合部", "技术部", "业务部", "服务部")


def _split(total: int, weights: list[float]) -> list[int]:
    """`total` split in proportion to `weights` by largest remainder (deterministic, sums exactly)."""
    if not weights:
        return []
    wsum = sum(weights)
    if wsum <= 0:
        return [0] * len(weights)
    quotas = [total * w / wsum for w in weights]
    counts = [int(q) for q in quotas]
    order = sorted(range(len(weights)), key=lambda i: (-(quotas[i] - counts[i]), i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _province(rng: random.Random, today: dt.date, prov: Province, budget: int) -> OrgSpec:
    """One provincial body of about `budget` orgs: 处室 党总支, 分局 党委, 事业单位 党委, 离退休干部党委."""
    bureau_name = f"{prov.name}示范局"
    day = _later(rng, dt.date(1992, 1, 1), today, 3000)
    top = OrgSpec(f"{bureau_name}党委", OrgKind.COMMITTEE, UnitCategory.ORGAN, bureau_name, day,
                  doc_no=_doc(rng, "示部党", day), province=prov, short_name=prov.short)
    prefix = f"{prov.short}示党"
    rest = budget - 1
    if rest < 3:
        units = 0
        branches = max(1, rest)
    else:
        units = max(1, round(rest / 40))
        branches = max(units, round((rest - units) / 1.65))
    # (name, kind, category, work unit, office names, weight)
    layout: list[tuple[str, str, str, str, tuple[str, ...], float]] = []
    if units:
        n_retired = 1 if units >= 4 else 0
        n_inst = units // 10
        n_office = max(1, units // 4)
        n_bureau = units - n_retired - n_inst - n_office
        for i in range(1, n_office + 1):
            layout.append((f"机关第{chinese(i)}党总支", OrgKind.GENERAL_BRANCH, UnitCategory.ORGAN, bureau_name,
                           _PROVINCE_OFFICES, 0.6))
        for i in range(1, n_bureau + 1):
            layout.append((f"第{chinese(i)}分局党委", OrgKind.COMMITTEE, UnitCategory.ORGAN,
                           f"{bureau_name}第{chinese(i)}分局", _BUREAU_OFFICES, 1.5))
        for i in range(n_inst):
            inst = _INSTITUTIONS[i % len(_INSTITUTIONS)]
            if i >= len(_INSTITUTIONS):
                inst = f"第{chinese(i // len(_INSTITUTIONS) + 1)}{inst}"
            layout.append((f"{inst}党委", OrgKind.COMMITTEE, UnitCategory.INSTITUTION, bureau_name + inst,
                           _INSTITUTION_OFFICES, 1.0))
        if n_retired:
            layout.append(("离退休干部党委", OrgKind.COMMITTEE, UnitCategory.RETIRED, bureau_name, (), 1.2))
        per_unit = _split(branches - len(layout), [w for *_x, w in layout])
        parents: list[tuple[OrgSpec, tuple[str, ...], float, int]] = []
        for (name, kind, category, unit, offices, weight), extra in zip(layout, per_unit, strict=True):
            uday = _later(rng, day, today, 4000)
            node = top.add(OrgSpec(name, kind, category, unit, uday, doc_no=_doc(rng, prefix, uday), province=prov))
            parents.append((node, offices, weight, 1 + extra))
    else:
        parents = [(top, _PROVINCE_OFFICES, 0.8, branches)]
    for node, offices, weight, count in parents:
        for i in range(count):
            if node.unit_category == UnitCategory.RETIRED:
                name = f"离退休第{chinese(i + 1)}党支部"
            elif i < len(offices):
                name = offices[i] + "党支部"
            else:
                name = f"第{chinese(i + 1)}党支部"
            unit = node.unit + offices[i] if node.kind == OrgKind.GENERAL_BRANCH and i < len(offices) else node.unit
            bday = _later(rng, node.founded_on, today, 5000)
            node.add(OrgSpec(name, OrgKind.BRANCH, node.unit_category, unit, bday, doc_no=_doc(rng, prefix, bday),
                             weight=weight * rng.uniform(0.6, 1.4), province=prov,
                             former_units=(bureau_name,) if node.unit_category == UnitCategory.RETIRED else ()))
    return top


# --- Putting it together ----------------------------------------------------------------------------------

def _assign_groups(rng: random.Random, today: dt.date, branches: list[OrgSpec], groups: int | None) -> None:
    """党小组 in the larger branches: by size when `groups` is None, else exactly `groups` of them."""
    if groups is None:
        plan = {id(b): (0 if b.members < 36 else 2 if b.members < 46 else 3) for b in branches}
    else:
        plan = {id(b): 0 for b in branches}
        eligible = [b for b in branches if not b.is_temporary] or branches
        order = sorted(eligible, key=lambda b: -b.members)
        left = groups
        for b in order:  # first pass: 2–4 groups in the biggest branches
            if left < 2:
                break
            k = min(left, 4, max(2, b.members // 12))
            plan[id(b)] = k
            left -= k
        # What remains goes round the branches that already have groups (or to the biggest one).
        holders = [b for b in order if plan[id(b)]] or order[:1]
        for i in range(left):
            plan[id(holders[i % len(holders)])] += 1
    for b in branches:
        for j in range(plan[id(b)]):
            gday = _later(rng, b.founded_on, today, 2000)
            b.add(OrgSpec(f"第{chinese(j + 1)}党小组", OrgKind.GROUP, b.unit_category, b.unit, gday,
                          province=b.province, former_units=b.former_units))


def _assign_paths(roots: list[OrgSpec]) -> None:
    def step(i: int) -> str:
        digits = ""
        while i:
            i, r = divmod(i, len(ALPHABET))
            digits = ALPHABET[r] + digits
        return digits.rjust(STEPLEN, "0")

    stack: list[tuple[OrgSpec, str, int, int]] = [(r, "", 1, i + 1) for i, r in enumerate(roots)]
    while stack:
        node, parent_path, depth, position = stack.pop()
        node.path = parent_path + step(position)
        node.depth = depth
        node.sort_order = position
        stack.extend((c, node.path, depth + 1, i + 1) for i, c in enumerate(node.children))


def build_plan(*, seed: int, today: dt.date, orgs: int | None, members: int) -> Plan:
    """The whole tree for `orgs` organizations (None: the realistic default) and `members` members."""
    if orgs is not None and orgs < MIN_ORGS:
        raise ValueError(f"党组织数量至少为{MIN_ORGS}")
    rng = random.Random(seed)  # nosec B311 # seeded generator for reproducible demo data, not a secret
    large = orgs is not None and orgs >= PROVINCE_THRESHOLD
    root, demo_branch, demo_general = _organ(rng, today, organ_branch_counts(None if large else orgs))
    if large:
        assert orgs is not None
        organ_size = ORGAN_FIXED + sum(organ_branch_counts(None)) + 17  # about 17 党小组 in the organ
        budgets = _split(orgs - organ_size, [1.0] * len(PROVINCES))
        for prov, budget in zip(PROVINCES, budgets, strict=True):
            root.add(_province(rng, today, prov, budget))
    plan = Plan([root], demo_branch, demo_general)
    branches = plan.branches()
    for b, n in zip(branches, _split(members, [b.weight for b in branches]), strict=True):
        b.members = n
    if orgs is None:
        _assign_groups(rng, today, branches, None)
    elif large:
        # Each subtree (the organ, each province) gets exactly its share of 党小组.
        organ_branches = [b for b in branches if b.province is None]
        _assign_groups(rng, today, organ_branches, organ_size - sum(1 for n in _walk(root) if n.province is None))
        for top in root.children:
            if top.province is not None:
                mine = [n for n in _walk(top) if n.kind == OrgKind.BRANCH]
                budget = budgets[PROVINCES.index(top.province)]
                _assign_groups(rng, today, mine, max(0, budget - sum(1 for _ in _walk(top))))
    else:
        _assign_groups(rng, today, branches, max(0, orgs - plan.org_count))
    _assign_paths(plan.roots)
    return plan


def _walk(node: OrgSpec) -> Iterator[OrgSpec]:
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(n.children))
