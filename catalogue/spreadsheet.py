"""Catalogue text in spreadsheets: what a spreadsheet (or a CSV opened in one) would run as a formula."""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""Leading characters that make Excel, LibreOffice or a CSV import read text as a formula (OWASP CSV injection)."""


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_START)
