"""Every Binance error isomargin emits, as data: code, message template, HTTP status.

One catalogue, rendered in exactly one place (``isomargin.api.binance``). Codes, names and
messages are verbatim from Binance's USDⓈ-M error-code page [EC]
(https://developers.binance.com/docs/derivatives/usds-margined-futures/error-code);
HTTP statuses from the General Info page [GI] (4XX for request errors, 401 for key errors,
429/418 for rate limits). See ../shared/spec/binance-usdm-reference.md §2.

Raise an error with ``raise MANDATORY_PARAM_EMPTY_OR_MALFORMED.error("amount")``.

Two rules of the real server's texts are kept here, once, for every error that follows them:

- a parameter's name inside a message is lower-cased, whatever case the client sent:
  ``Mandatory parameter 'margintype' …`` (RAW log lines 2025-05-30, index ids 15425965330,
  15563162220), ``Parameter 'reduceonly' sent when not required.`` (live-tested notes 2026, index
  ids 66449248460, 70110676557), ``Parameter 'stopprice' …`` (ids 57395833238, 61920530046);
  fidelity audit #8. A 2021 capture still shows ``'reduceOnly'`` (python-binance #947): the
  server changed, and the recent captures win. Specs with ``names_parameter`` apply it;
- the requesting IP inside a message (``request ip: 1.2.3.4`` of -2015, audit #10) is known
  only where the request is answered, so specs with ``names_client_ip`` are completed there
  (:meth:`ApiError.body`), wherever in the chain they were raised.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class ErrorSpec:
    """One Binance error: its code, Binance's NAME, message template and HTTP status."""

    code: int
    name: str
    template: str
    http_status: int = 400
    evidence: str = "documented"  # documented | observed | assumed — feeds docs/COVERAGE.md
    #: the first argument is a request parameter's name, which the message spells lower-cased
    names_parameter: bool = False
    #: the template's last ``%s`` is the requesting IP, filled in when the answer is rendered
    names_client_ip: bool = False

    def error(self, *args: object, headers: Mapping[str, str] | None = None) -> ApiError:
        if self.names_parameter and args:
            args = (str(args[0]).lower(), *args[1:])
        return ApiError(self, args, dict(headers or {}))


@dataclass(slots=True)
class ApiError(Exception):
    """A Binance-format error on its way to the client."""

    spec: ErrorSpec
    args_: tuple[object, ...] = ()
    headers: dict[str, str] = field(default_factory=dict)

    def message(self, client_ip: str = "unknown") -> str:
        args = (*self.args_, client_ip) if self.spec.names_client_ip else self.args_
        return self.spec.template % args if args else self.spec.template

    @property
    def msg(self) -> str:
        return self.message()

    @property
    def code(self) -> int:
        return self.spec.code

    @property
    def http_status(self) -> int:
        return self.spec.http_status

    def body(self, client_ip: str = "unknown") -> dict[str, object]:
        """The JSON answer; ``client_ip`` is the requester's address as the server saw it."""
        return {"code": self.spec.code, "msg": self.message(client_ip)}

    def __str__(self) -> str:
        return f"{self.spec.code} {self.msg}"


CATALOGUE: dict[tuple[int, str], ErrorSpec] = {}


def _spec(
    code: int,
    name: str,
    template: str,
    http_status: int = 400,
    evidence: str = "documented",
    *,
    names_parameter: bool = False,
    names_client_ip: bool = False,
) -> ErrorSpec:
    spec = ErrorSpec(code, name, template, http_status, evidence, names_parameter, names_client_ip)
    CATALOGUE[(code, template)] = spec
    return spec


# --- 10xx general -------------------------------------------------------------------------
UNKNOWN = _spec(-1000, "UNKNOWN", "An unknown error occured while processing the request.", 500)
# The error-code page prints "current limit is %s requests per minute"; real fapi 429s name the
# IP: "Too many requests; current limit of IP(204.168.146.253) is 2400 requests per minute. …"
# (RAW 2025–2026 captures, index ids 66350564102, 69389760957, 11943181606; audit #9).
TOO_MANY_REQUESTS = _spec(
    -1003,
    "TOO_MANY_REQUESTS",
    "Too many requests; current limit of IP(%s) is %s requests per minute. Please use the websocket for live "
    "updates to avoid polling the API.",
    429,
    "observed",
)
# The error-code page prints "IP banned until %s"; real fapi replies name the IP:
# "Way too many requests; IP(xxx.xxx.xxx.xxx) banned until 1713399718937. …" [obs I10094]
# (also https://github.com/zyairelai/futures-hero/issues/10), so the observed text is used.
IP_BANNED = _spec(
    -1003,
    "TOO_MANY_REQUESTS",
    "Way too many requests; IP(%s) banned until %s. Please use the websocket for live updates to avoid bans.",
    418,
    "observed",
)
TOO_MANY_ORDERS = _spec(
    -1015, "TOO_MANY_ORDERS", "Too many new orders; current limit is %s orders per %s.", 429, "assumed"
)  # the HTTP status as spot documents it for its order limit (assumed for fapi)
UNSUPPORTED_OPERATION = _spec(-1020, "UNSUPPORTED_OPERATION", "This operation is not supported.", 405, "assumed")
TIMESTAMP_OUTSIDE_RECV_WINDOW = _spec(
    -1021, "INVALID_TIMESTAMP", "Timestamp for this request is outside of the recvWindow."
)
TIMESTAMP_AHEAD = _spec(-1021, "INVALID_TIMESTAMP", "Timestamp for this request was 1000ms ahead of the server's time.")
INVALID_SIGNATURE = _spec(-1022, "INVALID_SIGNATURE", "Signature for this request is not valid.")
START_TIME_GREATER_THAN_END_TIME = _spec(
    -1023, "START_TIME_GREATER_THAN_END_TIME", "Start time is greater than end time."
)

# --- 11xx request issues ------------------------------------------------------------------
ILLEGAL_CHARS = _spec(
    -1100,
    "ILLEGAL_CHARS",
    "Illegal characters found in parameter '%s'; legal range is '%s'.",
    names_parameter=True,
)
ILLEGAL_CHARS_GENERIC = _spec(-1100, "ILLEGAL_CHARS", "Illegal characters found in a parameter.")
DUPLICATE_PARAMETER = _spec(-1101, "TOO_MANY_PARAMETERS", "Duplicate values for a parameter detected.")
TOO_MANY_PARAMETERS = _spec(-1101, "TOO_MANY_PARAMETERS", "Too many parameters sent for this endpoint.")
MANDATORY_PARAM_EMPTY_OR_MALFORMED = _spec(
    -1102,
    "MANDATORY_PARAM_EMPTY_OR_MALFORMED",
    "Mandatory parameter '%s' was not sent, was empty/null, or malformed.",
    400,
    "observed",
    names_parameter=True,
)
MALFORMED_REQUEST = _spec(
    -1102,
    "MANDATORY_PARAM_EMPTY_OR_MALFORMED",
    "A mandatory parameter was not sent, was empty/null, or malformed.",
)
# GET/DELETE order with neither id; Binance's text for this case (assumed for fapi)
ORDER_ID_MISSING = _spec(
    -1102,
    "MANDATORY_PARAM_EMPTY_OR_MALFORMED",
    "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!",
    400,
    "assumed",
)
# GET/DELETE algoOrder with neither id; worded as -1102 for orders (assumed)
ALGO_ID_MISSING = _spec(
    -1102,
    "MANDATORY_PARAM_EMPTY_OR_MALFORMED",
    "Param 'clientAlgoId' or 'algoId' must be sent, but both were empty/null!",
    400,
    "assumed",
)
# reduceOnly sent by a hedge-mode account [obs PB-947], lower-cased as the real server spells it:
# "Parameter 'reduceonly' sent when not required." (live-tested notes 2026, index ids 66449248460,
# 70110676557; audit #8).
PARAM_NOT_REQUIRED = _spec(
    -1106, "PARAM_NOT_REQUIRED", "Parameter '%s' sent when not required.", 400, "observed", names_parameter=True
)
BAD_PRECISION = _spec(-1111, "BAD_PRECISION", "Precision is over the maximum defined for this asset.", 400, "assumed")
INVALID_TIME_IN_FORCE = _spec(-1115, "INVALID_TIMEINFORCE", "Invalid timeInForce.")
INVALID_ORDER_TYPE = _spec(-1116, "INVALID_ORDER_TYPE", "Invalid orderType.")
INVALID_SIDE = _spec(-1117, "INVALID_SIDE", "Invalid side.")
# a kline interval not in Binance's list: the error page's -1120, as a futures bot met it
# (github.com/Hephyrius/binance_futures_bot/issues/31, "-1120: Invalid interval.")
BAD_INTERVAL = _spec(-1120, "BAD_INTERVAL", "Invalid interval.", 400, "observed")
BAD_SYMBOL = _spec(-1121, "BAD_SYMBOL", "Invalid symbol.")
#: observed on fapi via the official connector, 2026-01 (trading reference §4.1 [obs ICT-73]); the doc
#: page adds "Please use POST /fapi/v1/listenKey to recreate listenKey", the wire did not
INVALID_LISTEN_KEY = _spec(-1125, "INVALID_LISTEN_KEY", "This listenKey does not exist.", 400, "observed")
# The name lower-cased like -1102's (assumed: no capture names a mixed-case parameter in -1130).
INVALID_PARAMETER = _spec(
    -1130, "INVALID_PARAMETER", "Data sent for parameter '%s' is not valid.", 400, "assumed", names_parameter=True
)
INVALID_NEW_ORDER_RESP_TYPE = _spec(-1136, "INVALID_NEW_ORDER_RESP_TYPE", "Invalid newOrderRespType.")

# --- 20xx processing ----------------------------------------------------------------------
BAD_API_KEY_FMT = _spec(-2014, "BAD_API_KEY_FMT", "API-key format invalid.", 401)
# The error-code page prints "Invalid API-key, IP, or permissions for action."; the real server
# adds the requester's IP: "…for action, request ip: 157.254.20.163" (live-tested note 2026-10-05,
# index id 70110676557; production log, id 53618839771; ccxt test runs 2022-2023; audit #10).
REJECTED_MBX_KEY = _spec(
    -2015,
    "REJECTED_MBX_KEY",
    "Invalid API-key, IP, or permissions for action, request ip: %s",
    401,
    "observed",
    names_client_ip=True,
)

UNKNOWN_ORDER = _spec(
    -2011, "CANCEL_REJECTED", "Unknown order sent.", 400, "observed"
)  # hummingbot matches it [sdk HB]
NO_SUCH_ORDER = _spec(-2013, "NO_SUCH_ORDER", "Order does not exist.", 400, "observed")
MAX_OPEN_ORDER_EXCEEDED = _spec(-2025, "MAX_OPEN_ORDER_EXCEEDED", "Reach max open order limit.")
MARGIN_INSUFFICIENT = _spec(
    -2019, "MARGIN_NOT_SUFFICIEN", "Margin is insufficient.", 400, "observed"
)  # [obs CCXT-7542]
REDUCE_ONLY_REJECT = _spec(-2022, "REDUCE_ONLY_REJECT", "ReduceOnly Order is rejected.", 400, "observed")
# TRAILING_STOP_MARKET callbackRate outside 0.1–10 or off its 0.1 step: the code and text bots met
# on the wire ("APIError(code=-2007): Invalid callBack rate", python-binance's e.message compared
# to 'Invalid callBack rate.'; code-index ids 45770338559, 6204468441); not on the error page
INVALID_CALLBACK_RATE = _spec(-2007, "INVALID_CALLBACK_RATE", "Invalid callBack rate.", 400, "observed")
# a conditional (algo) order whose trigger the working price has already reached [doc NOT]
ORDER_WOULD_IMMEDIATELY_TRIGGER = _spec(-2021, "ORDER_WOULD_IMMEDIATELY_TRIGGER", "Order would immediately trigger.")
MAX_LEVERAGE_RATIO = _spec(
    -2027, "MAX_LEVERAGE_RATIO", "Exceeded the maximum allowable position at current leverage.", 400, "assumed"
)

# --- 40xx filters and other issues --------------------------------------------------------
PRICE_LESS_THAN_ZERO = _spec(-4001, "PRICE_LESS_THAN_ZERO", "Price less than 0.")
PRICE_GREATER_THAN_MAX_PRICE = _spec(-4002, "PRICE_GREATER_THAN_MAX_PRICE", "Price greater than max price.")
# The error page says "Quantity less than zero."; the real server answers quantity=0 with this [obs CW-52].
QTY_LESS_THAN_ZERO = _spec(-4003, "QTY_LESS_THAN_ZERO", "Quantity less than or equal to zero.", 400, "observed")
QTY_LESS_THAN_MIN_QTY = _spec(-4004, "QTY_LESS_THAN_MIN_QTY", "Quantity less than min quantity.")
QTY_GREATER_THAN_MAX_QTY = _spec(-4005, "QTY_GREATER_THAN_MAX_QTY", "Quantity greater than max quantity.")
PRICE_NOT_INCREASED_BY_TICK_SIZE = _spec(
    -4014, "PRICE_NOT_INCREASED_BY_TICK_SIZE", "Price not increased by tick size.", 400, "observed"
)
# no trailing period, as observed on testnet (2026) [obs TR-GATE0]
INVALID_CL_ORD_ID_LEN = _spec(
    -4015, "INVALID_CL_ORD_ID_LEN", "Client order id length should be less than 36 chars", 400, "observed"
)
PRICE_HIGHTER_THAN_MULTIPLIER_UP = _spec(
    -4016, "PRICE_HIGHTER_THAN_MULTIPLIER_UP", "Price is higher than mark price multiplier cap."
)
QTY_NOT_INCREASED_BY_STEP_SIZE = _spec(-4023, "QTY_NOT_INCREASED_BY_STEP_SIZE", "Qty not increased by step size.")
PRICE_LOWER_THAN_MULTIPLIER_DOWN = _spec(
    -4024, "PRICE_LOWER_THAN_MULTIPLIER_DOWN", "Price is lower than mark price multiplier floor."
)
# Verbatim as ccxt's binance error map quotes a real reply: {"code":-4028,"msg":"Leverage 100 is not valid"}
# (https://github.com/ccxt/ccxt/blob/master/ts/src/binance.ts, exceptions map) [CCXT].
INVALID_LEVERAGE = _spec(-4028, "INVALID_LEVERAGE", "Leverage %s is not valid", 400, "observed")
# ccxt quotes the real reply: POST /fapi/v1/marginType 400 {"code":-4046,"msg":"No need to change margin type."}
NO_NEED_TO_CHANGE_MARGIN_TYPE = _spec(
    -4046, "NO_NEED_TO_CHANGE_MARGIN_TYPE", "No need to change margin type.", 400, "observed"
)
# -4047: a margin-type change on a symbol with open orders (resting orders exist since issue 11). -4067
# is also sent where the real server was seen to send it without orders (service/account_settings.py).
THERE_EXISTS_OPEN_ORDERS = _spec(
    -4047, "THERE_EXISTS_OPEN_ORDERS", "Margin type cannot be changed if there exists open orders."
)
THERE_EXISTS_QUANTITY = _spec(-4048, "THERE_EXISTS_QUANTITY", "Margin type cannot be changed if there exists position.")
ADD_ISOLATED_MARGIN_REJECT = _spec(
    -4049, "ADD_ISOLATED_MARGIN_REJECT", "Add margin only support for isolated position.", 400, "assumed"
)
CROSS_BALANCE_INSUFFICIENT = _spec(-4050, "CROSS_BALANCE_INSUFFICIENT", "Cross balance insufficient.", 400, "assumed")
ISOLATED_BALANCE_INSUFFICIENT = _spec(
    -4051, "ISOLATED_BALANCE_INSUFFICIENT", "Isolated balance insufficient.", 400, "observed"
)
ADD_ISOLATED_MARGIN_NO_POSITION_REJECT = _spec(
    -4054,
    "ADD_ISOLATED_MARGIN_NO_POSITION_REJECT",
    "Cannot add position margin: position is 0.",
    400,
    "observed",
)
AMOUNT_MUST_BE_POSITIVE = _spec(-4055, "AMOUNT_MUST_BE_POSITIVE", "Amount must be positive.")
NO_NEED_TO_CHANGE_POSITION_SIDE = _spec(-4059, "NO_NEED_TO_CHANGE_POSITION_SIDE", "No need to change position side.")
POSITION_SIDE_NOT_MATCH = _spec(
    -4061, "POSITION_SIDE_NOT_MATCH", "Order's position side does not match user's setting.", 400, "assumed"
)
POSITION_SIDE_CHANGE_EXISTS_OPEN_ORDERS = _spec(
    -4067,
    "POSITION_SIDE_CHANGE_EXISTS_OPEN_ORDERS",
    "Position side cannot be changed if there exists open orders.",
    400,
    "observed",
)
POSITION_SIDE_CHANGE_EXISTS_QUANTITY = _spec(
    -4068, "POSITION_SIDE_CHANGE_EXISTS_QUANTITY", "Position side cannot be changed if there exists position."
)
DUPLICATED_CLIENT_ORDER_ID = _spec(
    -4116, "DUPLICATED_CLIENT_ORDER_ID", "ClientOrderId is duplicated.", 400, "observed"
)  # [obs BG-2]; the error page spells it "clientOrderId is duplicated"
REDUCE_ONLY_MARGIN_CHECK_FAILED = _spec(
    -4118,
    "REDUCE_ONLY_MARGIN_CHECK_FAILED",
    "ReduceOnly Order Failed. Please check your existing position and open orders.",
    400,
    "observed",
)
STOP_ORDER_SWITCH_ALGO = _spec(
    -4120,
    "STOP_ORDER_SWITCH_ALGO",
    "Order type not supported for this endpoint. Please use the Algo Order API endpoints instead.",
    400,
    "observed",
)  # since 2025-12-09 [obs QC-59]
# a second open closePosition order of the same type on the same side, testnet 2026 [obs TR-GATE0];
# the NAME is not known (assumed)
CLOSE_POSITION_ORDER_EXISTS = _spec(
    -4130,
    "CLOSE_POSITION_ORDER_EXISTS",
    "An open stop or take profit order with GTE and closePosition in the direction is existing.",
    400,
    "observed",
)
# trailing period as observed [obs CCXT-21792] (the error page has none)
MARKET_ORDER_REJECT = _spec(
    -4131,
    "MARKET_ORDER_REJECT",
    "The counterparty's best price does not meet the PERCENT_PRICE filter limit.",
    400,
    "observed",
)
ISOLATED_LEVERAGE_REJECT_WITH_POSITION = _spec(
    -4161,
    "ISOLATED_LEVERAGE_REJECT_WITH_POSITION",
    "Leverage reduction is not supported in Isolated Margin Mode with open positions",
)
# the symbol's MIN_NOTIONAL with trailing zeros stripped, the 2023-09+ form [obs AR-77][obs CN-AAPL]
MIN_NOTIONAL = _spec(
    -4164,
    "MIN_NOTIONAL",
    "Order's notional must be no smaller than %s (unless you choose reduce only).",
    400,
    "observed",
)
INVALID_TIME_INTERVAL = _spec(-4165, "INVALID_TIME_INTERVAL", "Maximum time interval is %s days", 400, "assumed")


# --- 50xx order execution -------------------------------------------------------------------
FOK_ORDER_REJECT = _spec(
    -5021, "FOK_ORDER_REJECT", "Due to the order could not be filled immediately, the FOK order has been rejected."
)
GTX_ORDER_REJECT = _spec(
    -5022, "GTX_ORDER_REJECT", "Due to the order could not be executed as maker, the Post Only order will be rejected."
)


def all_specs() -> list[ErrorSpec]:
    """The catalogue in code order, for docs/COVERAGE.md and the table-driven tests."""
    return sorted(CATALOGUE.values(), key=lambda s: (-s.code, s.template))
