"""The audit action codes of 党费, registered with the audit log at start-up (codes are stored:
never change one)."""

from dangjian.core.audit import register_actions

register_actions({
    "dues.base_set": "设置党费基数",
    "dues.rebase": "年度核定党费基数",
    "dues.relief": "登记党费少交免交",
    "dues.pay": "登记党费交纳",
    "dues.collect": "支部收缴党费",
    "dues.revoke": "撤销党费交纳记录",
    "dues.export": "导出党费台账",
})
