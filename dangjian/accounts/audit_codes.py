"""The audit action codes of 账号与权限, registered with the audit log at start-up (codes are stored:
never change one)."""

from dangjian.core.audit import register_actions

register_actions({
    "accounts.user_create": "创建账号",
    "accounts.user_update": "修改账号",
    "accounts.user_disable": "停用账号",
    "accounts.user_enable": "启用账号",
    "accounts.dormant_disable": "停用长期未使用的账号",
    "accounts.token_create": "生成接口令牌",
    "accounts.token_revoke": "撤销接口令牌",
    "accounts.member_lookup": "按身份证号查找党员",
    "accounts.role_grant": "授予角色",
    "accounts.role_revoke": "撤销角色",
    "accounts.elder_mode": "切换长辈版",
})
