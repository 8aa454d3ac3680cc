"""Deployment-wide settings that a top-level 党务管理员 changes: Word document templates and rule overrides.

Both apply to every org of the deployment, so only someone whose structure rights cover a top-level org (the
机关党委 itself) may change them; each change is transactional and audited.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from dangjian.core import audit, documents
from dangjian.core.models import DocumentTemplate
from dangjian.core.scoping import OutOfScope, scope_for


def manages_deployment(user: Any) -> bool:
    """True for a 党务管理员 whose structure scope includes a top-level org."""
    from dangjian.orgs.models import Organization

    roots = scope_for(user).structure_roots
    return bool(roots) and Organization.objects.filter(depth=1, path__in=roots).exists()


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
