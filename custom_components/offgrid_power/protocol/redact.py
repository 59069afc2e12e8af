"""Addresses fit for logs, titles and error texts: credentials taken out by structure.

A serial port URL, a host or a CAN channel may carry a secret in any part a
URL has for one: the user info (``user:password@``), a query parameter
(``?noise_psk=…``, ``&api_password=…``), a ``;`` parameter (``;key=…``) or
the fragment. Which names hold secrets differs per tool, so every value of
those parts is replaced, whatever it is called; the scheme, host, port and
path stay, so the text still says which device is meant. The one exception
is a short list of parameters known to only name a thing (an unknown name is
masked, so the list can only fail safe).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

MASK = "***"

# Parameters that name a port on a proxy, shown so a title tells two ports apart.
_NAMING_PARAMETERS = frozenset({"port_name"})
# Every value after `?`, `&` or `;` (a name without `=` counts as a value).
_PARAMETER = re.compile(r"(?P<sep>[?&;])(?P<name>[^?&;=#]*)(?P<value>=[^?&;#]*)?")


def safe_address(address: str) -> str:
    """``address`` with its user info, parameter values and fragment masked.

    ``socket://user:pw@host:3333/x;key=k?a=1&b#frag`` becomes
    ``socket://***@host:3333/x;key=***?a=***&***#***``. Without a scheme
    (a bare host or a device path) user info counts only when it holds a
    ``:``, so slcan's ``COM3@115200`` (port at baud rate) stays readable.
    """
    scheme, separator, rest = address.partition("://")
    if not separator:
        scheme, rest = "", address
    rest, hashed, _fragment = rest.partition("#")
    authority, slash, path = rest.partition("/")
    userinfo, at, host = authority.rpartition("@")
    if at and (separator or ":" in userinfo):
        authority = f"{MASK}@{host}"
    masked = _PARAMETER.sub(_mask_parameter, f"{authority}{slash}{path}")
    return f"{scheme}{separator}{masked}{'#' + MASK if hashed else ''}"


def without_userinfo(url: str) -> str:
    """``url`` with its user info (``user:password@``) dropped, for a link a user may follow.

    A link is shown as-is (device pages, diagnostics), so its credentials go
    entirely: masking them would leave a link that no longer works.
    """
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def _mask_parameter(match: re.Match[str]) -> str:
    name = match["name"]
    if not name and match["value"] is None:
        return match["sep"]
    if name.lower() in _NAMING_PARAMETERS:
        return match[0]
    if match["value"] is None:
        # A bare token (``?secret``) may be the secret itself.
        return f"{match['sep']}{MASK}"
    return f"{match['sep']}{name}={MASK}"


# Shorter parts are not worth hiding and would mask unrelated text.
_MIN_SECRET_LENGTH = 4


def mask_address_in(text: str, address: str) -> str:
    """``text`` (say, another library's error message) with ``address`` shown safely.

    Libraries quote addresses in pieces too (python-can cuts an SLCAN channel
    at ``@``), so each credential of the address is masked wherever it shows.
    """
    if not address:
        return text
    text = text.replace(address, safe_address(address))
    for secret in _secrets(address):
        text = text.replace(secret, MASK)
    return text


def _secrets(address: str) -> list[str]:
    """The credential-bearing parts of ``address``: those `safe_address` masks."""
    scheme, separator, rest = address.partition("://")
    rest, _, fragment = (rest if separator else address).partition("#")
    authority, _, _ = rest.partition("/")
    userinfo, at, _ = authority.rpartition("@")
    found = [fragment]
    if at and (separator or ":" in userinfo):
        found.append(userinfo)
    for match in _PARAMETER.finditer(rest):
        if match["name"].lower() not in _NAMING_PARAMETERS:
            found.append((match["value"] or "=")[1:] if match["value"] else match["name"])
    return sorted((s for s in found if len(s) >= _MIN_SECRET_LENGTH), key=len, reverse=True)
