"""Money as people read it: two decimals, thousands separators (253,807.85), rounded half up like the 党费 rules."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

CENT = Decimal("0.01")


def to_cents(value: Any) -> Decimal | None:
    """The amount as a Decimal with exactly two places (sums read from the database may carry more); None for no
    amount or a value that is not a number."""
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return None


def format_money(value: Any) -> str:
    """253,807.85 for pages and documents; "" for no amount. A value that is not a number is shown unchanged."""
    cents = to_cents(value)
    if cents is None:
        return "" if value is None else str(value)
    return f"{cents:,.2f}"
