"""api/render.java_double_string: Java's ``Double.toString`` text, written from a Decimal.

openAlgoOrders writes its quantity and prices this way (testnet, 2026-09-14: ``"7.0E-4"``,
``"74457.1"``, ``"0.0"``). The expected texts are what ``Double.toString`` prints for these values:
plain digits from 10^-3 up to (not including) 10^7, ``.0`` when whole, an exponent outside.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from isomargin.api.render import java_double_string

CASES = [
    ("0", "0.0"),
    ("0.00", "0.0"),
    ("0.0007", "7.0E-4"),
    ("0.00012345", "1.2345E-4"),
    ("-0.0005", "-5.0E-4"),
    ("0.001", "0.001"),
    ("0.002", "0.002"),
    ("74457.10", "74457.1"),
    ("45000", "45000.0"),
    ("9999999.9", "9999999.9"),
    ("1E7", "1.0E7"),
    ("12345678", "1.2345678E7"),
]


@pytest.mark.parametrize(("value", "text"), CASES)
def test_java_double_string(value: str, text: str) -> None:
    assert java_double_string(Decimal(value)) == text
