"""The audit action codes of 发展党员, registered with the audit log at start-up (codes are stored:
never change one)."""

from dangjian.core.audit import register_actions

register_actions({
    "recruitment.create": "登记入党申请人",
    "recruitment.update": "修改入党申请人信息",
    "recruitment.step": "记录发展党员步骤",
    "recruitment.document": "上传发展党员材料",
    "recruitment.stop": "终止发展",
    "recruitment.reveal": "查看入党申请人完整个人信息",
    "recruitment.export": "导出发展党员名单",
    "recruitment.form": "生成发展党员文书",
})
