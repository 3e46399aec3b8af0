"""Random signed add/reduce load on a few shared positions, and the checks that must hold after it.

Every request carries an amount no other request uses (its sequence number in the last decimal
places), so each history row names the one request that wrote it: the checks can then prove
"every 200 has exactly one history row, no rejected request has one" row by row instead of by
counts that could cancel out.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlencode, urlsplit

import httpx

from isomargin.store import Tx, open_store, repo
from isomargin.store.money_sql import decode_money
from tests.support import CONTROL, FORM, Api, Creds, hmac_hex

START_BALANCE = Decimal("1000")
#: (symbol, positionAmt, entry = mark, leverage): initial margin 50 and 30 leave the cross wallet.
POSITIONS = (("BTCUSDT", "0.01", "50000", 10), ("ETHUSDT", "0.1", "3000", 10))


@dataclass(frozen=True)
class Request:
    account_id: int
    symbol: str
    type: int
    amount: Decimal


class Result(NamedTuple):
    request: Request
    #: HTTP status and Binance code, or ``None`` when the connection failed (outcome unknown)
    status: int | None
    code: int | None
    #: ``time.monotonic()`` when the client began sending it and when it had the answer (or the error)
    sent: float
    done: float


@dataclass
class Outcomes:
    """What the clients saw, request by request."""

    results: list[Result] = field(default_factory=list)

    def acked(self) -> list[Request]:
        return [r.request for r in self.results if r.status == 200]

    def rejected(self) -> list[Request]:
        return [r.request for r in self.results if r.status is not None and r.status != 200]

    def unknown(self) -> list[Request]:
        return [r.request for r in self.results if r.status is None]

    def lost_in_flight(self, moment: float) -> list[Request]:
        """Requests begun before ``moment`` that never got an answer: outstanding when it came."""
        return [r.request for r in self.results if r.sent < moment and r.status is None]

    def codes(self) -> Counter[int | None]:
        return Counter(r.code for r in self.results)


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


#: requests a load client sends on one connection before it opens the next (see :func:`drive`)
REQUESTS_PER_CONNECTION = 25


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
    stagger: float = 0.02,
) -> Outcomes:
    """``clients`` concurrent connections sending random add/reduce until time is up or ``stop`` is set.

    On a busy machine a few seconds may hold few requests: the load then goes on until
    ``min_requests`` were answered (at most 60 s). Pass ``outcomes`` to watch progress.

    Client ``i`` opens its connection ``i * stagger`` seconds after the first, and a new one every
    :data:`REQUESTS_PER_CONNECTION` requests. Connections that arrive in one burst all go to the
    one worker that wakes first (it accepts until the backlog is empty): measured, 16 simultaneous
    connects often all landed on one of 2 or 4 workers, which turns a multi-worker test into a
    single-worker one. Staggered, they still did once on a loaded host (2026-12-02: all 16 on
    one of 4 workers); reconnecting gives every worker more accepts to win over the run.
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

    async def client(index: int) -> None:
        await asyncio.sleep(index * stagger)
        while going():
            await connection()

    async def connection() -> None:
        # A connection of its own per client, so the kernel spreads them over uvicorn's workers.
        async with httpx.AsyncClient(base_url=base_url, timeout=20) as http:
            api = Api(http)
            for _ in range(REQUESTS_PER_CONNECTION):
                if not going():
                    return
                creds = rng.choice(accounts)
                symbol = rng.choice(POSITIONS)[0]
                type_ = rng.choice((1, 2))
                amount = Decimal(rng.randint(1, 40)) + Decimal(next(seq)).scaleb(-8)
                request = Request(creds.account_id, symbol, type_, amount)
                sent = time.monotonic()
                try:
                    r = await api.margin(creds, str(amount), type_, symbol, where=rng.choice(("query", "body")))
                except httpx.HTTPError:
                    outcomes.results.append(Result(request, None, None, sent, time.monotonic()))
                    if stop.is_set():
                        return
                    await asyncio.sleep(0.05)  # the server may be restarting
                    continue
                code = 200 if r.status_code == 200 else int(r.json()["code"])
                outcomes.results.append(Result(request, r.status_code, code, sent, time.monotonic()))

    await asyncio.gather(*(client(i) for i in range(clients)))
    return outcomes


class HeldRequest:
    """A signed add-margin request the server has begun but cannot finish until :meth:`finish`.

    Its headers go out with ``Expect: 100-continue``; uvicorn answers ``100 Continue`` only when
    the app asks for the body, so once :meth:`open` returns, the request is provably in the
    server's hands and waiting. Its body is sent by :meth:`finish`, which returns the status
    (``None`` if the connection failed). Raw sockets: an HTTP client would send the body at once.
    """

    def __init__(self, base_url: str, creds: Creds, request: Request) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = str(parts.hostname), int(parts.port or 80)
        self.creds, self.request = creds, request
        params = [("symbol", request.symbol), ("amount", str(request.amount)), ("type", str(request.type))]
        payload = urlencode([*params, ("timestamp", str(int(time.time() * 1000)))])
        self.body = f"{payload}&signature={hmac_hex(creds.secret_key, payload)}".encode()
        self._streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        self.sent = 0.0

    async def open(self) -> HeldRequest:
        reader, writer = await asyncio.open_connection(self.host, self.port)
        self._streams = reader, writer
        self.sent = time.monotonic()
        head = [
            "POST /fapi/v1/positionMargin HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            f"X-MBX-APIKEY: {self.creds.api_key}",
            f"Content-Type: {FORM['Content-Type']}",
            f"Content-Length: {len(self.body)}",
            "Expect: 100-continue",
        ]
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode())
        await writer.drain()
        interim = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
        assert interim.startswith(b"HTTP/1.1 100 "), interim
        return self

    async def finish(self) -> Result:
        """Send the body; the answer, or status ``None`` if the connection failed."""
        assert self._streams is not None, "open() first"
        reader, writer = self._streams
        status: int | None = None
        code: int | None = None
        try:
            writer.write(self.body)
            await writer.drain()
            head = (await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 20)).decode("latin-1")
            lines = head.split("\r\n")
            headers = dict(line.split(":", 1) for line in lines[1:] if ":" in line)
            length = int({k.strip().lower(): v.strip() for k, v in headers.items()}["content-length"])
            answer = json.loads(await asyncio.wait_for(reader.readexactly(length), 20))
            status = int(lines[0].split(" ", 2)[1])
            code = 200 if status == 200 else int(answer["code"])
        except (OSError, asyncio.IncompleteReadError):  # TimeoutError is an OSError
            status = code = None
        finally:
            writer.close()
        return Result(self.request, status, code, self.sent, time.monotonic())


def group_pids(pgid: int) -> list[int]:
    """Every live process in a process group (Linux /proc)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # pgrp, counted after the ")" of the command name
            pids.append(int(stat.parent.name))
    return pids


def connection_owners(port: int, pgid: int) -> Counter[int]:
    """How many established client connections to ``port`` each process of group ``pgid`` holds.

    Linux /proc: the server side of a connection (local port ``port``) is a socket inode in
    /proc/net/tcp, and the process holding it has that inode among its descriptors. uvicorn's
    worker that accepted a connection serves every request sent on it.
    """
    owner_of: dict[str, int] = {}
    for pid in group_pids(pgid):
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if target.startswith("socket:["):
                owner_of[target[len("socket:[") : -1]] = pid
    owners: Counter[int] = Counter()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local_port, state, inode = int(fields[1].rsplit(":", 1)[1], 16), fields[3], fields[9]
            if local_port == port and state == "01" and inode in owner_of:  # 01: ESTABLISHED
                owners[owner_of[inode]] += 1
    return owners


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

        def read(
            tx: Tx,
        ) -> tuple[dict[int, repo.Account], dict[int, list[repo.PositionRow]], list[Request], list[Request]]:
            by_id = {a.id: a for a in repo.list_accounts(tx)}
            positions = {c.account_id: repo.list_positions(tx, c.account_id) for c in accounts}
            rows = tx.all("SELECT account_id, symbol, type, amount, delta_type FROM margin_history")
            # a row's amount is the isolated wallet's signed change: type 2 rows are negative
            signs = {(int(r[2]), decode_money(r[3]) > 0) for r in rows}
            assert signs <= {(1, True), (2, False)}, signs
            assert {str(r[4]) for r in rows} <= {"TRADE", "USER_ADJUST"}
            by_kind: dict[str, list[Request]] = {"TRADE": [], "USER_ADJUST": []}
            for r in rows:
                by_kind[str(r[4])].append(Request(int(r[0]), str(r[1]), int(r[2]), abs(decode_money(r[3]))))
            # the positions' opens (set_up, through the control plane) write the TRADE rows
            return by_id, positions, by_kind["USER_ADJUST"], by_kind["TRADE"]

        by_id, positions, history, opens = store.read_sync(read)
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
    # each position's open wrote one TRADE row of its opening margin (50 and 30), and nothing else wrote one
    assert Counter(opens) == Counter(
        Request(creds.account_id, symbol, 1, margin) for creds in accounts for symbol, margin in opening.items()
    )
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
