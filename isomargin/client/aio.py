"""``AsyncClient``: the asyncio client, one httpx connection pool per instance. Same calls as ``Client``."""

from __future__ import annotations

from decimal import Decimal
from types import TracebackType
from typing import TypeVar

import httpx

from isomargin.client import ops, trading
from isomargin.client.base import BaseClient
from isomargin.client.core import HttpResponse, Op
from isomargin.client.models import (
    Account,
    Ack,
    Balance,
    LeverageChange,
    MarginChange,
    MarginChangeType,
    MarginHistoryEntry,
    MarginType,
    MarkPrice,
    PositionRisk,
    SymbolBrackets,
)
from isomargin.client.ops import MarginPreview, Side
from isomargin.client.trading import Income, Order, Trade

T = TypeVar("T")


class AsyncClient(BaseClient[httpx.AsyncClient]):
    """Isolated margin on Binance USDⓈ-M Futures (or isomargin), for asyncio.

    ``async with AsyncClient(url, key, secret) as client: await client.add_margin("BTCUSDT", "100")``. Amounts are
    ``Decimal`` or decimal strings (floats raise ``TypeError``); results are dataclasses with
    ``Decimal`` fields whose ``.raw`` is Binance's JSON. Errors are
    :class:`~isomargin.client.errors.BinanceAPIError` subclasses. **No call is ever retried**:
    after :class:`~isomargin.client.errors.ExecutionStatusUnknown` a margin change may or may
    not have happened — check ``margin_history`` before sending it again.
    See :class:`~isomargin.client.base.BaseClient` for the constructor's arguments.
    """

    def _new_http(self) -> httpx.AsyncClient:
        # One client, one connection pool: keep-alive connections are reused across calls.
        return httpx.AsyncClient(timeout=self.timeout)

    async def close(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def _run(self, op: Op[T]) -> T:
        steps = self._core.run(op)
        try:
            request = next(steps)
            while True:
                try:
                    reply = await self._http.request(
                        request.method, request.url, headers=request.headers, content=request.content
                    )
                except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
                    raise self._core.transport_failure(request, exc, sent=False) from exc
                except httpx.TransportError as exc:
                    raise self._core.transport_failure(request, exc, sent=True) from exc
                request = steps.send(HttpResponse(reply.status_code, reply.headers, reply.content))
        except StopIteration as done:
            result: T = done.value
            return result

    # --- connectivity and time ------------------------------------------------------------------
    async def ping(self) -> None:
        """``GET /fapi/v1/ping`` (weight 1)."""
        await self._run(ops.ping())

    async def server_time(self) -> int:
        """``GET /fapi/v1/time`` → ``serverTime`` in ms (weight 1) [TIME]."""
        return await self._run(ops.server_time())

    async def sync_time(self) -> int:
        """Measure the clock offset now (otherwise done before the first signed call); the offset."""
        self._core.expire_time_sync()
        await self._run(ops.server_now())
        return self.time_offset_ms

    # --- isolated margin ------------------------------------------------------------------------
    async def modify_isolated_position_margin(
        self, symbol: str, amount: Decimal | str, type: MarginChangeType, position_side: Side = None
    ) -> MarginChange:
        """``POST /fapi/v1/positionMargin`` (TRADE, weight 1) [PM]: ADD or REDUCE isolated margin.

        ``position_side`` is required in hedge mode (LONG/SHORT) and left out in one-way mode.
        Raises :class:`~isomargin.client.errors.MarginError` subclasses (-4049/-4050/-4051/
        -4054/-4055). Never retried.
        https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Modify-Isolated-Position-Margin
        """
        return await self._run(ops.modify_margin(symbol, amount, type, position_side))

    async def add_margin(self, symbol: str, amount: Decimal | str, side: Side = None) -> MarginChange:
        """Move ``amount`` USDT from the cross wallet into the isolated position (type 1)."""
        return await self._run(ops.modify_margin(symbol, amount, MarginChangeType.ADD, side))

    async def reduce_margin(self, symbol: str, amount: Decimal | str, side: Side = None) -> MarginChange:
        """Move ``amount`` USDT from the isolated position back to the cross wallet (type 2)."""
        return await self._run(ops.modify_margin(symbol, amount, MarginChangeType.REDUCE, side))

    async def margin_history(
        self,
        symbol: str,
        *,
        type: MarginChangeType | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        page_limit: int = ops.HISTORY_PAGE_LIMIT,
    ) -> list[MarginHistoryEntry]:
        """``GET /fapi/v1/positionMargin/history`` (weight 1 per page) [PMH], every page, oldest first.

        Defaults to the last 30 days (all Binance keeps). Longer ranges are cut into 30-day
        windows, and a window answering a full page (``page_limit``, at most 500) is split in two
        by time until every row is read. Times are ms since the epoch.
        """
        return await self._run(ops.margin_history(symbol, type, start_time, end_time, page_limit))

    async def max_removable(self, symbol: str, side: Side = None) -> Decimal:
        """The most ``reduce_margin`` accepts now, by the server's own formula [FAQ-ADJ].

        Computed from live ``positionRisk`` and ``leverageBracket`` with ``isomargin.domain``,
        rounded down to 8 decimals.
        """
        return (await self._run(ops.preview(symbol, side, 0))).max_removable

    async def liquidation_price_after(self, symbol: str, side: Side, delta: Decimal | str) -> Decimal:
        """The liquidation price after adding (``delta`` > 0) or removing (< 0) margin; 0 = none."""
        return (await self._run(ops.preview(symbol, side, delta))).liquidation_price_after

    async def preview_margin_change(self, symbol: str, delta: Decimal | str, side: Side = None) -> MarginPreview:
        """Liquidation price before/after, new isolated wallet and max removable, nothing sent."""
        return await self._run(ops.preview(symbol, side, delta))

    # --- positions and account ------------------------------------------------------------------
    async def position_risk(self, symbol: str | None = None, *, version: int = 2) -> list[PositionRisk]:
        """``GET /fapi/v2/positionRisk`` (or v3) (USER_DATA, weight 5) [PR2][PR3]."""
        return await self._run(ops.position_risk(symbol, version))

    async def balance(self, *, version: int = 3) -> list[Balance]:
        """``GET /fapi/v3/balance`` (or v2) (USER_DATA, weight 5) [BAL3][BAL2]."""
        return await self._run(ops.balance(version))

    async def account(self, *, version: int = 3) -> Account:
        """``GET /fapi/v3/account`` (or v2) (USER_DATA, weight 5) [ACC3][ACC2]."""
        return await self._run(ops.account(version))

    async def set_margin_type(self, symbol: str, margin_type: MarginType | str) -> Ack:
        """``POST /fapi/v1/marginType`` ISOLATED or CROSSED (TRADE, weight 1) [MT]."""
        return await self._run(ops.set_margin_type(symbol, margin_type))

    async def set_position_mode(self, dual_side_position: bool) -> Ack:
        """``POST /fapi/v1/positionSide/dual``: True = hedge mode, False = one-way (weight 1) [PSD]."""
        return await self._run(ops.set_position_mode(dual_side_position))

    async def get_position_mode(self) -> bool:
        """``GET /fapi/v1/positionSide/dual`` → True in hedge mode (weight 30) [PSDG]."""
        return await self._run(ops.get_position_mode())

    async def set_leverage(self, symbol: str, leverage: int) -> LeverageChange:
        """``POST /fapi/v1/leverage`` (TRADE, weight 1) [LEV]."""
        return await self._run(ops.set_leverage(symbol, leverage))

    async def leverage_brackets(self, symbol: str | None = None) -> list[SymbolBrackets]:
        """``GET /fapi/v1/leverageBracket`` (USER_DATA, weight 1) [LB]."""
        return await self._run(ops.leverage_brackets(symbol))

    # --- market data ----------------------------------------------------------------------------
    async def mark_price(self, symbol: str) -> MarkPrice:
        """``GET /fapi/v1/premiumIndex?symbol=`` (weight 1) [MP]."""
        (row,) = await self._run(ops.mark_prices(symbol))
        return row

    async def mark_prices(self) -> list[MarkPrice]:
        """``GET /fapi/v1/premiumIndex`` for every symbol (weight 10) [MP]."""
        return await self._run(ops.mark_prices(None))

    # --- trading (issue 11) ---------------------------------------------------------------------
    async def new_order(
        self,
        symbol: str,
        side: str,
        quantity: Decimal | str,
        *,
        price: Decimal | str | None = None,
        time_in_force: str | None = None,
        reduce_only: bool = False,
        position_side: str | None = None,
        client_order_id: str | None = None,
    ) -> Order:
        """``POST /fapi/v1/order`` (TRADE): MARKET without ``price``, else LIMIT; the RESULT answer [doc NO]."""
        op = trading.new_order(
            symbol,
            side,
            quantity,
            price=price,
            time_in_force=time_in_force,
            reduce_only=reduce_only,
            position_side=position_side,
            client_order_id=client_order_id,
        )
        return await self._run(op)

    async def market(self, symbol: str, side: str, quantity: Decimal | str, *, reduce_only: bool = False) -> Order:
        """A MARKET order: fills in full at the book's best opposite price."""
        return await self.new_order(symbol, side, quantity, reduce_only=reduce_only)

    async def limit(
        self, symbol: str, side: str, quantity: Decimal | str, price: Decimal | str, *, time_in_force: str = "GTC"
    ) -> Order:
        """A LIMIT order (GTC unless told): fills now if it crosses the book, else rests."""
        return await self.new_order(symbol, side, quantity, price=price, time_in_force=time_in_force)

    async def cancel_order(self, symbol: str, order_id: int | None = None, client_order_id: str | None = None) -> Order:
        """``DELETE /fapi/v1/order`` by id or client id (TRADE, weight 1) [doc CO]."""
        return await self._run(trading.cancel_order(symbol, order_id, client_order_id))

    async def open_orders(self, symbol: str | None = None) -> list[Order]:
        """``GET /fapi/v1/openOrders`` (weight 1 with a symbol, 40 without) [doc CAO]."""
        return await self._run(trading.open_orders(symbol))

    async def user_trades(self, symbol: str, limit: int | None = None) -> list[Trade]:
        """``GET /fapi/v1/userTrades`` of the last 7 days, oldest first (weight 5) [doc ATL]."""
        return await self._run(trading.user_trades(symbol, limit))

    async def income(
        self, symbol: str | None = None, income_type: str | None = None, limit: int | None = None
    ) -> list[Income]:
        """``GET /fapi/v1/income`` of the last 7 days, oldest first (weight 30) [doc INC]."""
        return await self._run(trading.income(symbol, income_type, limit))

    async def all_user_trades(
        self, symbol: str, *, from_id: int = 0, page_limit: int = trading.HISTORY_MAX_LIMIT
    ) -> list[Trade]:
        """Every trade of ``symbol`` from ``from_id`` on, oldest first, paged by ``fromId`` (weight 5
        per page) [doc ATL]: complete even when many trades share one millisecond."""
        return await self._run(trading.every_user_trade(symbol, from_id, page_limit))

    async def all_income(
        self,
        symbol: str | None = None,
        income_type: str | None = None,
        *,
        start_time: int | None = None,
        end_time: int | None = None,
        page_limit: int = trading.HISTORY_MAX_LIMIT,
    ) -> list[Income]:
        """Every ``GET /fapi/v1/income`` row of the window (the last 7 days by default), oldest
        first, paged by ``page`` (weight 30 per page) [doc INC]."""
        return await self._run(trading.every_income(symbol, income_type, start_time, end_time, page_limit))

    async def force_orders(
        self,
        symbol: str | None = None,
        *,
        auto_close_type: str | None = None,
        start_time: int | None = None,
        end_time: int | None = None,
        limit: int | None = None,
    ) -> list[Order]:
        """``GET /fapi/v1/forceOrders``: liquidation and ADL orders, newest first (USER_DATA; weight 20
        with a symbol, 50 without) [doc FO]. ``auto_close_type``: ``LIQUIDATION`` or ``ADL``; the last
        7 days unless ``start_time`` says otherwise; ``limit`` 50 by default, at most 100.
        https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Users-Force-Orders
        """
        return await self._run(trading.force_orders(symbol, auto_close_type, start_time, end_time, limit))
