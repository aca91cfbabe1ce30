"""The HTTP/JSON API through http.client and curl, as plugins and farm scripts use it."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import urllib.parse
from urllib.parse import quote

import pytest

from pools.masks import matches, pool_job_masks
from poolserver.service import BackgroundService
from storage.store import PoolStore
from tests.support.poolservice import ServiceFactory, call, wait_until

pytestmark = pytest.mark.integration


def test_health_says_the_service_is_ready(service: BackgroundService) -> None:
    reply = call(service.http_port, "/v1/health")
    assert reply.status == 200
    health = reply.json()
    assert health["status"] == "ok"
    assert health["store"] == "ok"
    assert health["pools"] == 3


def test_pools_lists_names_colours_descriptions_members_and_revision(
    service: BackgroundService, seeded: PoolStore
) -> None:
    reply = call(service.http_port, "/v1/pools")
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("application/json")
    listing = reply.json()
    assert listing["revision"] == seeded.revision()
    by_name = {p["name"]: p for p in listing["pools"]}
    assert [p["name"] for p in listing["pools"]] == ["empty", "gpu", "lighting"]
    assert by_name["lighting"]["hosts"] == ["rnd-a01", "rnd-a02", "rnd-a03"]
    assert by_name["lighting"]["color"] == "#ffaa00"
    assert by_name["lighting"]["description"] == "Lighting farm"
    assert by_name["lighting"]["revision"] >= 2


def test_one_pool_and_an_unknown_one(service: BackgroundService) -> None:
    reply = call(service.http_port, "/v1/pools/gpu")
    assert reply.status == 200
    assert reply.json()["pool"]["hosts"] == ["gpu-01"]
    missing = call(service.http_port, "/v1/pools/nope")
    assert missing.status == 404
    assert missing.json() == {"error": "There is no pool named 'nope'."}


def test_pool_names_with_slashes_and_spaces_are_reachable_when_encoded(
    seeded: PoolStore, make_service: ServiceFactory
) -> None:
    seeded.create("comp/late night")
    seeded.add_hosts("comp/late night", ["cmp-01"])
    running = make_service()
    reply = call(running.http_port, "/v1/pools/" + quote("comp/late night", safe="") + "/mask")
    assert reply.status == 200
    assert matches(reply.json()["mask"], "cmp-01")


def test_mask_is_the_exact_mask_of_pools_masks(service: BackgroundService) -> None:
    path = "/v1/pools/lighting/mask?user_mask=rnd-a0&user_mask_type=find&user_exclude=rnd-a03"
    answer = call(service.http_port, path).json()
    expected = pool_job_masks(["rnd-a01", "rnd-a02", "rnd-a03"], "rnd-a0", "rnd-a03", "find")
    assert answer["mask"] == expected.hosts_mask
    assert answer["hosts_mask_exclude"] == expected.hosts_mask_exclude
    assert answer["hosts_mask_type"] == "regex"
    assert answer["kind"] == "include"
    assert answer["hosts"] == 3


def test_include_mask_matches_exactly_the_members(service: BackgroundService) -> None:
    mask = call(service.http_port, "/v1/pools/lighting/mask").json()["mask"]
    for name in ("rnd-a01", "rnd-a02", "rnd-a03"):
        assert matches(mask, name)
    for name in ("rnd-a04", "rnd-a010", "gpu-01", "ws-anna"):
        assert not matches(mask, name)


def test_an_empty_pool_matches_no_host_at_all(service: BackgroundService) -> None:
    mask = call(service.http_port, "/v1/pools/empty/mask").json()["mask"]
    assert not matches(mask, "rnd-a01")
    assert not matches(mask, "")


def test_exclude_mask_names_every_known_host_outside_the_pool(service: BackgroundService) -> None:
    answer = call(service.http_port, "/v1/pools/lighting/mask?kind=exclude").json()
    assert answer["kind"] == "exclude"
    for name in ("gpu-01", "ws-anna"):
        assert matches(answer["mask"], name)
    for name in ("rnd-a01", "rnd-a02", "rnd-a03"):
        assert not matches(answer["mask"], name)


def test_exclude_mask_keeps_the_jobs_own_exclusions(service: BackgroundService) -> None:
    path = "/v1/pools/lighting/mask?kind=exclude&user_mask=rnd-a02&user_mask_type=find"
    mask = call(service.http_port, path).json()["mask"]
    assert matches(mask, "rnd-a02")  # the job's own exclusion
    assert matches(mask, "gpu-01")  # outside the pool
    assert not matches(mask, "rnd-a01")


@pytest.mark.parametrize(
    ("query", "word"),
    [
        ("kind=sideways", "kind"),
        ("user_mask_type=glob&user_mask=x", "user_mask_type"),
        ("user_mask=rnd(&user_mask_type=regex", "not a valid regular expression"),
        ("usermask=rnd", "usermask"),
        ("kind=include&kind=exclude", "more than once"),
        ("kind=exclude&user_exclude=x", "user_exclude"),
    ],
)
def test_a_bad_mask_question_is_a_400_with_a_sentence(
    service: BackgroundService, query: str, word: str
) -> None:
    reply = call(service.http_port, "/v1/pools/lighting/mask?" + query)
    assert reply.status == 400
    error = reply.json()["error"]
    assert word in error
    assert error.endswith(".")


def test_hosts_lists_known_hosts_with_state_and_pools(service: BackgroundService) -> None:
    hosts = {h["name"]: h for h in call(service.http_port, "/v1/hosts").json()["hosts"]}
    assert hosts["ws-anna"]["ip"] == "10.0.0.7"
    assert hosts["ws-anna"]["sources"] == ["arp"]
    assert hosts["rnd-a01"]["pools"] == ["lighting"]
    assert hosts["rnd-a01"]["state"] == "unknown"  # afserver is off in these tests


def test_etag_and_if_none_match_give_304_until_the_pools_change(
    service: BackgroundService, seeded: PoolStore
) -> None:
    first = call(service.http_port, "/v1/pools")
    etag = first.headers["ETag"]
    again = call(service.http_port, "/v1/pools", headers={"If-None-Match": etag})
    assert again.status == 304
    assert again.body == b""
    assert again.headers["ETag"] == etag
    seeded.add_hosts("gpu", ["gpu-02"])
    changed = wait_until(
        lambda: (
            (r := call(service.http_port, "/v1/pools", headers={"If-None-Match": etag}))
            and r.status == 200
            and r
        ),
        "the new revision to be served",
    )
    assert changed.headers["ETag"] != etag
    assert "gpu-02" in json.dumps(changed.json())


def test_unknown_route_is_404_and_wrong_method_is_405_with_allow(
    service: BackgroundService,
) -> None:
    missing = call(service.http_port, "/v2/pools")
    assert missing.status == 404
    assert "/v1/pools" in missing.json()["error"]
    wrong = call(service.http_port, "/v1/hosts", method="POST", body=b"{}")
    assert wrong.status == 405
    assert wrong.headers["Allow"] == "GET, HEAD"
    assert wrong.json()["error"].startswith("POST is not allowed on /v1/hosts")


def test_an_http_2_request_line_gets_an_http_1_1_answer_505(service: BackgroundService) -> None:
    """aiohttp's parser takes "HTTP/2.0" (other versions are a 400) and echoed it in its
    status line ("HTTP/2.0 200 OK"), which no client can read."""
    version = b"HTTP/2.0"
    with socket.create_connection(("127.0.0.1", service.http_port), timeout=10) as sock:
        sock.sendall(b"GET /v1/health " + version + b"\r\nHost: x\r\n\r\n")
        received = b""
        while chunk := sock.recv(65536):
            received += chunk

    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 505 ")
    assert json.loads(body)["error"] == (
        f"The pool service speaks HTTP/1.1, not {version.decode()}."
    )


def test_head_answers_headers_only(service: BackgroundService) -> None:
    reply = call(service.http_port, "/v1/pools", method="HEAD")
    assert reply.status == 200
    assert reply.body == b""
    assert "ETag" in reply.headers


def test_a_body_over_the_limit_is_413(make_service: ServiceFactory, seeded: PoolStore) -> None:
    running = make_service(service_writes=True, service_write_token="t" * 32)
    reply = call(
        running.http_port,
        "/v1/pools",
        method="POST",
        body=b"x" * 70_000,
        headers={"Authorization": "Bearer " + "t" * 32},
    )
    assert reply.status == 413
    assert reply.json() == {"error": "A request body can have at most 65536 bytes."}


def test_headers_over_the_limit_are_refused_with_json(service: BackgroundService) -> None:
    headers = {f"X-Filler-{n}": "y" * 1000 for n in range(20)}
    reply = call(service.http_port, "/v1/pools", headers=headers)
    assert reply.status == 431
    assert "16384 bytes" in reply.json()["error"]
    within = call(service.http_port, "/v1/pools", headers={"X-Long": "z" * 9000})
    assert within.status == 200  # 9,000 bytes are within service_max_header_bytes
    one_long = call(service.http_port, "/v1/pools", headers={"X-Long": "z" * 20_000})
    assert one_long.status == 431
    assert one_long.json() == {"error": "A request header line can have at most 16384 bytes."}


def test_a_long_percent_encoded_mask_question_is_answered(service: BackgroundService) -> None:
    """A job's own regex masks, 2,000 characters each, more than double when %-encoded."""
    user_mask = "|".join(f"(?:[r][n][d][-][a][0][{1 + n % 2}])" for n in range(75))
    user_exclude = user_mask.replace("[a]", "[b]")
    query = urllib.parse.urlencode(
        {"user_mask": user_mask, "user_mask_type": "regex", "user_exclude": user_exclude},
        quote_via=urllib.parse.quote,
    )
    path = f"/v1/pools/lighting/mask?{query}"
    assert 8190 < len(path) < 16384
    reply = call(service.http_port, path)
    assert reply.status == 200, reply.body
    assert matches(reply.json()["mask"], "rnd-a02")
    assert not matches(reply.json()["mask"], "rnd-a03")
    assert reply.json()["hosts_mask_exclude"] == user_exclude


def test_a_request_line_over_the_limit_is_414_with_a_sentence(service: BackgroundService) -> None:
    reply = call(service.http_port, "/v1/pools/lighting/mask?user_mask=" + "%28" * 6000)
    assert reply.status == 414
    assert reply.json() == {"error": "The request line can have at most 16384 bytes."}
    assert call(service.http_port, "/v1/health").status == 200


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_gets_pools_and_a_mask(service: BackgroundService) -> None:
    base = f"http://127.0.0.1:{service.http_port}"
    listing = subprocess.run(
        ["curl", "-sS", "--fail", f"{base}/v1/pools"],
        capture_output=True,
        check=True,
        timeout=30,
    )
    assert "lighting" in [p["name"] for p in json.loads(listing.stdout)["pools"]]
    mask = subprocess.run(
        [
            "curl",
            "-sS",
            "-G",
            f"{base}/v1/pools/lighting/mask",
            "--data-urlencode",
            "user_mask=rnd-a01",
        ],
        capture_output=True,
        check=True,
        timeout=30,
    )
    assert matches(json.loads(mask.stdout)["mask"], "rnd-a01")
    assert not matches(json.loads(mask.stdout)["mask"], "rnd-a02")
    status = subprocess.run(
        ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", f"{base}/v1/pools/nope"],
        capture_output=True,
        check=True,
        timeout=30,
        text=True,
    )
    assert status.stdout == "404"
