"""Text that means what it shows (issue 11 finding 8): names may not hide characters — direction overrides that
reverse what follows (U+202E), zero-width characters that make two names look alike, control characters."""

from __future__ import annotations

import unicodedata

# Format (bidi controls, zero-width, BOM, soft hyphen), control, private-use, surrogate, unassigned, and the
# Unicode line and paragraph separators.
_HIDDEN = {"Cf", "Cc", "Co", "Cs", "Cn", "Zl", "Zp"}


def hidden_characters(text: str) -> list[str]:
    """The code points of `text` that do not show as themselves, as "U+202E" strings, in order, once each."""
    found: list[str] = []
    for ch in text:
        if unicodedata.category(ch) in _HIDDEN:
            code = f"U+{ord(ch):04X}"
            if code not in found:
                found.append(code)
    return found


def hidden_characters_message(text: str, label: str) -> str:
    """A Chinese message naming the hidden characters in a `label` field, or "" when there are none."""
    found = hidden_characters(text)
    if not found:
        return ""
    return f"{label}含有不可见字符或文字方向控制符（{'、'.join(found[:3])}），请删除后重新输入"
