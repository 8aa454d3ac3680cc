"""The audit action codes of 党组织, registered with the audit log at start-up (codes are stored:
never change one)."""

from dangjian.core.audit import register_actions

register_actions({
    "orgs.create": "新建党组织",
    "orgs.update": "修改党组织",
    "orgs.rename": "党组织更名",
    "orgs.move": "调整隶属关系",
    "orgs.merge": "合并党组织",
    "orgs.dissolve": "撤销党组织",
})
