from django.urls import path

from dangjian.accounts import admin_views, dormancy_views, security_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("security/", security_views.account_security, name="security"),
    path("elder/", views.elder_mode, name="elder_mode"),
    path("otp/setup/", views.otp_setup, name="otp_setup"),
    path("otp/verify/", views.otp_verify, name="otp_verify"),
    path("otp/backup/", views.backup_codes_page, name="backup_codes"),
    # 系统管理员: accounts
    path("users/", admin_views.users, name="users"),
    path("users/new/", admin_views.user_create, name="user_create"),
    path("users/<int:pk>/", admin_views.user_detail, name="user_detail"),
    path("users/<int:pk>/password/", admin_views.user_password_reset, name="user_password_reset"),
    path("users/<int:pk>/link/", admin_views.user_link, name="user_link"),
    path("users/<int:pk>/toggle/", admin_views.user_toggle, name="user_toggle"),
    path("users/<int:pk>/unlock/", admin_views.user_unlock, name="user_unlock"),
    # 安全管理员: roles
    path("roles/", admin_views.roles, name="roles"),
    path("roles/new/", admin_views.role_grant, name="role_grant"),
    path("roles/orgs/", admin_views.role_org_pick, name="role_org_pick"),
    path("roles/<int:pk>/revoke/", admin_views.role_revoke, name="role_revoke"),
    path("roles/otp/<int:pk>/", admin_views.otp_reset, name="otp_reset"),
    path("dormant/", dormancy_views.dormant, name="dormant"),
]
