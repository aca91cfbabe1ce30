"""Names typed for machines that are not seen yet: what no host can be called, what is odd.

A render's name is whatever its machine reports to afserver, so names that arrive from
afserver or a scan are taken as they are. A name an admin types is another matter: a typo
there (``host$1``, ``-lead``, ``(x)``) would sit in a pool for ever and match nothing. Host
names are letters, digits and hyphens in dot-separated labels (RFC 952/1123); Windows adds
the underscore. Anything else is refused with the reason; names that are legal but rarely
what a render is called (a full domain name, an IP address, an underscore, letters beyond
ASCII) are allowed with a remark.
"""

from __future__ import annotations

import ipaddress
import re

LABEL_MAX = 63
NAME_MAX = 253
_ALLOWED = re.compile(r"[\w.-]+")  # letters of any script, digits, _ . -


def hostname_problem(name: str) -> str:
    """Why no machine can be called ``name``, in one sentence; '' when it can."""
    if not name:
        return "A host name cannot be empty."
    if len(name) > NAME_MAX:
        return f"A host name can have at most {NAME_MAX} characters; this one has {len(name)}."
    if not _ALLOWED.fullmatch(name):
        bad = ", ".join(repr(ch) for ch in dict.fromkeys(name) if not _ALLOWED.fullmatch(ch))
        return f"{name!r}: {bad} cannot be in a host name (letters, digits, hyphens, dots)."
    for label in name.split("."):
        if not label:
            return f"{name!r}: a host name has no empty part between dots."
        if label.startswith("-") or label.endswith("-"):
            return f"{name!r}: a host name never starts or ends a part with a hyphen."
        if len(label) > LABEL_MAX:
            return f"{name!r}: a part of a host name has at most {LABEL_MAX} characters."
    return ""


def hostname_remark(name: str) -> str:
    """A remark on a legal name that is rarely a render's name; '' when it looks usual."""
    try:
        ipaddress.ip_address(name)
    except ValueError:
        pass
    else:
        return f"{name} is an address; afserver knows renders by name, so it matches no render."
    if "." in name:
        return f"{name} is a full domain name; afserver usually names renders by the short name."
    if "_" in name:
        return f"{name} has an underscore, which DNS host names do not allow."
    if not name.isascii():
        return f"{name} has letters beyond ASCII; check that the render reports it so."
    return ""
