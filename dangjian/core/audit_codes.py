"""Audit action codes of core's operations commands (backup, restore, restore drill: SEC-19..21)."""

from dangjian.core.audit import register_actions

register_actions({
    "core.backup": "备份数据库",
    "core.restore": "恢复数据库",
    "core.restore_drill": "恢复演练",
})
