"""The audit action codes of 组织生活, registered with the audit log at start-up (codes are stored:
never change one)."""

from dangjian.core.audit import register_actions

register_actions({
    "orglife.create": "登记组织生活",
    "orglife.update": "修改组织生活记录",
    "orglife.attendance": "登记出席情况",
    "orglife.attachment": "上传会议附件",
    "orglife.submit": "提交组织生活记录",
    "orglife.correct": "更正组织生活记录",
    "orglife.vote": "登记表决结果",
    "orglife.ledger": "导出组织生活台账",
    "orglife.talk": "登记谈心谈话",
    "orglife.signin_open": "开始扫码签到",
    "orglife.signin_close": "结束扫码签到",
    "orglife.signin": "扫码签到",
    "orglife.signin_refused": "扫码签到被拒绝",
})
