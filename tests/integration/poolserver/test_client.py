"""integrations/client.py against a running service, under Python 3 and Python 2.7."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from config.service import create_self_signed
from integrations import client
from pools.masks import matches
from poolserver.service import BackgroundService
from storage.store import PoolStore
from tests.support.poolservice import ServiceFactory
from tests.support.ports import unused_port
from tests.support.python27 import PYTHON27

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]


class CgruJob:
    """What a plugin holds: CGRU's af.Job keeps everything it sends in ``data``.

    The data is what CGRU 3.4.1's af.py sent for ``af.Job('busy_on_a03')`` with
    ``setHostsMask('rnd-a03')`` (recorded): no ``hosts_mask_type``, so afserver's "find".
    """

    def __init__(self) -> None:
        self.data: dict[str, Any] = {
            "name": "busy_on_a03",
            "user_name": "anna",
            "host_name": "ws-anna",
            "priority": 99,
            "hosts_mask": "rnd-a03",
            "blocks": [{"name": "sleep", "service": "generic", "command": "sleep 600"}],
            "folders": {},
        }


def url(service: BackgroundService, scheme: str = "http", host: str = "127.0.0.1") -> str:
    return f"{scheme}://{host}:{service.http_port}"


def test_list_pools_and_pool_mask(service: BackgroundService) -> None:
    pools = client.list_pools(url=url(service))
    assert [p["name"] for p in pools] == ["empty", "gpu", "lighting"]
    answer = client.pool_mask("lighting", url=url(service))
    assert answer["hosts_mask_type"] == "regex"
    assert matches(answer["mask"], "rnd-a02")
    mine = client.pool_mask("lighting", user_mask="rnd-a01", url=url(service))
    assert not matches(mine["mask"], "rnd-a02")


def test_apply_pool_keeps_an_af_job_on_the_pool_and_on_its_own_mask(
    service: BackgroundService,
) -> None:
    job = CgruJob()
    client.apply_pool(job, "lighting", url=url(service))
    assert job.data["hosts_mask_type"] == "regex"
    assert matches(job.data["hosts_mask"], "rnd-a03")  # in the pool and in the job's mask
    assert not matches(job.data["hosts_mask"], "rnd-a01")  # in the pool only
    assert not matches(job.data["hosts_mask"], "rnd-a030")  # the find mask's prefix, not pool
    assert "hosts_mask_exclude" not in job.data


def test_apply_pool_converts_the_jobs_find_exclude_mask(service: BackgroundService) -> None:
    job = {"name": "comp", "hosts_mask_exclude": "rnd-a02"}
    client.apply_pool(job, "lighting", url=url(service))
    assert matches(job["hosts_mask_exclude"], "rnd-a02")
    assert not matches(job["hosts_mask_exclude"], "rnd-a01")


def test_errors_are_one_readable_sentence(service: BackgroundService) -> None:
    with pytest.raises(client.PoolServiceError) as unknown:
        client.pool_mask("nope", url=url(service))
    assert str(unknown.value) == "There is no pool named 'nope'."
    assert unknown.value.status == 404
    closed = f"http://127.0.0.1:{unused_port()}"
    with pytest.raises(client.PoolServiceError, match="cannot be reached"):
        client.list_pools(url=closed, timeout=2)


def test_tls_with_a_ca_file(
    seeded: PoolStore, make_service: ServiceFactory, tmp_path: Path
) -> None:
    cert, key = create_self_signed(tmp_path, ["localhost"])
    running = make_service(service_tls_cert=str(cert), service_tls_key=str(key))
    secure = url(running, "https", "localhost")
    assert len(client.list_pools(url=secure, ca_file=str(cert))) == 3
    with pytest.raises(client.PoolServiceError, match="TLS check") as untrusted:
        client.list_pools(url=secure)
    assert "AFPOOLS_SERVICE_CA" in str(untrusted.value)


def test_https_to_a_plaintext_port_says_the_service_does_not_speak_tls_there(
    service: BackgroundService, tmp_path: Path
) -> None:
    cert, _key = create_self_signed(tmp_path, ["localhost"])
    with pytest.raises(client.PoolServiceError) as caught:
        client.list_pools(url=url(service, "https"), ca_file=str(cert))
    assert str(caught.value) == (
        f"The pool service at {url(service, 'https')} does not speak TLS on that port; "
        "use an http:// address."
    )


PY27_SCRIPT = """
import json, sys
sys.path.insert(0, sys.argv[1])
import client
options = json.loads(sys.argv[2])
out = {"pools": [p["name"] for p in client.list_pools(**options)]}
class Job(object):
    def __init__(self):
        self.data = {"name": "py2 job", "hosts_mask": "rnd-a03"}
job = Job()
client.apply_pool(job, "lighting", **options)
out["job"] = job.data
try:
    client.pool_mask("nope", **options)
except client.PoolServiceError as error:
    out["error"] = str(error)
try:
    client.pool_mask(u"\\u00e9clairage", **options)
except client.PoolServiceError as error:
    out["str"] = str(error).decode("utf-8")  # what print(error) writes
    out["unicode"] = unicode(error)
    out["formatted"] = u"%s" % error
if options["url"].startswith("http://"):
    try:
        client.list_pools(url="https://" + options["url"][len("http://"):])
    except client.PoolServiceError as error:
        out["https_to_http"] = str(error)
print(json.dumps(out))
"""


@pytest.mark.skipif(PYTHON27 is None, reason="no Python 2.7 on this machine")
@pytest.mark.parametrize("tls", [False, True], ids=["http", "https"])
def test_the_client_works_under_python_27(
    seeded: PoolStore, make_service: ServiceFactory, tmp_path: Path, tls: bool
) -> None:
    assert PYTHON27 is not None
    options: dict[str, Any] = {}
    if tls:
        cert, key = create_self_signed(tmp_path, ["localhost"])
        running = make_service(service_tls_cert=str(cert), service_tls_key=str(key))
        options = {"url": url(running, "https", "localhost"), "ca_file": str(cert)}
    else:
        running = make_service()
        options = {"url": url(running)}
    done = subprocess.run(
        [PYTHON27, "-c", PY27_SCRIPT, str(ROOT / "integrations"), json.dumps(options)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["pools"] == ["empty", "gpu", "lighting"]
    assert out["job"]["hosts_mask_type"] == "regex"
    assert matches(out["job"]["hosts_mask"], "rnd-a03")
    assert not matches(out["job"]["hosts_mask"], "rnd-a01")
    assert out["error"] == "There is no pool named 'nope'."
    missing = "There is no pool named 'éclairage'."
    assert (out["str"], out["unicode"], out["formatted"]) == (missing, missing, missing)
    if not tls:
        assert "does not speak TLS on that port" in out["https_to_http"]


@pytest.mark.parametrize(
    "python",
    [
        pytest.param(sys.executable, id="python3"),
        pytest.param(
            PYTHON27,
            id="python2.7",
            marks=pytest.mark.skipif(
                PYTHON27 is None, reason="no Python 2.7 on this machine (pyenv's 2.7 is looked for)"
            ),
        ),
    ],
)
def test_every_function_pointed_at_the_2019_port_says_so_in_one_sentence(
    service: BackgroundService, python: str | None
) -> None:
    """A plugin still configured with the 2019 server's port (9999) gets its answer refused.

    Python 2.7's httplib reads that protocol's reply as an HTTP/0.9 "200": list_pools raised
    KeyError('pools'), and pool_mask and health returned the error header as their answer.
    """
    assert python is not None
    legacy = f"http://127.0.0.1:{service.legacy_port}"
    done = subprocess.run(
        [
            python,
            str(ROOT / "tests/support/client_every_call.py"),
            str(ROOT / "integrations"),
            legacy,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout)[legacy]
    assert outcome.pop("job_untouched") is True
    sentence = (
        f"The pool service at {legacy} answered in the 2019 pool protocol, not HTTP; "
        "use the service's HTTP port (51080 by default)."
    )
    assert outcome == {
        name: ["PoolServiceError", sentence]
        for name in ("list_pools", "pool", "pool_mask", "apply_pool", "health")
    }
