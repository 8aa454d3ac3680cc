"""The audit action codes of 民主评议党员, registered with the audit log at start-up (codes are stored:
never change one)."""

from dangjian.core.audit import register_actions

register_actions({
    "appraisal.create": "登记民主评议党员",
    "appraisal.update": "修改民主评议党员",
    "appraisal.results": "填写民主评议结果",
    "appraisal.confirm": "确认民主评议结果",
    "appraisal.correct": "更正民主评议党员",
    "appraisal.correct_result": "更正民主评议结果",
    "appraisal.followup": "登记不合格党员组织处置",
    "appraisal.followup_close": "登记组织处置结果",
    "appraisal.export": "导出民主评议党员",
})
