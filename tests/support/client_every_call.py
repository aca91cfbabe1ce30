"""Call every public function of integrations/client.py on each URL; print what each did.

A plain script that Python 2.7 runs as well as 3 (no annotations, no f-strings), so both
interpreters are tried the same way::

    python client_every_call.py INTEGRATIONS_DIR URL...

prints one JSON object ``{url: {function: [outcome, message]}}``: outcome is "returned",
"PoolServiceError" or the name of any other exception. ``apply_pool`` gets a job dictionary;
``job_untouched`` says whether a failed call left it as it was.
"""

import json
import sys

JOB = {"name": "comp", "hosts_mask": "rnd-a03"}


def every_call(client, url):
    # type: (object, str) -> dict
    job = dict(JOB)
    calls = [
        ("list_pools", lambda: client.list_pools(url=url)),
        ("pool", lambda: client.PoolServiceClient(url).pool("gpu")),
        ("pool_mask", lambda: client.pool_mask("gpu", url=url)),
        ("apply_pool", lambda: client.apply_pool(job, "gpu", url=url)),
        ("health", lambda: client.PoolServiceClient(url).health()),
    ]
    done = {}  # type: dict
    for name, call in calls:
        try:
            call()
            done[name] = ["returned", ""]
        except client.PoolServiceError as error:
            done[name] = ["PoolServiceError", str(error)]
        except Exception as error:  # what the test is looking for
            done[name] = [type(error).__name__, repr(error)]
    done["job_untouched"] = job == JOB
    return done


def main(argv):
    # type: (list) -> None
    sys.path.insert(0, argv[0])
    import client

    print(json.dumps({url: every_call(client, url) for url in argv[1:]}))


if __name__ == "__main__":
    main(sys.argv[1:])
