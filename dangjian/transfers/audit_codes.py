"""The audit action codes of 组织关系转接, registered with the audit log at start-up (codes are stored:
never change one)."""

from dangjian.core.audit import register_actions

register_actions({
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
})
