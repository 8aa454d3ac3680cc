"""The reminder job: `generate(today)` computes every reminder that should be open now and brings the table in line.

Idempotent and safe on two nodes at once (architecture.md, background work): rows are written with
`bulk_create(ignore_conflicts=True)` under the unique (user, key) constraint, so a second run — or a concurrent
one — inserts nothing twice; open reminders whose key this run did not produce are closed with one UPDATE.

Set-based (architecture.md, pattern 5): each source is ONE query over all orgs (never one per org or per user);
the rows are then handed to users in Python by path prefix, with a binary search over the sorted org paths.

Who gets what:
- The reminders of an org go to the users who can change it: 支部书记, 组织委员 and 党务管理员 whose change roots
  cover the org's path (the same roots `dangjian.accounts.roles.build_scope` gives them, computed here for all
  users in one query instead of one per user). A 上级查看 changes nothing and gets nothing.
- A user linked to a 党员 record gets their own 政治生日 in its month, and nothing else about their branch.
- The 三员 hold no business data (SEC-25) and get nothing, even when a business role was also recorded.
- More than `reminders.summary_threshold` reminders of one kind (and, for meetings, one meeting kind and period)
  become one summary for that user, keyed by kind and period so it stays the same row while the period lasts.

A reminder the user dismissed keeps its row, so the job does not raise the same key again. Keys therefore name
the episode: the period of a meeting obligation, the 届 and its due date, the end of the last secretary's
holding, the month of a 政治生日, the 入党 date of a 预备党员.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from dangjian.accounts.models import RoleAssignment
from dangjian.accounts.roles import CHANGE_ROLES, ORG_ROLES, SYSTEM_ROLES
from dangjian.core import rules as rule_registry
from dangjian.core.scoping import collapse_roots, path_upper_bound
from dangjian.leadership import rules as leadership
from dangjian.leadership import rules as org_rules
from dangjian.leadership.models import Post, PostHolding, Term
from dangjian.lib.dates import add_years
from dangjian.members.choices import MemberState, PartyStatus
from dangjian.members.models import Member
from dangjian.members.validation import PROBATION_YEARS
from dangjian.orglife import compliance
from dangjian.orglife.choices import MeetingKind, MeetingStatus
from dangjian.orglife.models import Meeting, MeetingKindTag
from dangjian.orgs.models import Organization, OrgKind, OrgStatus
from dangjian.reminders import rules
from dangjian.reminders.models import Reminder, ReminderKind

K = ReminderKind
BATCH = 500
PERIOD_WORD = {compliance.MONTH: "本月", compliance.QUARTER: "本季度", compliance.YEAR: "今年"}


def cn(day: dt.date) -> str:
    """2025年4月30日, as `cndate` shows it on the pages."""
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(frozen=True)
class Group:
    """What a user's reminders of one group turn into when there are too many: one summary row."""

    kind: str
    key: str
    title: str  # with "{n}" for the number of items
    url: str


@dataclass(frozen=True)
class Item:
    """One reminder as this run computes it, before it is handed to users."""

    kind: str
    key: str
    title: str
    url: str
    group: Group
    due_on: dt.date | None = None
    org_id: int | None = None


@dataclass
class Result:
    """What a run did: open reminders per kind after the run (summaries count once), rows inserted (at most —
    conflicts with existing rows are ignored), rows closed."""

    counts: dict[str, int] = field(default_factory=dict)
    inserted: int = 0
    resolved: int = 0


# --- sources: one query each over all orgs --------------------------------------------------------------------


def meeting_items(today: dt.date, config: compliance.Config) -> list[tuple[str, Item]]:
    """DUE_SOON in the current period and OVERDUE in the period just ended, for every obligation of every active
    branch and group. Two queries: the orgs (with whether they have a committee), and one GROUP BY over the
    kind tags bucketed by (kind, current/previous period). Statuses come from compliance.status_for."""
    cells: list[tuple[str, str, compliance.Period]] = []  # (meeting kind, "cur"/"prev", period)
    for kind in compliance.KINDS:
        current = compliance.period_containing(config.periods[kind], today)
        previous = compliance.period_containing(config.periods[kind], current.start - dt.timedelta(days=1))
        cells += [(kind, "cur", current), (kind, "prev", previous)]
    orgs = list(
        Organization.objects.filter(status=OrgStatus.ACTIVE, kind__in=[OrgKind.BRANCH, OrgKind.GROUP])
        .annotate(has_committee=compliance.has_committee_q(today))
        .values("id", "path", "name", "kind", "founded_on", "dissolved_on", "has_committee")
    )
    tags = MeetingKindTag.objects.filter(
        Q(*[Q(kind=k, held_on__gte=p.start, held_on__lte=p.end) for k, _, p in cells], _connector=Q.OR)
    )
    if config.submitted_only:
        tags = tags.filter(submitted=True)
    bucket = Case(*[When(kind=k, held_on__gte=p.start, held_on__lte=p.end, then=Value(i))
                    for i, (k, _, p) in enumerate(cells)], default=Value(None), output_field=IntegerField())
    done: dict[tuple[int, int], int] = {
        (r["org_id"], r["cell"]): r["n"]
        for r in tags.annotate(cell=bucket).values("org_id", "cell").annotate(n=Count("id")).order_by()
    }
    create_url = reverse("orglife:create")
    matrix_url = reverse("orglife:compliance")
    groups: dict[tuple[str, int], Group] = {}
    items: list[tuple[str, Item]] = []
    for org in orgs:
        for i, (kind, which, period) in enumerate(cells):
            if not compliance.rule_applies(kind, org["kind"], org["has_committee"]):
                continue
            status = compliance.status_for(
                period, today, done.get((org["id"], i), 0), 1, org["founded_on"], org["dissolved_on"],
                config.due_soon_days, config.due_soon_from(kind, period),
            )
            label = MeetingKind(kind).label
            if which == "cur" and status == compliance.Status.DUE_SOON:
                rkind, title = K.MEETING_DUE_SOON, f"{org['name']}{period.label}的{label}尚未召开，{cn(period.end)}到期"
                summary = f"{PERIOD_WORD[period.kind]}有{{n}}个{OrgKind(org['kind']).label}即将到期未召开{label}"
            elif which == "prev" and status == compliance.Status.OVERDUE:
                rkind, title = K.MEETING_OVERDUE, f"{org['name']}{period.label}的{label}逾期未召开"
                summary = f"{period.label}有{{n}}个{OrgKind(org['kind']).label}逾期未召开{label}"
            else:
                continue
            group = groups.setdefault((rkind, i), Group(
                rkind, f"{rkind}:summary:{kind}:{period.key}", summary, f"{matrix_url}?year={period.end.year}"))
            items.append((org["path"], Item(
                rkind, f"{rkind}:{org['id']}:{kind}:{period.key}", title, f"{create_url}?org={org['id']}", group,
                period.end, org["id"],
            )))
    return items


def term_items(today: dt.date, reminder_months: int) -> list[tuple[str, Item]]:
    """Open 届 of active orgs due within the reminder window (换届即将到期) or past due (换届逾期): one query.
    The window is leadership.due_soon_limit, the SQL form of the board's term_state."""
    limit = leadership.due_soon_limit(today, reminder_months)
    rows = (
        Term.objects.filter(closed_on__isnull=True, org__status=OrgStatus.ACTIVE,
                            org__kind__in=list(org_rules.TERM_YEARS_BY_KIND))
        .annotate(due=Coalesce("adjusted_end", "planned_end")).filter(due__lte=limit)
        .values("id", "number", "due", "org_id", "org__path", "org__name")
    )
    board = reverse("orgs:leadership_board")
    due_group = Group(K.TERM_DUE, f"{K.TERM_DUE}:summary", f"有{{n}}个党组织任期将在{reminder_months}个月内届满，请督促做好换届准备",
                      f"{board}?tab={leadership.TermState.DUE_SOON.value}")
    late_group = Group(K.TERM_OVERDUE, f"{K.TERM_OVERDUE}:summary", "有{n}个党组织任期已届满、尚未换届",
                       f"{board}?tab={leadership.TermState.OVERDUE.value}")
    items = []
    for r in rows:
        state = leadership.term_state(r["due"], None, today, reminder_months)
        name, number, due = r["org__name"], r["number"], r["due"]
        url = reverse("orgs:leadership_org", args=[r["org_id"]])
        if state == leadership.TermState.OVERDUE:
            item = Item(K.TERM_OVERDUE, f"{K.TERM_OVERDUE}:{r['org_id']}:{r['id']}:{due.isoformat()}",
                        f"{name}第{number}届任期已于{cn(due)}届满，尚未换届", url, late_group, due, r["org_id"])
        elif state == leadership.TermState.DUE_SOON:
            item = Item(K.TERM_DUE, f"{K.TERM_DUE}:{r['org_id']}:{r['id']}:{due.isoformat()}",
                        f"{name}第{number}届任期将于{cn(due)}届满，请做好换届准备", url, due_group, due, r["org_id"])
        else:
            continue
        items.append((r["org__path"], item))
    return items


def vacancy_items(today: dt.date) -> list[tuple[str, Item]]:
    """Active 党委, 党总支 and 党支部 with no 书记 in office today (leadership.vacancies' 书记空缺): one query with
    NOT EXISTS. The key carries the day the last secretary left, so a later vacancy is a new reminder."""
    secretaries = PostHolding.objects.filter(org_id=OuterRef("pk"), post=Post.SECRETARY)
    rows = (
        Organization.objects.filter(status=OrgStatus.ACTIVE, kind__in=list(org_rules.TERM_YEARS_BY_KIND))
        .filter(Q(founded_on__isnull=True) | Q(founded_on__lte=today))
        .annotate(
            has_secretary=Exists(secretaries.filter(leadership.in_office_q(today))),
            last_left=Subquery(secretaries.filter(ends_on__lte=today).order_by("-ends_on").values("ends_on")[:1]),
        )
        .filter(has_secretary=False).values("id", "path", "name", "last_left")
    )
    group = Group(K.VACANCY, f"{K.VACANCY}:summary", "有{n}个党组织书记空缺，请及时补选",
                  reverse("orgs:leadership_board"))
    items = []
    for r in rows:
        since = r["last_left"]
        title = f"{r['name']}书记空缺" + (f"（{cn(since)}起）" if since else "") + "，请及时补选"
        items.append((r["path"], Item(
            K.VACANCY, f"{K.VACANCY}:{r['id']}:{since.isoformat() if since else 'none'}", title,
            reverse("orgs:leadership_org", args=[r["id"]]), group, None, r["id"],
        )))
    return items


def draft_items(today: dt.date, days: int) -> list[tuple[str, Item]]:
    """Meeting records still drafts more than `days` whole days after they were entered: one query. A draft
    entered on 1 April with days=3 is reminded from 5 April."""
    cutoff = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=days), dt.time.min))
    rows = (
        Meeting.objects.filter(status=MeetingStatus.DRAFT, created_at__lt=cutoff, org__status=OrgStatus.ACTIVE)
        .values("id", "title", "held_on", "org_id", "org__path", "org__name")
    )
    group = Group(K.DRAFT_UNSUBMITTED, f"{K.DRAFT_UNSUBMITTED}:summary",
                  f"有{{n}}条组织生活记录草稿超过{days}天未提交", f"{reverse('orglife:list')}?status={MeetingStatus.DRAFT}")
    return [
        (r["org__path"], Item(
            K.DRAFT_UNSUBMITTED, f"{K.DRAFT_UNSUBMITTED}:{r['id']}",
            f"{r['org__name']}{cn(r['held_on'])}的“{r['title']}”仍是草稿，请核对后提交",
            reverse("orglife:detail", args=[r["id"]]), group, r["held_on"], r["org_id"],
        ))
        for r in rows
    ]


def confirmation_items(today: dt.date, lead_days: int) -> list[tuple[str, Item]]:
    """预备党员 whose one-year probation (党章 第七条) ends within `lead_days` days or has ended: one query (with a
    day's slack for 29 February), the exact end from add_years. Members admitted through 发展党员 are left to its
    own reminders (dangjian.recruitment.reminders), which know an extended probation."""
    horizon = today + dt.timedelta(days=lead_days)
    rows = (
        Member.objects.filter(state=MemberState.ACTIVE, party_status=PartyStatus.PROBATIONARY,
                              joined_on__lte=add_years(horizon, -PROBATION_YEARS) + dt.timedelta(days=1),
                              applicant__isnull=True)
        .values("id", "name", "joined_on", "org_id", "org__path", "org__name")
    )
    group = Group(K.CONFIRMATION_DUE, f"{K.CONFIRMATION_DUE}:summary", "有{n}名预备党员预备期即将届满或已届满，请及时讨论转正",
                  f"{reverse('members:list')}?party_status={PartyStatus.PROBATIONARY}")
    items = []
    for r in rows:
        end = add_years(r["joined_on"], PROBATION_YEARS)
        if end > horizon:
            continue
        verb = "已于" if end <= today else "将于"
        items.append((r["org__path"], Item(
            K.CONFIRMATION_DUE, f"{K.CONFIRMATION_DUE}:{r['id']}:{r['joined_on'].isoformat()}",
            f"{r['org__name']}预备党员{r['name']}的预备期{verb}{cn(end)}届满，请及时讨论转正",
            reverse("members:detail", args=[r["id"]]), group, end, r["org_id"],
        )))
    return items


@dataclass(frozen=True)
class Birthday:
    member_id: int
    path: str
    manager_item: Item
    own_item: Item


def birthday_items(today: dt.date, basis: str) -> list[Birthday]:
    """Members on the roll whose 政治生日 (入党 or 转正 date, by rule) falls in today's month of an earlier year:
    one query. Each gives the managers' reminder and the member's own, under the same key."""
    if basis not in rules.BASES:
        raise ValueError(f"{rules.POLITICAL_BIRTHDAY_BASIS} must be one of {rules.BASES}, got {basis!r}")
    date_field = "joined_on" if basis == rules.BASIS_JOINED else "confirmed_on"
    word = "入党" if basis == rules.BASIS_JOINED else "转正"
    rows = (
        Member.objects.filter(state=MemberState.ACTIVE, **{f"{date_field}__month": today.month,
                                                          f"{date_field}__year__lt": today.year})
        .values("id", "name", date_field, "org_id", "org__path", "org__name")
    )
    month = f"{today:%Y-%m}"
    group = Group(K.POLITICAL_BIRTHDAY, f"{K.POLITICAL_BIRTHDAY}:summary:{month}", "本月有{n}名党员过政治生日",
                  reverse("members:list"))
    mine = reverse("members:mine")
    found = []
    for r in rows:
        basis_day: dt.date = r[date_field]
        years = today.year - basis_day.year
        day = add_years(basis_day, years)
        key = f"{K.POLITICAL_BIRTHDAY}:{r['id']}:{month}"
        found.append(Birthday(
            r["id"], r["org__path"],
            Item(K.POLITICAL_BIRTHDAY, key,
                 f"{r['org__name']}{r['name']}{day.month}月{day.day}日过第{years}个政治生日（{cn(basis_day)}{word}）",
                 reverse("members:detail", args=[r["id"]]), group, day, r["org_id"]),
            Item(K.POLITICAL_BIRTHDAY, key,
                 f"{day.month}月{day.day}日是您的第{years}个政治生日（{cn(basis_day)}{word}），不忘初心",
                 mine, group, day, r["org_id"]),
        ))
    return found


# --- users -----------------------------------------------------------------------------------------------------


@dataclass
class Recipient:
    change_roots: list[str]
    member_id: int | None


def recipients() -> dict[int, Recipient]:
    """Active users with a business role, with their change roots and linked member: one query. Anyone holding
    one of the 三员 roles is left out altogether (SEC-25), as build_scope leaves them without business scope."""
    roots: dict[int, set[str]] = defaultdict(set)
    business: set[int] = set()
    system: set[int] = set()
    members: dict[int, int | None] = {}
    for user_id, role, path, member_id in RoleAssignment.objects.filter(user__is_active=True).values_list(
        "user_id", "role", "org__path", "user__member_id"
    ):
        members[user_id] = member_id
        if role in SYSTEM_ROLES:
            system.add(user_id)
        elif role in ORG_ROLES and path is not None:
            business.add(user_id)
            if role in CHANGE_ROLES:
                roots[user_id].add(path)
    return {
        uid: Recipient(collapse_roots(roots[uid]), members[uid]) for uid in sorted(business - system)
    }


def _in_subtrees(paths: list[str], entries: list[tuple[str, Item]], roots: list[str]) -> list[Item]:
    """The entries (sorted by path, `paths` their paths) whose path lies under one of `roots`."""
    found: list[Item] = []
    for root in roots:
        lo = bisect.bisect_left(paths, root)
        upper = path_upper_bound(root)
        hi = bisect.bisect_left(paths, upper) if upper is not None else len(paths)
        found.extend(item for _path, item in entries[lo:hi])
    return found


def _with_summaries(items: list[Item], threshold: int) -> list[Item]:
    """Items of a group beyond `threshold` become one summary item for that group."""
    by_group: dict[Group, list[Item]] = defaultdict(list)
    for item in items:
        by_group[item.group].append(item)
    result: list[Item] = []
    for group, members in by_group.items():
        if len(members) <= threshold:
            result.extend(members)
            continue
        due = min((i.due_on for i in members if i.due_on is not None), default=None)
        result.append(Item(group.kind, group.key, group.title.format(n=len(members)), group.url, group, due))
    return result


# --- the job ---------------------------------------------------------------------------------------------------


def compute(today: dt.date) -> dict[int, dict[str, Item]]:
    """{user id: {key: item}}: every reminder that should be open on `today`. Read-only; a fixed number of
    queries whatever the number of orgs, members or users."""
    values = rule_registry.values([*rules.ALL_KEYS, org_rules.TERM_REMINDER_MONTHS], today)
    config = compliance.load_config(today)
    users = recipients()
    from dangjian.appraisal.reminders import appraisal_items  # imports Item from here: imported at call time
    from dangjian.dues.reminders import arrears_items
    from dangjian.learning.reminders import study_items
    from dangjian.recruitment.reminders import recruitment_items
    from dangjian.transfers.reminders import transfer_items

    entries = [
        *meeting_items(today, config),
        *term_items(today, int(values[org_rules.TERM_REMINDER_MONTHS])),
        *vacancy_items(today),
        *draft_items(today, int(values[rules.DRAFT_DAYS])),
        *confirmation_items(today, int(values[rules.CONFIRMATION_LEAD_DAYS])),
        *recruitment_items(today),
        *transfer_items(today),
        *arrears_items(today),
        *study_items(today),
        *appraisal_items(today),
    ]
    birthdays = birthday_items(today, str(values[rules.POLITICAL_BIRTHDAY_BASIS]))
    entries += [(b.path, b.manager_item) for b in birthdays]
    entries.sort(key=lambda e: e[0])
    paths = [p for p, _ in entries]
    own = {b.member_id: b.own_item for b in birthdays}
    threshold = int(values[rules.SUMMARY_THRESHOLD])
    produced: dict[int, dict[str, Item]] = {}
    for uid, user in users.items():
        items: dict[str, Item] = {}
        # Their own 政治生日 first, so the personal wording wins over the manager's for the same key.
        if user.member_id is not None and user.member_id in own:
            items[own[user.member_id].key] = own[user.member_id]
        for item in _in_subtrees(paths, entries, user.change_roots):
            items.setdefault(item.key, item)
        if items:
            produced[uid] = {i.key: i for i in _with_summaries(list(items.values()), threshold)}
    return produced


def generate(today: dt.date | None = None) -> Result:
    """Bring the reminders table in line with `today`: insert what is new (ignoring rows that already exist,
    open or dismissed), refresh the wording of open rows whose title changed (a summary's count), and close the
    open rows no longer produced. Safe to run twice, or on two nodes at the same time."""
    today = today or timezone.localdate()
    produced = compute(today)
    now = timezone.now()
    open_rows = {
        (r.user_id, r.key): r
        for r in Reminder.objects.filter(resolved_at__isnull=True).only("id", "user_id", "key", "title", "due_on", "url")
    }
    new: list[Reminder] = []
    changed: list[Reminder] = []
    counts: Counter[str] = Counter()
    for uid, items in produced.items():
        for key, item in items.items():
            counts[item.kind] += 1
            row = open_rows.get((uid, key))
            if row is None:
                new.append(Reminder(user_id=uid, kind=item.kind, key=key, org_id=item.org_id, title=item.title[:300],
                                    due_on=item.due_on, url=item.url[:300]))
            elif (row.title, row.due_on, row.url) != (item.title[:300], item.due_on, item.url[:300]):
                row.title, row.due_on, row.url = item.title[:300], item.due_on, item.url[:300]
                changed.append(row)
    stale = [r.pk for (uid, key), r in open_rows.items() if key not in produced.get(uid, {})]
    resolved = 0
    with transaction.atomic():
        if new:
            Reminder.objects.bulk_create(new, batch_size=BATCH, ignore_conflicts=True)
        if changed:
            Reminder.objects.bulk_update(changed, ["title", "due_on", "url"], batch_size=BATCH)
        for start in range(0, len(stale), BATCH):
            resolved += Reminder.objects.filter(
                pk__in=stale[start:start + BATCH], resolved_at__isnull=True
            ).update(resolved_at=now)
    return Result(counts={k: counts.get(k, 0) for k in ReminderKind.values}, inserted=len(new), resolved=resolved)


def summary_of(result: Result) -> dict[str, Any]:
    """The result as plain data for the command's output and logs."""
    return {"counts": result.counts, "inserted": result.inserted, "resolved": result.resolved}
