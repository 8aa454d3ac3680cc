"""An app that declares a code another app already owns: starting with it installed must fail."""

from dangjian.core.audit import register_actions

register_actions({"orgs.create": "另一个含义"})
