"""The one way to write the security audit log (SEC-10): `record(...)`, called from actions and auth hooks."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from django.db import models

from dangjian.core.context import current_request
from dangjian.core.models import AuditEvent, AuditResult
from dangjian.core.scoping import OutOfScope

if TYPE_CHECKING:
    from dangjian.accounts.models import User
    from dangjian.orgs.models import Organization

# Every action code the app writes, with the label the 审计管理员 reads.
ACTIONS: dict[str, str] = {
    "auth.login": "登录",
    "auth.login_failed": "登录失败",
    "auth.lockout": "账号锁定",
    "auth.unlock": "解除锁定",
    "auth.logout": "退出登录",
    "auth.timeout": "会话超时",
    "auth.password_change": "修改密码",
    "auth.password_reset": "重置密码",
    "auth.otp_enrol": "绑定动态口令",
    "auth.otp_verify": "动态口令验证",
    "auth.otp_reset": "重置动态口令",
    "auth.denied": "越权访问",
    "accounts.user_create": "创建账号",
    "accounts.user_update": "修改账号",
    "accounts.user_disable": "停用账号",
    "accounts.user_enable": "启用账号",
    "accounts.token_create": "生成接口令牌",
    "accounts.member_lookup": "按身份证号查找党员",
    "accounts.role_grant": "授予角色",
    "accounts.role_revoke": "撤销角色",
    "orgs.create": "新建党组织",
    "orgs.update": "修改党组织",
    "orgs.rename": "党组织更名",
    "orgs.move": "调整隶属关系",
    "orgs.merge": "合并党组织",
    "orgs.dissolve": "撤销党组织",
    "orgs.term_open": "新建届次",
    "orgs.term_adjust": "批准延期或提前换届",
    "orgs.post_appoint": "班子成员任职",
    "orgs.post_end": "班子成员离任",
    "orgs.election_step": "记录换届步骤",
    "members.create": "新增党员",
    "members.update": "修改党员信息",
    "members.transfer": "组织关系转接",
    "members.status": "党籍变动",
    "members.reveal": "查看完整个人信息",
    "members.export": "导出党员名册",
    "members.import": "导入党员",
    "orglife.create": "登记组织生活",
    "orglife.update": "修改组织生活记录",
    "orglife.attendance": "登记出席情况",
    "orglife.attachment": "上传会议附件",
    "orglife.submit": "提交组织生活记录",
    "orglife.correct": "更正组织生活记录",
    "orglife.vote": "登记表决结果",
    "orglife.ledger": "导出组织生活台账",
    "orglife.talk": "登记谈心谈话",
    "recruitment.create": "登记入党申请人",
    "recruitment.update": "修改入党申请人信息",
    "recruitment.step": "记录发展党员步骤",
    "recruitment.document": "上传发展党员材料",
    "recruitment.stop": "终止发展",
    "recruitment.reveal": "查看入党申请人完整个人信息",
    "recruitment.export": "导出发展党员名单",
    "recruitment.form": "生成发展党员文书",
    "core.template_upload": "替换文书模板",
    "core.template_reset": "恢复默认文书模板",
    "core.rule_set": "修改规则参数",
    "learning.create": "登记学习培训",
    "learning.from_meeting": "由组织生活记录生成学习记录",
    "learning.participants": "修改参学人员及学时",
    "learning.trainee": "登记发展对象培训学时",
    "learning.export": "导出学时统计",
    "appraisal.create": "登记民主评议党员",
    "appraisal.update": "修改民主评议党员",
    "appraisal.results": "填写民主评议结果",
    "appraisal.confirm": "确认民主评议结果",
    "appraisal.correct": "更正民主评议党员",
    "appraisal.correct_result": "更正民主评议结果",
    "appraisal.followup": "登记不合格党员组织处置",
    "appraisal.followup_close": "登记组织处置结果",
    "appraisal.export": "导出民主评议党员",
    "dues.base_set": "设置党费基数",
    "dues.rebase": "年度核定党费基数",
    "dues.relief": "登记党费少交免交",
    "dues.pay": "登记党费交纳",
    "dues.collect": "支部收缴党费",
    "dues.revoke": "撤销党费交纳记录",
    "dues.export": "导出党费台账",
    "transfers.request": "发起组织关系转接",
    "transfers.accept": "接收组织关系",
    "transfers.return": "退回组织关系转接",
    "transfers.cancel": "撤回组织关系转接",
    "transfers.issue_out": "开具转出系统外介绍信",
    "transfers.receipt": "登记介绍信回执",
    "transfers.receive_in": "接收系统外转入的组织关系",
    "transfers.floating_create": "登记流动党员外出",
    "transfers.floating_update": "修改流动党员外出登记",
    "transfers.floating_end": "流动党员外出结束",
    "transfers.lost_create": "登记失联党员",
    "transfers.lost_update": "修改失联党员查找情况",
    "transfers.lost_found": "失联党员恢复联系",
    "transfers.lost_suspend": "失联党员停止党籍",
    "transfers.lost_remove": "停止党籍党员除名",
    "transfers.export": "导出组织关系转接、流动或失联党员名单",
    "transfers.reveal": "查看流动党员外出期间联系电话",
    "audit.view": "查看审计日志",
    "audit.export": "导出审计日志",
}


def roles_label(user: User | Any) -> str:
    if user is None or not user.is_authenticated:
        return ""
    return "、".join(sorted({a.get_role_display() for a in user.role_assignments.all()}))[:200]


def record(
    action: str,
    *,
    actor: User | Any,
    obj: models.Model | None = None,
    org: Organization | None = None,
    result: str = AuditResult.SUCCESS,
    reason: str = "",
    changes: dict[str, Any] | None = None,
    actor_name: str = "",
) -> AuditEvent:
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action}")
    info = current_request.get()
    user = actor if actor is not None and actor.is_authenticated else None
    return AuditEvent.objects.create(
        actor=user,
        actor_name=(user.username if user else actor_name)[:150],
        role=roles_label(user),
        ip=info.ip,
        user_agent=info.user_agent,
        request_id=info.request_id,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        org_path=org.path if org is not None else "",
        org_name=org.name[:200] if org is not None else "",
        result=result,
        reason=reason[:500],
        changes=changes or {},
    )


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields that changed; values already made safe by the caller."""
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}


P = ParamSpec("P")
R = TypeVar("R")


def records_denials(func: Callable[P, R]) -> Callable[P, R]:
    """Wrap a transactional action so that an OutOfScope refusal is audited after its rollback."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except OutOfScope as exc:
            record(
                "auth.denied", actor=exc.user, obj=exc.obj, result=AuditResult.DENIED,
                reason=f"{func.__module__.split('.')[-2]}.{func.__name__}",
            )
            raise

    return wrapper
