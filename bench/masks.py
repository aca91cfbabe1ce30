"""How big, how fast to build and how fast to match are pool masks on farms of 1k-20k hosts.

For each farm a pool of 20% of the hosts is taken twice: a contiguous block
(``rnd-0001``...) and a random pick (fixed seed). The pool's include mask is compared with
the naive ``|``-join of escaped names; it is matched against every render with the real
std::regex (tests/support harness, needs g++); the exclude mask of the 2019 tool (every
other host) and the naive join are run through std::regex too, because a mask std::regex
refuses or overflows its stack on would leave afserver unable to place the job.

Run from the repository root: ``.venv/bin/python bench/masks.py [--json]``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pools.masks import escape, exclude_mask, include_mask
from tests.support.cxx_regex import CompileError, CxxRegex

SIZES = (1_000, 5_000, 20_000)
POOL_SHARE = 5  # one host in five
SEED = 2019
STACKS_KIB = (16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384)
ODD_NAMES = [
    "render(1)", "node[2]", "gpu+fast", "tmp.host", "a|b", "x*y", "q?", "$dollar", "^caret",
    "{brace}", "back\\slash", "path/like", "büro-01", "ws-zoë",
]  # fmt: skip
FIRST_NAMES = ["anna", "bob", "chen", "dmitri", "eva", "farid", "gita", "hugo", "ines", "jon"]


def studio_farm(size: int) -> list[str]:
    """Names as studios grow them: racks numbered past their padding, GPUs, comps, desks."""
    rnd = [f"rnd-{n:04d}" for n in range(1, size * 55 // 100 + 1)]  # rnd-9999, then rnd-10000
    gpu = [f"gpu-{n:03d}" for n in range(1, size * 15 // 100 + 1)]
    comp = [f"comp-{n:02d}" for n in range(1, size * 15 // 100 + 1)]
    desks = size - len(rnd) - len(gpu) - len(comp) - len(ODD_NAMES)
    ws = [f"ws-{FIRST_NAMES[n % 10]}{n // 10 or ''}" for n in range(desks)]
    return rnd + gpu + comp + ws + ODD_NAMES


def pools_of(farm: list[str]) -> dict[str, list[str]]:
    count = len(farm) // POOL_SHARE
    return {
        "contiguous": [f"rnd-{n:04d}" for n in range(1, count + 1)],
        "random": random.Random(SEED).sample(farm, count),
    }


def best_ms(build: Callable[[], str], runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        build()
        best = min(best, time.perf_counter() - start)
    return best * 1000


def min_stack_kib(cxx: CxxRegex, mask: str, names: Sequence[str]) -> int | None:
    """Smallest thread stack (from STACKS_KIB) on which std::regex matches every name."""
    for stack in STACKS_KIB:
        if cxx.survives(mask, names, stack):
            return stack
    return None


def std_regex_figures(
    cxx: CxxRegex, mask: str, farm: list[str], expected: int, deepest: Sequence[str]
) -> dict[str, Any]:
    """Match time per render, or why std::regex cannot use the mask at all.

    The stack probe matches a sample of the farm plus ``deepest``, the names the mask
    was built from: in a naive join the first of them recurses the deepest.
    """
    try:
        us, matched = cxx.timed_match(mask, farm, rounds=3)
    except CompileError as error:
        return {"compiles": False, "error": error.code}
    if matched != expected:
        raise SystemExit(f"mask matched {matched} renders instead of {expected}")
    stack_probe = [*deepest[:50], *farm[:: max(1, len(farm) // 1000)]]
    return {
        "compiles": True,
        "match_us_per_render": round(us, 3),
        "min_stack_kib": min_stack_kib(cxx, mask, stack_probe),
    }


def measure_case(cxx: CxxRegex, farm: list[str], pool: list[str]) -> dict[str, Any]:
    include = include_mask(pool)
    exclude = exclude_mask(pool, farm)
    naive = "|".join(escape(name) for name in pool)
    members = set(pool)
    outside = [name for name in farm if name not in members]
    naive_exclude = "|".join(escape(name) for name in outside)
    return {
        "pool_hosts": len(pool),
        "mask_chars": len(include),
        "naive_chars": len(naive),
        "ratio": round(len(include) / len(naive), 4),
        "generate_ms": round(best_ms(lambda: include_mask(pool), runs=7), 2),
        "std_regex": std_regex_figures(cxx, include, farm, len(pool), pool),
        "exclude_chars": len(exclude),
        "exclude_naive_chars": len(naive_exclude),
        "exclude_generate_ms": round(best_ms(lambda: exclude_mask(pool, farm), runs=5), 2),
        "exclude_std_regex": std_regex_figures(cxx, exclude, farm, len(outside), outside),
        "naive_std_regex": std_regex_figures(cxx, naive, farm, len(pool), pool),
        "naive_exclude_std_regex": std_regex_figures(
            cxx, naive_exclude, farm, len(outside), outside
        ),
    }


def run() -> dict[str, Any]:
    cxx = CxxRegex()
    sizes: dict[str, dict[str, Any]] = {}
    for size in SIZES:
        farm = studio_farm(size)
        sizes[str(size)] = {
            shape: measure_case(cxx, farm, pool) for shape, pool in pools_of(farm).items()
        }
    largest = sizes[str(SIZES[-1])].values()
    return {
        "contiguous_ratio": sizes["1000"]["contiguous"]["ratio"],
        "random_ratio": sizes["1000"]["random"]["ratio"],
        "generate_ms_20000": max(case["generate_ms"] for case in largest),
        "match_us_per_render_20000": max(
            case["std_regex"]["match_us_per_render"] for case in largest
        ),
        "exclude_generate_ms_20000": max(case["exclude_generate_ms"] for case in largest),
        "definitions": {
            "contiguous_ratio": "include mask / naive |-join, pool rnd-0001..rnd-0200 of 1,000",
            "random_ratio": "include mask / naive |-join, random 20% pool of 1,000 hosts",
            "generate_ms_20000": "include_mask(), best of 7 runs, slower pool shape, 20,000 hosts",
            "match_us_per_render_20000": "std::regex_match of the include mask against every "
            "render, microseconds per render, slower pool shape, 20,000 hosts",
            "exclude_generate_ms_20000": "exclude_mask() (all - pool), best of 5, slower shape",
            "min_stack_kib": f"smallest thread stack of {list(STACKS_KIB)} KiB that survives",
        },
        "sizes": sizes,
    }


def _std(figures: dict[str, Any]) -> str:
    if not figures["compiles"]:
        return f"refused ({figures['error']})"
    stack = figures["min_stack_kib"]
    stack_text = f"{stack} KiB" if stack else f"> {STACKS_KIB[-1]} KiB"
    return f"{figures['match_us_per_render']:.3f} µs, stack {stack_text}"


def print_table(result: dict[str, Any]) -> None:
    print("Pool include mask (what a job gets):")
    print(
        f"{'hosts':>6} {'pool':<10} {'mask':>6} {'naive':>6} {'ratio':>6} {'gen ms':>7}"
        "  std::regex_match per render"
    )
    for size, shapes in result["sizes"].items():
        for shape, case in shapes.items():
            print(
                f"{size:>6} {shape:<10} {case['mask_chars']:>6} {case['naive_chars']:>6}"
                f" {case['ratio']:>6.3f} {case['generate_ms']:>7.2f}  {_std(case['std_regex'])}"
            )
    print("\nOther forms under std::regex (exclude = every host outside the pool):")
    print(
        f"{'hosts':>6} {'pool':<10} {'excl':>6} {'gen ms':>7}  {'exclude mask':<28}"
        f"  {'naive |-join':<28}  naive exclude |-join"
    )
    for size, shapes in result["sizes"].items():
        for shape, case in shapes.items():
            print(
                f"{size:>6} {shape:<10} {case['exclude_chars']:>6}"
                f" {case['exclude_generate_ms']:>7.2f}  {_std(case['exclude_std_regex']):<28}"
                f"  {_std(case['naive_std_regex']):<28}  {_std(case['naive_exclude_std_regex'])}"
            )
    print()
    for key in (
        "contiguous_ratio",
        "random_ratio",
        "generate_ms_20000",
        "match_us_per_render_20000",
    ):
        print(f"{key} = {result[key]}  ({result['definitions'][key]})")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    arguments = parser.parse_args(argv)
    result = run()
    if arguments.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        print_table(result)


if __name__ == "__main__":
    main()
