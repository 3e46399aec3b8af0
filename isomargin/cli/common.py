"""Shared by the trading commands: connection options, one-line errors, JSON output, number display."""

from __future__ import annotations

import functools
import inspect
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any, NoReturn

import httpx
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


#: the connection options of every command that calls the Binance API, by parameter name
_CONNECTION_OPTIONS: dict[str, object] = {
    "base_url": BaseUrl,
    "api_key": ApiKey,
    "api_secret": ApiSecret,
    "key_file": KeyFile,
    "key_type": KeyTypeOpt,
    "profile": Profile,
}


@dataclass(frozen=True)
class Connection:
    """The connection options as given on the command line (None: not given)."""

    base_url: str | None = None
    api_key: str | None = None
    api_secret: str | None = None
    key_file: str | None = None
    key_type: str | None = None
    profile: str | None = None

    def client(self) -> Client:
        """The client these options (else the environment, else a profile) describe; exits with
        one error line when they describe none. Called after a command has checked its own
        arguments, so a usage error is reported as one (exit 2) even without credentials."""
        return connect(self)


#: the default of a command's ``connection`` parameter, which :func:`with_connection` always fills
GIVEN_ON_COMMAND_LINE = Connection()


def with_connection(command: Callable[..., None]) -> Callable[..., None]:
    """``command(..., connection=Connection)`` as a Typer command that takes the connection options
    (``--base-url``, ``--api-key``, ``--api-secret``, ``--key-file``, ``--key-type``, ``--profile``)
    itself, placed before ``--json``: each command declares only its own arguments."""
    signature = inspect.signature(command, eval_str=True)
    own = [p for p in signature.parameters.values() if p.name != "connection"]
    options = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=annotation)
        for name, annotation in _CONNECTION_OPTIONS.items()
    ]
    at = next((i for i, p in enumerate(own) if p.name == "as_json"), len(own))
    # keyword-only from the options on (Typer passes every value by name), so the order is valid
    tail = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in own[at:]]
    parameters = [*own[:at], *options, *tail]

    @functools.wraps(command)
    def run(**values: Any) -> None:
        connection = Connection(**{name: values.pop(name) for name in _CONNECTION_OPTIONS})
        command(connection=connection, **values)

    # Typer reads a command's options from its signature and type hints
    run.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in parameters} | {"return": None}
    return run


def connect(options: Connection) -> Client:
    try:
        conn = resolve(
            base_url=options.base_url,
            api_key=options.api_key,
            api_secret=options.api_secret,
            key_file=options.key_file,
            key_type=options.key_type,
            profile=options.profile,
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


def http_json(send: Callable[[], httpx.Response], where: str) -> tuple[int, Any]:
    """One plain HTTP request of a command that talks HTTP itself (the control plane, the public
    book, listenKeys): its status and JSON body ({} when empty). A server that cannot be reached,
    or a body that is not JSON (a proxy's error page, a URL that is not isomargin's), ends the
    command with one line instead of a traceback."""
    try:
        response = send()
    except httpx.HTTPError as exc:
        fail(f"error: cannot reach {where}: {exc}")
    if not response.content:
        return response.status_code, {}
    try:
        return response.status_code, response.json()
    except ValueError:
        fail(f"error: HTTP {response.status_code} from {where} is not JSON: {response.text[:120]!r}")


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
