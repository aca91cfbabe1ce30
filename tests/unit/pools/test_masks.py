"""Host masks for pools: the strings afserver gets must select exactly the right renders."""

from __future__ import annotations

import random
import re

import pytest

from pools.errors import AfpoolsError
from pools.masks import (
    MATCH_NOTHING,
    JobMasks,
    MaskError,
    combine,
    escape,
    exclude_mask,
    find_to_regex,
    include_mask,
    matches,
    pool_job_masks,
    user_mask_regex,
    validate_regex,
)

METACHARACTERS = "\\^$.|?*+()[]{}/"


def numbered(prefix: str, first: int, last: int, width: int = 4) -> list[str]:
    return [f"{prefix}{number:0{width}d}" for number in range(first, last + 1)]


def matching(mask: str, names: list[str]) -> list[str]:
    return [name for name in names if matches(mask, name)]


# ---------------------------------------------------------------------------------- escape


@pytest.mark.parametrize("char", list(METACHARACTERS))
def test_escape_backslashes_each_metacharacter(char: str) -> None:
    assert escape(char) == "\\" + char
    assert re.fullmatch(escape(f"a{char}b"), f"a{char}b")


def test_escape_leaves_letters_digits_underscore_dash_and_unicode_alone() -> None:
    assert escape("rnd-a01_Zö ж") == "rnd-a01_Zö ж"


def test_escaped_name_matches_only_itself() -> None:
    name = "x.y*(1)[2]{3}|$^?+/\\"
    assert matching(escape(name), [name, "xzy*(1)[2]{3}|$^?+/\\", "x.y"]) == [name]


# ----------------------------------------------------------------------------- include


def test_four_consecutive_hosts_become_a_character_range() -> None:
    assert include_mask(["rnd-a01", "rnd-a02", "rnd-a03", "rnd-a04"]) == "rnd-a0[1-4]"


def test_block_of_200_numbered_hosts_is_a_short_factored_mask() -> None:
    pool = numbered("rnd-", 1, 200)
    farm = numbered("rnd-", 1, 1000)
    mask = include_mask(pool)
    assert mask == r"rnd-0(?:0(?:0[1-9]|[1-9]\d)|1\d\d|200)"
    assert len(mask) <= 0.10 * len("|".join(pool))
    assert matching(mask, farm) == pool


def test_full_decade_is_written_as_digit_class_with_a_count() -> None:
    mask = include_mask(numbered("gpu-", 0, 999, width=3))
    assert mask == r"gpu-\d{3}"


def test_hosts_sharing_a_suffix_share_it_in_the_mask() -> None:
    pool = ["rnd-a01", "rnd-a02", "rnd-b01", "rnd-b02", "gpu-01", "gpu-02"]
    mask = include_mask(pool)
    assert mask.count("0[12]") == 1, mask
    assert sorted(matching(mask, [*pool, "rnd-c01", "gpu-03", "rnd-a1"])) == sorted(pool)


def test_name_that_extends_another_member_is_not_matched_by_accident() -> None:
    mask = include_mask(["pc-01", "pc-010"])
    assert matching(mask, ["pc-0", "pc-01", "pc-010", "pc-011", "pc-0100"]) == ["pc-01", "pc-010"]


def test_prefix_of_a_member_is_not_matched() -> None:
    mask = include_mask(["pc-010"])
    assert not matches(mask, "pc-01")
    assert matches(mask, "pc-010")


def test_include_mask_is_the_same_for_any_order_and_duplicates() -> None:
    names = [*numbered("rnd-", 1, 40), "ws-anna", "gpu-07", "büro-1"]
    shuffled = names * 2
    random.Random(7).shuffle(shuffled)
    assert include_mask(shuffled) == include_mask(names)


def test_empty_pool_gives_a_mask_that_matches_nothing() -> None:
    assert include_mask([]) == MATCH_NOTHING
    assert matching(MATCH_NOTHING, ["", "a", "rnd-0001", "(?!)"]) == []


def test_empty_names_are_ignored() -> None:
    assert include_mask(["", "a"]) == "a"
    assert include_mask([""]) == MATCH_NOTHING


def test_non_ascii_letters_never_go_into_a_class_or_under_a_bare_quantifier() -> None:
    pool = ["büro-1", "bürö-1", "ws-zoë", "ws-zoe", "ab", "abé", "ééé"]
    mask = include_mask(pool)
    for char in "üöëé":
        assert not re.search(f"\\[[^\\]]*{char}", mask), mask
        assert not re.search(f"{char}[?*+{{]", mask), mask
    assert sorted(matching(mask, [*pool, "büro-2", "ws-zo", "abe", "éé"])) == sorted(pool)


def test_set_nesting_one_group_per_character_renders_and_matches() -> None:
    pool = ["a" * length for length in range(1, 254)]  # 253: the longest hostname
    mask = include_mask(pool)
    assert matching(mask, [*pool, "", "a" * 254, "b"]) == pool


def test_mask_uses_only_non_capturing_groups() -> None:
    mask = include_mask([*numbered("rnd-", 1, 300), *numbered("gpu-", 5, 17, width=2)])
    assert "(" in mask
    assert re.search(r"\((?!\?:)", mask) is None, mask


def test_class_escapes_its_own_special_characters() -> None:
    pool = ["a]", "a\\", "a^", "a-", "a[", "ab"]
    mask = include_mask(pool)
    assert mask.startswith("a["), mask
    assert sorted(matching(mask, [*pool, "a", "ac", "a]]"])) == sorted(pool)


@pytest.mark.parametrize("pool", [["x^", "xa"], ["x^", "x_"], ["x-", "x."], ["x]", "x^", "x`"]])
def test_class_starting_with_a_caret_is_not_a_negated_class(pool: list[str]) -> None:
    mask = include_mask(pool)
    assert sorted(matching(mask, [*pool, "xb", "x", "x^a", "x,"])) == sorted(pool), mask


def test_every_metacharacter_in_names_is_matched_literally() -> None:
    pool = [f"h{char}1" for char in METACHARACTERS] + ["(?!)", ".*", "a|b"]
    outsiders = ["hx1", "h1", "h11", "a", "b", "ab", "xyz", "h\\\\1"]
    assert sorted(matching(include_mask(pool), pool + outsiders)) == sorted(pool)


# ----------------------------------------------------------------------------- exclude


def test_exclude_mask_matches_every_known_host_outside_the_pool() -> None:
    farm = [*numbered("rnd-", 1, 30), "ws-anna", "ws-bob"]
    pool = numbered("rnd-", 1, 10)
    mask = exclude_mask(pool, farm)
    assert matching(mask, farm) == [name for name in farm if name not in pool]


def test_exclude_mask_of_a_pool_holding_every_host_matches_nothing() -> None:
    farm = ["a", "b"]
    assert exclude_mask(farm, farm) == MATCH_NOTHING


# -------------------------------------------------------------------------------- find


def test_find_mask_matches_by_prefix_so_pc_01_covers_pc_010() -> None:
    regex = find_to_regex("pc-01")
    assert regex is not None
    assert matching(regex, ["pc-01", "pc-010", "pc-0100", "pc-02", "xpc-01"]) == [
        "pc-01",
        "pc-010",
        "pc-0100",
    ]


@pytest.mark.parametrize("separator", ["|", ";", ",", ":", " ", " | ", ";;"])
def test_find_mask_splits_on_every_separator(separator: str) -> None:
    regex = find_to_regex(f"gpu{separator}ws-anna")
    assert regex is not None
    names = ["gpu-01", "ws-anna", "ws-anna2", "ws-bob", "rnd-1"]
    assert matching(regex, names) == ["gpu-01", "ws-anna", "ws-anna2"]


@pytest.mark.parametrize("mask", ["", " ", "|;,: ", "  ||  "])
def test_find_mask_without_tokens_means_all_hosts(mask: str) -> None:
    assert find_to_regex(mask) is None


def test_find_tokens_with_metacharacters_are_literal_prefixes() -> None:
    regex = find_to_regex("a.b (x)")
    assert regex is not None
    assert matching(regex, ["a.b1", "axb1", "(x)y", "x"]) == ["a.b1", "(x)y"]


def test_find_mask_drops_tokens_covered_by_a_shorter_token() -> None:
    assert find_to_regex("pc pc-01 pc-02") == "pc.*"


# -------------------------------------------------------------------------- user masks


def test_user_mask_empty_or_missing_means_no_constraint() -> None:
    assert user_mask_regex(None, "regex") is None
    assert user_mask_regex("", "find") is None
    assert user_mask_regex(" ; ", "find") is None


def test_user_regex_mask_is_kept_as_written() -> None:
    assert user_mask_regex("gpu-0[1-4]", "regex") == "gpu-0[1-4]"


def test_user_find_mask_becomes_a_prefix_regex() -> None:
    assert user_mask_regex("gpu", "find") == "gpu.*"


def test_unknown_mask_type_is_refused_in_one_sentence() -> None:
    with pytest.raises(MaskError) as caught:
        user_mask_regex("gpu", "glob")
    assert "'glob'" in str(caught.value)
    assert str(caught.value).count(". ") == 0


# ----------------------------------------------------------------------------- combine


def test_combine_matches_only_names_both_masks_match() -> None:
    pool = include_mask(["gpu-01", "gpu-02", "rnd-01"])
    both = combine("gpu.*", pool)
    assert matching(both, ["gpu-01", "gpu-02", "rnd-01", "gpu-03"]) == ["gpu-01", "gpu-02"]


def test_combine_user_mask_must_match_the_whole_name() -> None:
    both = combine("gpu-0", include_mask(["gpu-0", "gpu-01"]))
    assert matching(both, ["gpu-0", "gpu-01"]) == ["gpu-0"]


def test_combine_keeps_user_alternation_inside_its_group() -> None:
    both = combine("a|gpu-01", include_mask(["gpu-01", "rnd-01"]))
    assert matching(both, ["gpu-01", "rnd-01", "a"]) == ["gpu-01"]


def test_combine_without_user_mask_is_the_pool_mask() -> None:
    assert combine(None, "rnd-a0[1-4]") == "rnd-a0[1-4]"


# -------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("mask", "reason"),
    [
        ("gpu-0[1-", "unterminated character set"),
        ("gpu(", "missing )"),
        ("*gpu", "nothing to repeat"),
        ("(?P<name>gpu)", "only in Python"),
        ("(?#note)gpu", "only in Python"),
        ("(?i)gpu", "only in Python"),
        ("(?>gpu)", "only in Python"),
        ("gpu-0*+", "only in Python"),
        ("\\Agpu", "only in Python"),
        ("gpu\\Z", "only in Python"),
        ("(?<=a)gpu", "not supported"),
        ("gpu{", "count"),
        ("gpu{,3}", "count"),
        ("[]gpu]", "empty class"),
    ],
)
def test_validate_regex_refuses_masks_afserver_cannot_use(mask: str, reason: str) -> None:
    with pytest.raises(MaskError) as caught:
        validate_regex(mask)
    message = str(caught.value)
    assert message.startswith(f"The hosts mask '{mask}' is not a valid regular expression: ")
    assert reason in message
    assert message.endswith(".")
    assert isinstance(caught.value, AfpoolsError)
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    "mask",
    ["gpu-0[1-4]", "(?:a|b)c{2,3}", "x(?=y)y", "(?!z).*", "[(?P<]", "a\\{", "\\d+?", "a{2}"],
)
def test_validate_regex_accepts_ecmascript_masks(mask: str) -> None:
    validate_regex(mask)


def test_the_example_error_message_reads_as_documented() -> None:
    with pytest.raises(MaskError) as caught:
        validate_regex("gpu-0[1-")
    assert str(caught.value) == (
        "The hosts mask 'gpu-0[1-' is not a valid regular expression: unterminated character set."
    )


def test_invalid_user_regex_is_refused_before_it_reaches_a_job() -> None:
    with pytest.raises(MaskError):
        pool_job_masks(["a"], "gpu-0[1-", None, "regex")


# ---------------------------------------------------------------------------- job masks


def test_pool_job_masks_without_user_masks() -> None:
    masks = pool_job_masks(["rnd-a01", "rnd-a02"], None, None, "find")
    assert masks == JobMasks("rnd-a0[12]", "", "regex")


def test_pool_job_masks_keeps_user_find_include_and_exclude() -> None:
    farm = ["gpu-01", "gpu-010", "gpu-02", "rnd-01", "ws-anna"]
    masks = pool_job_masks(["gpu-01", "gpu-010", "gpu-02", "rnd-01"], "gpu", "gpu-01", "find")
    assert masks.hosts_mask_type == "regex"
    allowed = [
        name
        for name in farm
        if matches(masks.hosts_mask, name) and not matches(masks.hosts_mask_exclude, name)
    ]
    assert allowed == ["gpu-02"]


def test_pool_job_masks_with_regex_user_masks() -> None:
    masks = pool_job_masks(["gpu-01", "gpu-02", "rnd-01"], "gpu-.*", "gpu-02", "regex")
    assert masks.hosts_mask_exclude == "gpu-02"
    assert matching(masks.hosts_mask, ["gpu-01", "gpu-02", "rnd-01"]) == ["gpu-01", "gpu-02"]


def test_empty_pool_keeps_the_job_off_every_host() -> None:
    masks = pool_job_masks([], "gpu", None, "find")
    assert masks.hosts_mask == MATCH_NOTHING
    assert masks.hosts_mask != ""


def test_job_masks_are_immutable() -> None:
    masks = JobMasks("a", "")
    with pytest.raises(AttributeError):
        masks.hosts_mask = "b"  # type: ignore[misc]
