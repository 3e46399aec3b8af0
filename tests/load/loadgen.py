"""Random signed add/reduce load on a few shared positions, and the checks that must hold after it.

Every request carries an amount no other request uses (its sequence number in the last decimal
places), so each history row names the one request that wrote it: the checks can then prove
"every 200 has exactly one history row, no rejected request has one" row by row instead of by
counts that could cancel out.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

import httpx

from isomargin.store import Tx, open_store, repo
from tests.support import CONTROL, Api, Creds

START_BALANCE = Decimal("1000")
#: (symbol, positionAmt, entry = mark, leverage): initial margin 50 and 30 leave the cross wallet.
POSITIONS = (("BTCUSDT", "0.01", "50000", 10), ("ETHUSDT", "0.1", "3000", 10))


@dataclass(frozen=True)
class Request:
    account_id: int
    symbol: str
    type: int
    amount: Decimal


@dataclass
class Outcomes:
    """What the clients saw: an HTTP status, or ``None`` when the connection failed (outcome unknown)."""

    results: list[tuple[Request, int | None, int | None]] = field(default_factory=list)

    def acked(self) -> list[Request]:
        return [r for r, status, _ in self.results if status == 200]

    def rejected(self) -> list[Request]:
        return [r for r, status, _ in self.results if status is not None and status != 200]

    def unknown(self) -> list[Request]:
        return [r for r, status, _ in self.results if status is None]

    def codes(self) -> Counter[int | None]:
        return Counter(code for _, _, code in self.results)


async def set_up(base_url: str, accounts: int = 3) -> list[Creds]:
    """``accounts`` accounts of START_BALANCE, each with a BTCUSDT and an ETHUSDT isolated position."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
        api = Api(http)
        for symbol, _, entry, _ in POSITIONS:
            await api.mark(symbol, entry)
        made = []
        for _ in range(accounts):
            creds = await api.account(str(START_BALANCE))
            for symbol, amt, entry, leverage in POSITIONS:
                await api.position(creds, symbol, amt, entry, leverage=leverage)
            made.append(creds)
        r = await http.get(f"{CONTROL}/health")
        assert r.status_code == 200
        return made


async def drive(
    base_url: str,
    accounts: list[Creds],
    *,
    seconds: float,
    clients: int = 16,
    stop: asyncio.Event | None = None,
    seed: int = 5,
    first_seq: int = 1,
    min_requests: int = 0,
    outcomes: Outcomes | None = None,
) -> Outcomes:
    """``clients`` concurrent connections sending random add/reduce until time is up or ``stop`` is set.

    On a busy machine a few seconds may hold few requests: the load then goes on until
    ``min_requests`` were answered (at most 60 s). Pass ``outcomes`` to watch progress.
    """
    outcomes = Outcomes() if outcomes is None else outcomes
    rng = random.Random(seed)
    seq = itertools.count(first_seq)
    started = time.monotonic()
    stop = stop or asyncio.Event()

    def going() -> bool:
        elapsed = time.monotonic() - started
        enough = elapsed >= seconds and len(outcomes.results) >= min_requests
        return not stop.is_set() and not enough and elapsed < 60

    async def client() -> None:
        # A fresh connection per client, so the kernel spreads them over uvicorn's workers.
        async with httpx.AsyncClient(base_url=base_url, timeout=20) as http:
            api = Api(http)
            while going():
                creds = rng.choice(accounts)
                symbol = rng.choice(POSITIONS)[0]
                type_ = rng.choice((1, 2))
                amount = Decimal(rng.randint(1, 40)) + Decimal(next(seq)).scaleb(-8)
                request = Request(creds.account_id, symbol, type_, amount)
                try:
                    r = await api.margin(creds, str(amount), type_, symbol, where=rng.choice(("query", "body")))
                except httpx.HTTPError:
                    outcomes.results.append((request, None, None))
                    if stop.is_set():
                        return
                    await asyncio.sleep(0.05)  # the server may be restarting
                    continue
                code = 200 if r.status_code == 200 else int(r.json()["code"])
                outcomes.results.append((request, r.status_code, code))

    await asyncio.gather(*(client() for _ in range(clients)))
    return outcomes


async def until_answered(outcomes: Outcomes, count: int, timeout: float = 60) -> None:
    """Wait until the running load has ``count`` answers (steady state, whatever the machine's load)."""
    deadline = time.monotonic() + timeout
    while len(outcomes.acked()) + len(outcomes.rejected()) < count:
        assert time.monotonic() < deadline, f"the load got only {len(outcomes.results)} answers in {timeout} s"
        await asyncio.sleep(0.05)


def check_database(url: str, accounts: list[Creds], outcomes: Outcomes) -> dict[str, int]:
    """Every money invariant the load tests promise, read straight from the database afterwards; a summary."""
    store = open_store(url, migrate=False)
    try:

        def read(tx: Tx) -> tuple[dict[int, repo.Account], dict[int, list[repo.PositionRow]], list[Request]]:
            by_id = {a.id: a for a in repo.list_accounts(tx)}
            positions = {c.account_id: repo.list_positions(tx, c.account_id) for c in accounts}
            rows = tx.all("SELECT account_id, symbol, type, amount FROM margin_history")
            history = [Request(int(r[0]), str(r[1]), int(r[2]), Decimal(r[3])) for r in rows]
            return by_id, positions, history

        by_id, positions, history = store.read_sync(read)
    finally:
        store.close()

    acked, rejected, unknown = outcomes.acked(), outcomes.rejected(), outcomes.unknown()
    assert acked, f"no request succeeded: {outcomes.codes()}"
    written = Counter(history)
    # every 200 has exactly one history row; nothing is written twice
    assert all(written[r] == 1 for r in acked), "an acknowledged change is missing or duplicated"
    assert max(written.values()) == 1
    # no rejected request left a row; a row nobody acknowledged may only come from a request
    # whose connection broke (SIGKILL) before its answer arrived
    assert not set(rejected) & set(written), "a rejected request wrote history"
    assert set(written) - set(acked) <= set(unknown), "history row from no request"

    opening = {symbol: Decimal(amt) * Decimal(entry) / leverage for symbol, amt, entry, leverage in POSITIONS}
    for creds in accounts:
        account = by_id[creds.account_id]
        wallets = {p.symbol: p.isolated_wallet for p in positions[creds.account_id]}
        assert set(wallets) == set(opening)
        # money is conserved: cross + Σ isolated equals what the account started with
        assert account.cross_wallet + sum(wallets.values()) == START_BALANCE, creds
        assert account.cross_wallet >= 0
        for symbol, wallet in wallets.items():
            # nothing half-applied: each wallet is its opening margin plus its own history
            moved = sum(
                (r.amount if r.type == 1 else -r.amount)
                for r in written
                if r.account_id == creds.account_id and r.symbol == symbol
            )
            assert wallet == opening[symbol] + moved, (creds, symbol)
            # reduce never takes a position below its initial margin (mark = entry here), add
            # never beyond what the cross wallet held
            assert opening[symbol] <= wallet <= START_BALANCE, (creds, symbol, wallet)
    return {"acked": len(acked), "rejected": len(rejected), "unknown": len(unknown), "history": len(history)}
