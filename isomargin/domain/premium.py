"""The premium index of one moment, from the book top and the index price.

Binance's funding page: Premium Index (P) = [Max(0, Impact Bid Price − Price Index) − Max(0,
Price Index − Impact Ask Price)] / Price Index. isomargin's book is one bid and one ask of
unlimited size (service/book.py), so the impact bid and ask are the book top itself, and the price
index is the mark price, as ``premiumIndex`` shows it (``indexPrice`` = ``markPrice``, assumed in
api/handlers/market.py). A book around its mark has a premium of zero; a book moved above the mark
a positive one.
"""

from __future__ import annotations

from decimal import Decimal

ZERO = Decimal(0)


def premium_index(index: Decimal, bid: Decimal, ask: Decimal) -> Decimal:
    """``(max(0, bid − index) − max(0, index − ask)) / index``, exact to 28 digits."""
    return (max(ZERO, bid - index) - max(ZERO, index - ask)) / index
