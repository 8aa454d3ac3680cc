"""The audit action codes of 班子 and 换届, registered with the audit log at start-up. They were written as
orgs.* before the leadership app split from orgs, and stay so: codes are stored, never change one."""

from dangjian.core.audit import register_actions

register_actions({
    "orgs.term_open": "新建届次",
    "orgs.term_adjust": "批准延期或提前换届",
    "orgs.post_appoint": "班子成员任职",
    "orgs.post_end": "班子成员离任",
    "orgs.election_step": "记录换届步骤",
    "orgs.election_result": "录入换届选举结果",
})
