from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def percent(value, digits: int = 0) -> str:
    """0.775 -> "78%" (or "77.5%" with digits=1); "—" for no value."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.{int(digits)}f}%"


@register.filter
def signed_percent(value) -> str:
    """A relative error: 0.125 -> "+12.5%"; "—" for no value."""
    if value is None:
        return "—"
    return f"{float(value) * 100:+.1f}%"
