"""The audit action codes of 学习培训, registered with the audit log at start-up (codes are stored:
never change one)."""

from dangjian.core.audit import register_actions

register_actions({
    "learning.create": "登记学习培训",
    "learning.from_meeting": "由组织生活记录生成学习记录",
    "learning.participants": "修改参学人员及学时",
    "learning.trainee": "登记发展对象培训学时",
    "learning.export": "导出学时统计",
})
