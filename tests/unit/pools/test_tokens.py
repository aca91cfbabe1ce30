"""The pool token grammar: how a hosts mask with ``@pool`` parts is read and rewritten."""

from __future__ import annotations

import pytest

from pools.masks import MATCH_NOTHING, MaskError, matches
from pools.tokens import (
    MAX_PARTS,
    find_mask_regex,
    has_tokens,
    parse_mask,
    pool_token,
    regex_reading_within_find,
    untypeable_reason,
)


def admitted(regex: str | None, names: list[str]) -> list[str]:
    return [name for name in names if regex is None or matches(regex, name)]


NAMES = ["rnd-a01", "rnd-a02", "rnd-a10", "rnd-b01", "gpu-01", "gpu-010", "ws-anna", "@lighting"]


def test_a_mask_splits_on_every_find_separator_into_tokens_and_plain_parts() -> None:
    parsed = parse_mask("@lighting|@gpu;rnd-a,ws:@comp rnd-b")

    assert parsed.tokens == ("lighting", "gpu", "comp")
    assert parsed.plain == ("rnd-a", "ws", "rnd-b")


def test_a_token_typed_twice_names_its_pool_once_and_a_lone_at_sign_is_a_plain_part() -> None:
    parsed = parse_mask("@gpu @gpu @")

    assert parsed.tokens == ("gpu",)
    assert parsed.plain == ("@",)


def test_names_are_matched_exactly_including_case_and_regex_characters() -> None:
    assert parse_mask("@Lighting @gpu.*").tokens == ("Lighting", "gpu.*")


def test_has_tokens_looks_for_an_at_sign_that_starts_a_part() -> None:
    assert has_tokens("rnd-a @gpu")
    assert not has_tokens("rnd-a gpu")
    assert not has_tokens("user@host")
    assert not has_tokens("@")


def test_a_mask_with_a_control_character_is_refused_in_one_sentence() -> None:
    with pytest.raises(MaskError, match=r"^The hosts mask '@gpu\\n' contains a control"):
        parse_mask("@gpu\n")


def test_a_mask_of_more_parts_than_any_person_types_is_refused_in_one_sentence() -> None:
    mask = " ".join(f"@pool{n}" for n in range(1000))

    with pytest.raises(MaskError) as refused:
        parse_mask(mask, where="Job 7 (shot): its hosts_mask")

    assert str(refused.value) == (
        f"Job 7 (shot): its hosts_mask has 1,000 parts; afpools reads masks of at most {MAX_PARTS}."
    )


def test_tokens_admit_the_union_of_their_pools_and_plain_parts_stay_prefixes() -> None:
    parsed = parse_mask("@lighting rnd-a1")
    regex = find_mask_regex(parsed, ["rnd-a01", "gpu-01"])

    assert admitted(regex, NAMES) == ["rnd-a01", "rnd-a10", "gpu-01"]


def test_a_mask_of_tokens_whose_pools_are_empty_or_gone_admits_no_name() -> None:
    regex = find_mask_regex(parse_mask("@gone"), [])

    assert regex == MATCH_NOTHING
    assert admitted(regex, [*NAMES, ""]) == []


def test_a_mask_without_tokens_is_its_find_meaning_and_an_empty_one_no_constraint() -> None:
    assert admitted(find_mask_regex(parse_mask("gpu"), []), NAMES) == ["gpu-01", "gpu-010"]
    assert find_mask_regex(parse_mask(" ; "), ["gpu-01"]) is None


def test_the_token_of_a_pool_is_at_and_its_name() -> None:
    assert pool_token("lighting") == "@lighting"
    assert pool_token("gpu.*") == "@gpu.*"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("comp nodes", "its name holds a space"),
        ("a|b", "its name holds '|', which separates the parts of a hosts mask"),
        ("a;b", "its name holds ';', which separates the parts of a hosts mask"),
        ("a,b", "its name holds ',', which separates the parts of a hosts mask"),
        ("a:b", "its name holds ':', which separates the parts of a hosts mask"),
    ],
)
def test_a_pool_whose_name_falls_apart_in_a_mask_has_no_token(name: str, reason: str) -> None:
    assert untypeable_reason(name) == reason
    assert pool_token(name) is None


@pytest.mark.parametrize(
    ("mask", "within"),
    [
        ("rnd-b", True),
        ("rnd-a rnd-b|gpu", True),
        ("@lighting", True),
        ("rnd.b", False),  # as a regex "." is any character: rnd-b01? no, but "rndxb" yes
        ("rnd-b*", False),
        ("a|;b", False),  # the alternative ";b" starts with a separator
    ],
)
def test_which_find_masks_read_as_regexes_admit_no_more(mask: str, within: bool) -> None:
    assert regex_reading_within_find(mask) is within
