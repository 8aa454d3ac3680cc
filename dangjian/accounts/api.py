"""API token for the signed-in user, so a program (the 支部工作 app) can call the API on their behalf.

A token is issued only to a browser session, never against a password or another token: the session has
passed the login policy (lockout, forced password change, second factor for the 三员), which a bare
username/password endpoint would bypass. The 三员 get no token at all: token requests skip the session
policy, so a 三员 token would be a way around their mandatory second factor (SEC-05), and they hold no
business data the API could serve them anyway.
"""

from __future__ import annotations

from typing import cast

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from dangjian.accounts import credentials
from dangjian.accounts.models import User
from dangjian.core import audit
from dangjian.core.scoping import scope_for


class TokenSerializer(serializers.Serializer):
    """接口令牌。"""

    key = serializers.CharField(read_only=True, help_text="接口令牌；请求时放在请求头 Authorization: Token <令牌>")


@extend_schema(tags=["接口令牌"])
class TokenViewSet(viewsets.ViewSet):
    """Issue (or replace) the caller's own token; the previous one stops working at once."""

    authentication_classes = [SessionAuthentication]

    @extend_schema(
        summary="生成接口令牌",
        description="为当前登录账号生成新的接口令牌，原有令牌立即失效。仅限浏览器登录会话调用，三员账号不可用。",
        request=None,
        responses={201: TokenSerializer},
    )
    def create(self, request: Request) -> Response:
        user = cast(User, request.user)  # IsAuthenticated has run
        if scope_for(user).system_roles:
            audit.record("auth.denied", actor=user, result="denied", reason="accounts.token_create")
            raise PermissionDenied("三员账号不能使用接口令牌")
        token = credentials.issue_token(user)
        return Response(TokenSerializer(token).data, status=status.HTTP_201_CREATED)
