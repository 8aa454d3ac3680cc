"""Deployment-wide settings that a top-level 党务管理员 changes: Word document templates and rule overrides.

Both apply to every org of the deployment, so only someone whose structure rights cover a top-level org (the
机关党委 itself) may change them; each change is transactional and audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from dangjian.core import audit, documents, rules
from dangjian.core.models import DocumentTemplate, RuleParameter
from dangjian.core.scoping import STEPLEN, OutOfScope, scope_for


def manages_deployment(user: Any) -> bool:
    """True for a 党务管理员 whose structure scope includes a top-level org (a path of one step)."""
    return any(len(root) == STEPLEN for root in scope_for(user).structure_roots)


def _require_deployment(user: Any, obj: Any = None) -> None:
    if not manages_deployment(user):
        raise OutOfScope(user, obj, "structure")


@audit.records_denials
@transaction.atomic
def upload_template(*, actor: Any, key: str, filename: str, data: bytes) -> DocumentTemplate:
    """Replace the template of one document with an administrator's .docx, after checking that it renders the
    sample context. The previous upload stays on record, inactive."""
    _require_deployment(actor)
    if key not in documents.REGISTRY:
        raise ValidationError({"key": ["没有这种文书"]})
    documents.check_upload(key, data)
    DocumentTemplate.objects.filter(key=key, active=True).update(active=False)
    row = DocumentTemplate.objects.create(key=key, filename=filename[:200], content=data, size=len(data),
                                          uploaded_by=actor)
    audit.record("core.template_upload", actor=actor, obj=row,
                 changes={"key": key, "filename": row.filename, "size": row.size})
    return row


@audit.records_denials
@transaction.atomic
def reset_template(*, actor: Any, key: str) -> int:
    """Go back to the built-in layout; uploads stay on record, inactive. Returns how many were deactivated."""
    _require_deployment(actor)
    if key not in documents.REGISTRY:
        raise ValidationError({"key": ["没有这种文书"]})
    n = DocumentTemplate.objects.filter(key=key, active=True).update(active=False)
    audit.record("core.template_reset", actor=actor, changes={"key": key, "deactivated": n})
    return n


@audit.records_denials
@transaction.atomic
def set_rule(*, actor: Any, key: str, raw_value: str, effective_from: dt.date, reason: str) -> RuleParameter:
    """Record a deployment's value for one rule from a date (architecture.md, pattern 3). Earlier rows stay, so
    figures for past periods keep the rule that was in force then. Local practice may take any valid value; a
    central rule only a stricter one (`rules.parse_override`). Going back to the default is a row like any other."""
    _require_deployment(actor)
    rule = rules.REGISTRY.get(key)
    if rule is None:
        raise ValidationError({"key": ["没有这条规则"]})
    errors: dict[str, list[str]] = {}
    if not rule.editable:
        errors["value"] = ["中央规定，不能在系统中修改"]
    else:
        try:
            value = rules.parse_override(rule, raw_value)
        except ValueError as exc:
            errors["value"] = [str(exc)]
    if not (reason or "").strip():
        errors["reason"] = ["请填写修改依据（文件或会议决定）"]
    if effective_from.year < 2000:
        errors["effective_from"] = ["生效日期有误"]
    elif RuleParameter.objects.filter(key=key, effective_from=effective_from).exists():
        errors["effective_from"] = ["该生效日期已有设置，请另选日期"]
    if errors:
        raise ValidationError(errors)
    previous = rules.value(key, effective_from)
    row = RuleParameter.objects.create(
        key=key, label=rule.label, value=value, default=rule.default, source=rule.source, article=rule.article,
        status=rule.status, effective_from=effective_from, note=reason.strip()[:500],
    )
    audit.record("core.rule_set", actor=actor, obj=row, reason=reason.strip()[:200],
                 changes={"key": key, "value": [previous, value], "effective_from": effective_from.isoformat()})
    return row
