"""Masks for personal data shown on screen and in exports by default (SEC-24)."""

from __future__ import annotations


def mask_id_card(number: str) -> str:
    """1101**********1234: the first four and last four characters stay."""
    if len(number) < 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_phone(number: str) -> str:
    """138****5678 for mobiles; other numbers keep only their last four."""
    if len(number) == 11:
        return number[:3] + "****" + number[-4:]
    if len(number) <= 4:
        return "*" * len(number)
    return "*" * (len(number) - 4) + number[-4:]
