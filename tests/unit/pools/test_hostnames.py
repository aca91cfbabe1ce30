"""Names typed for machines: what no host can be called is refused, what is odd remarked."""

from __future__ import annotations

import pytest

from pools.hostnames import hostname_problem, hostname_remark


@pytest.mark.parametrize(
    "name", ["rnd-01", "RND-A01", "gpu-a100", "ws-anna2", "a", "1st-floor", "x" * 63]
)
def test_ordinary_names_pass_without_a_remark(name: str) -> None:
    assert (hostname_problem(name), hostname_remark(name)) == ("", "")


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("host$1", "'$' cannot be"),
        ("a b", "' ' cannot be"),
        ("tab\tname", "'\\t' cannot be"),
        ("a/b", "'/' cannot be"),
        ("-lead", "never starts or ends a part with a hyphen"),
        ("trail-.studio", "never starts or ends a part with a hyphen"),
        ("a..b", "no empty part between dots"),
        (".lead", "no empty part between dots"),
        ("y" * 64, "at most 63 characters"),
        ("z." * 127 + "z", "at most 253 characters"),
        ("", "cannot be empty"),
    ],
)
def test_impossible_names_are_refused_with_the_reason(name: str, why: str) -> None:
    assert why in hostname_problem(name)


@pytest.mark.parametrize(
    ("name", "remark"),
    [
        ("ws_anna", "underscore"),
        ("rnd-01.studio.lan", "full domain name"),
        ("10.0.0.5", "is an address"),
        ("büro-01", "beyond ASCII"),
    ],
)
def test_legal_but_unusual_names_get_a_remark(name: str, remark: str) -> None:
    assert hostname_problem(name) == ""
    assert remark in hostname_remark(name)
