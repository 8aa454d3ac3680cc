"""The audit action codes of 党员, registered with the audit log at start-up (codes are stored:
never change one)."""

from dangjian.core.audit import register_actions

register_actions({
    "members.create": "新增党员",
    "members.update": "修改党员信息",
    "members.transfer": "组织关系转接",
    "members.status": "党籍变动",
    "members.reveal": "查看完整个人信息",
    "members.lookup": "按身份证号查找党员",
    "members.export": "导出党员名册",
    "members.import": "导入党员",
})
