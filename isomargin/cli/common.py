"""Shared by the trading commands: connection options, one-line errors, JSON output, number display."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any, NoReturn

import orjson
import typer
from rich.console import Console

from isomargin.cli.profile import ProfileError, profiles_path, resolve
from isomargin.client import Client
from isomargin.client.errors import (
    BinanceAPIError,
    ClientError,
    ExecutionStatusUnknown,
    MissingCredentials,
    TransportError,
)

# No ``envvar=`` on the connection options: resolve() reads the environment itself, so a flag
# always beats every environment variable (see isomargin.cli.profile.resolve). The help names them.
BaseUrl = Annotated[
    str | None,
    typer.Option(
        "--base-url",
        help="Server: a URL, or binance / testnet / local. Default: profile, else http://127.0.0.1:8765."
        " \\[env var: ISOMARGIN_BASE_URL]",
    ),
]
ApiKey = Annotated[str | None, typer.Option("--api-key", help="X-MBX-APIKEY. \\[env var: ISOMARGIN_API_KEY]")]
ApiSecret = Annotated[
    str | None,
    typer.Option(
        "--api-secret",
        help="HMAC secret (prefer env or a key file). \\[env var: ISOMARGIN_API_SECRET]",
    ),
]
KeyFile = Annotated[
    str | None,
    typer.Option(
        "--key-file",
        help="File holding the secret or a PEM private key. \\[env var: ISOMARGIN_KEY_FILE]",
    ),
]
KeyTypeOpt = Annotated[
    str | None,
    typer.Option(
        "--key-type",
        help="HMAC, RSA or ED25519 (default: read from the key). \\[env var: ISOMARGIN_KEY_TYPE]",
    ),
]
Profile = Annotated[
    str | None,
    typer.Option(
        "--profile",
        envvar="ISOMARGIN_PROFILE",
        help="Profile of the profiles file: ~/.config/isomargin/profiles.toml on Linux,"
        " or the file $ISOMARGIN_PROFILES names.",
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print Binance's JSON (for scripts).")]

#: exit status for "the change may or may not have happened" (HTTP 503 unknown, timeout after send)
EXIT_UNKNOWN = 3


def connect(
    base_url: str | None,
    api_key: str | None,
    api_secret: str | None,
    key_file: str | None,
    key_type: str | None,
    profile: str | None,
) -> Client:
    try:
        conn = resolve(
            base_url=base_url,
            api_key=api_key,
            api_secret=api_secret,
            key_file=key_file,
            key_type=key_type,
            profile=profile,
        )
    except ProfileError as exc:
        fail(f"error: {exc}")
    try:
        return Client(
            conn.base_url, conn.api_key, conn.api_secret, key_type=conn.key_type, recv_window=conn.recv_window
        )
    except ValueError as exc:
        fail(f"error: {exc}")


def fail(line: str, code: int = 1) -> NoReturn:
    Console(stderr=True, highlight=False, soft_wrap=True).print(line, markup=False)
    raise typer.Exit(code)


@contextmanager
def reported(client: Client, as_json: bool) -> Iterator[None]:
    """Turn client errors into one clear stderr line (and Binance's JSON on stdout with --json)."""
    try:
        with client:
            yield
    except ExecutionStatusUnknown as exc:
        fail(
            f"error {exc.code}: {exc.msg} — the change may or may not have been applied; "
            f"check `isomargin margin history` before retrying ({exc.request}, {client.base_url})",
            EXIT_UNKNOWN,
        )
    except BinanceAPIError as exc:
        if as_json:
            emit({"code": exc.code, "msg": exc.msg})
        status = f"HTTP {exc.http_status}" if exc.http_status is not None else "no answer"
        fail(f"error {exc.code}: {exc.msg} ({status}, {exc.request}, {client.base_url})")
    except TransportError as exc:
        fail(f"error: cannot reach {client.base_url}: {exc}")
    except MissingCredentials as exc:
        fail(f"error: {exc}: {how_to_give_a_key()}")
    except (ClientError, ValueError) as exc:
        fail(f"error: {exc}")


def how_to_give_a_key() -> str:
    """The CLI's ways to give a key, for the library's library-neutral MissingCredentials message."""
    return (
        "pass --api-key and --api-secret (or --key-file), set ISOMARGIN_API_KEY and ISOMARGIN_API_SECRET"
        f" (or ISOMARGIN_KEY_FILE), or put api_key and api_secret (or key_file) in a profile in {profiles_path()}"
        " ([default], or --profile NAME)"
    )


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        # Keep every digit Binance sent: a JSON number stays a number, never via float.
        return orjson.Fragment(format(value, "f").encode())
    raise TypeError(f"cannot serialise {type(value).__name__}")


def emit(data: Any) -> None:
    sys.stdout.write(orjson.dumps(data, default=_json_default).decode() + "\n")
    sys.stdout.flush()


def number_text(value: Decimal | None) -> str:
    """A number for people: grouped thousands, at least 2 decimals, every significant digit kept."""
    if value is None:
        return "-"
    whole, _, frac = format(value.normalize() if value else Decimal(0), ",f").partition(".")
    return f"{whole}.{frac.ljust(2, '0')}"


def price_text(value: Decimal) -> str:
    """A price rounded to about 8 significant digits for reading (41164.65863454 → 41,164.659).

    Display only; ``--json`` keeps Binance's exact strings. A liquidation price of 0 means "none".
    """
    if value == 0:
        return "none"
    digits = len(str(int(abs(value))).lstrip("0"))
    places = max(2, 8 - digits)
    return number_text(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def distance_text(liquidation: Decimal, mark: Decimal, long: bool) -> str:
    """How far the mark price can move against the position before liquidation, in % of mark."""
    if liquidation == 0 or mark == 0:
        return "-"
    room = (mark - liquidation) if long else (liquidation - mark)
    return f"{(room / mark * 100).quantize(Decimal('0.01'))}%"


def ratio_text(ratio: Decimal | None) -> str:
    """A margin ratio (maintenance margin / margin balance) in %, as Binance's app shows it; "—" for none."""
    if ratio is None:
        return "—"
    return f"{(ratio * 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%"
