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
    # 班子 and 换届 (orgs.leadership*): stored under orgs.* and kept so when that code moves.
    "orgs.term_open": "新建届次",
    "orgs.term_adjust": "批准延期或提前换届",
    "orgs.post_appoint": "班子成员任职",
    "orgs.post_end": "班子成员离任",
    "orgs.election_step": "记录换届步骤",
})
