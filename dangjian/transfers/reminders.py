"""The to-do items of 组织关系转接, 流动党员 and 失联党员 for the reminder job (dangjian.reminders.generate).

`transfer_items(today)` is one source of the job: five queries over all orgs, whatever their number, each row
handed to the users whose change scope covers the org at its path:
- TRANSFER_PENDING, to the receiving branch: a request within the system waits for it to accept or return;
- TRANSFER_PENDING, to the sending branch: the 回执 of a transfer out of the system is late (local rule);
- FLOATING_TRANSFER: a 流动党员 away at a fixed place for six months or more, with no transfer under way (第二十五条);
- LOST_CONTACT: out of contact for six months or more, 停止党籍 to be decided; and suspended for two years or
  more, 除名 to be decided (第二十四条).
Keys name the record (and the suspension's day), so a dismissed reminder is not raised again for the same cause.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef
from django.urls import reverse

from dangjian.core.reminders.registry import register
from dangjian.core.reminders.types import Group, Item, ReminderKind, cn
from dangjian.members.choices import MemberState
from dangjian.members.models import Member
from dangjian.orgs.models import OrgStatus
from dangjian.transfers import rules
from dangjian.transfers.choices import LostStage, TransferKind, TransferStatus
from dangjian.transfers.models import FloatingMember, LostContact, Transfer
from dangjian.transfers.queries import Cutoffs, _latest_suspension

K = ReminderKind


@register(order=70)
def transfer_items(today: dt.date) -> list[tuple[str, Item]]:
    cut = Cutoffs.on(today)
    return [*_incoming(), *_late_receipts(cut), *_floating(cut), *_lost(cut), *_removal(cut)]


def _incoming() -> list[tuple[str, Item]]:
    rows = Transfer.objects.filter(kind=TransferKind.INTERNAL, status=TransferStatus.PENDING,
                                   to_org__status=OrgStatus.ACTIVE).values(
        "id", "issued_on", "member__name", "from_org__name", "to_org_id", "to_org__path", "to_org__name")
    group = Group(K.TRANSFER_PENDING, f"{K.TRANSFER_PENDING}:summary:in", "有{n}名党员的组织关系转入待接收",
                  f"{reverse('transfers:list')}?direction=in")
    return [
        (r["to_org__path"], Item(
            K.TRANSFER_PENDING, f"{K.TRANSFER_PENDING}:{r['id']}",
            f"{r['from_org__name']}{r['member__name']}的组织关系于{cn(r['issued_on'])}转往{r['to_org__name']}，待接收或说明理由退回",
            reverse("transfers:detail", args=[r["id"]]), group, None, r["to_org_id"],
        ))
        for r in rows
    ]


def _late_receipts(cut: Cutoffs) -> list[tuple[str, Item]]:
    rows = Transfer.objects.filter(kind=TransferKind.OUT, status=TransferStatus.PENDING,
                                   issued_on__lt=cut.receipt_issued_before).values(
        "id", "issued_on", "letter_no", "outside_org", "member__name", "from_org_id", "from_org__path", "from_org__name")
    group = Group(K.TRANSFER_PENDING, f"{K.TRANSFER_PENDING}:summary:receipt", "有{n}份转出介绍信的回执逾期未回",
                  f"{reverse('transfers:list')}?direction=out&kind={TransferKind.OUT}")
    items = []
    for r in rows:
        due = rules.receipt_due(r["issued_on"], cut.receipt_days)
        items.append((r["from_org__path"], Item(
            K.TRANSFER_PENDING, f"{K.TRANSFER_PENDING}:receipt:{r['id']}",
            f"{r['from_org__name']}{r['member__name']}转往{r['outside_org']}的介绍信（{r['letter_no']}）回执逾期未回，"
            f"应于{cn(due)}前退回",
            reverse("transfers:detail", args=[r["id"]]), group, due, r["from_org_id"],
        )))
    return items


def _floating(cut: Cutoffs) -> list[tuple[str, Item]]:
    rows = (
        FloatingMember.objects.filter(returned_on__isnull=True, fixed_place=True, left_on__lte=cut.floating_left_by,
                                      member__state=MemberState.ACTIVE)
        .exclude(Exists(Transfer.objects.filter(member_id=OuterRef("member_id"), status=TransferStatus.PENDING)))
        .values("id", "left_on", "place", "member__name", "member__org_id", "member__org__path", "member__org__name")
    )
    months = cut.floating_months
    group = Group(K.FLOATING_TRANSFER, f"{K.FLOATING_TRANSFER}:summary", f"有{{n}}名流动党员外出已满{months}个月，应当转移组织关系",
                  f"{reverse('transfers:floating_list')}?flag=must_transfer")
    items = []
    for r in rows:
        due = rules.floating_transfer_due(r["left_on"], months)
        items.append((r["member__org__path"], Item(
            K.FLOATING_TRANSFER, f"{K.FLOATING_TRANSFER}:{r['id']}",
            f"{r['member__org__name']}流动党员{r['member__name']}自{cn(r['left_on'])}在{r['place']}，已满{months}个月，"
            "应当转移组织关系（党员教育管理工作条例第二十五条）",
            reverse("transfers:floating_detail", args=[r["id"]]), group, due, r["member__org_id"],
        )))
    return items


def _lost(cut: Cutoffs) -> list[tuple[str, Item]]:
    rows = LostContact.objects.filter(outcome="", member__state=MemberState.ACTIVE,
                                      last_contact_on__lte=cut.lost_since_by).values(
        "id", "last_contact_on", "member__name", "member__org_id", "member__org__path", "member__org__name")
    months = cut.lost_months
    group = Group(K.LOST_CONTACT, f"{K.LOST_CONTACT}:summary:suspend", f"有{{n}}名党员失去联系已满{months}个月，应作出停止党籍决定",
                  f"{reverse('transfers:lost_list')}?stage={LostStage.SUSPEND_DUE.value}")
    items = []
    for r in rows:
        due = rules.suspension_due(r["last_contact_on"], months)
        items.append((r["member__org__path"], Item(
            K.LOST_CONTACT, f"{K.LOST_CONTACT}:{r['id']}:suspend",
            f"{r['member__org__name']}{r['member__name']}自{cn(r['last_contact_on'])}起与党组织失去联系已满{months}个月，"
            "仍未取得联系的应予停止党籍（党员教育管理工作条例第二十四条）",
            reverse("transfers:lost_detail", args=[r["id"]]), group, due, r["member__org_id"],
        )))
    return items


def _removal(cut: Cutoffs) -> list[tuple[str, Item]]:
    rows = (
        Member.objects.filter(state=MemberState.SUSPENDED).annotate(suspended_on=_latest_suspension("pk"))
        .filter(suspended_on__lte=cut.suspended_by)
        .values("id", "name", "suspended_on", "org_id", "org__path", "org__name")
    )
    years = cut.suspension_years
    group = Group(K.LOST_CONTACT, f"{K.LOST_CONTACT}:summary:remove", f"有{{n}}名党员停止党籍已满{years}年，确实无法取得联系的应予除名",
                  f"{reverse('transfers:suspended_list')}?flag=removal_due")
    items = []
    for r in rows:
        since: dt.date = r["suspended_on"]
        due = rules.removal_due(since, years)
        items.append((r["org__path"], Item(
            K.LOST_CONTACT, f"{K.LOST_CONTACT}:{r['id']}:remove:{since.isoformat()}",
            f"{r['org__name']}{r['name']}自{cn(since)}停止党籍已满{years}年，确实无法取得联系的按照自行脱党予以除名"
            "（党员教育管理工作条例第二十四条）",
            reverse("transfers:remove", args=[r["id"]]), group, due, r["org_id"],
        )))
    return items
