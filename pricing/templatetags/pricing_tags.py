from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def money(value) -> str:
    """$ amounts as people read prices: 0.48, 0.075, 953.00, 3,200.00; blank stays blank."""
    if value is None or value == "":
        return "—"
    text = f"{float(value):,.4f}".rstrip("0")
    whole, _, decimals = text.partition(".")
    return f"${whole}.{decimals.ljust(2, '0')}"


@register.filter
def params(value) -> str:
    """8.03e9 -> 8.03B; 0 means not published."""
    if not value:
        return "—"
    return f"{value / 1e9:g}B"
