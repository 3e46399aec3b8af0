"""The two rules of the real server's error texts the catalogue applies once (isomargin/errors.py).

Every message that names a request parameter spells it lower-cased (audit #8), and -2015 ends with
the requester's IP, filled in where the answer is rendered (audit #10).
"""

from __future__ import annotations

import re

from isomargin import errors

_NAMES_A_PARAMETER = re.compile(r"parameter '%s'", re.IGNORECASE)


def test_every_message_that_names_a_parameter_lower_cases_it() -> None:
    """A new entry naming a parameter (the order endpoints' -1106, …) cannot forget the rule."""
    naming = [s for s in errors.all_specs() if _NAMES_A_PARAMETER.search(s.template)]
    assert {s.code for s in naming} >= {-1100, -1102, -1106, -1130}
    assert [s.template for s in naming if not s.names_parameter] == []


def test_parameter_names_are_lower_cased_and_other_arguments_kept() -> None:
    assert errors.MANDATORY_PARAM_EMPTY_OR_MALFORMED.error("marginType").body() == {
        "code": -1102,
        "msg": "Mandatory parameter 'margintype' was not sent, was empty/null, or malformed.",
    }
    assert errors.PARAM_NOT_REQUIRED.error("reduceOnly").msg == "Parameter 'reduceonly' sent when not required."
    # only the name: the legal range keeps its case
    assert errors.ILLEGAL_CHARS.error("symbol", "^[A-Z0-9-_.]{1,20}$").msg == (
        "Illegal characters found in parameter 'symbol'; legal range is '^[A-Z0-9-_.]{1,20}$'."
    )
    # a message that names no parameter is left alone
    assert errors.INVALID_LEVERAGE.error("ABC").msg == "Leverage ABC is not valid"


def test_rejected_key_names_the_ip_it_is_rendered_for() -> None:
    raised = errors.REJECTED_MBX_KEY.error()  # raised deep in the chain, where no IP is known
    assert raised.body("203.0.113.7") == {
        "code": -2015,
        "msg": "Invalid API-key, IP, or permissions for action, request ip: 203.0.113.7",
    }
    assert errors.TOO_MANY_REQUESTS.error("1.2.3.4", 2400).msg == (
        "Too many requests; current limit of IP(1.2.3.4) is 2400 requests per minute. "
        "Please use the websocket for live updates to avoid polling the API."
    )
