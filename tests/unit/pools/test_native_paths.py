"""Native pool paths: what afpools sends to afserver, and the one sentence when it will not."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pools.errors import InvalidNameError
from pools.masks import include_mask, matches
from pools.model import POOL_NAME_MAX
from pools.native_paths import (
    NativePathError,
    child_path,
    depth,
    leaf_name,
    lineage,
    name_problem,
    parent_path,
    parse_path,
    path_for_pool,
    path_problem,
    tree_order,
)


@pytest.mark.parametrize("path", ["/", "/gpu", "/cpu/big", "/GPU_2", "/a/b/c/d", "/0"])
def test_paths_afserver_keeps_as_they_are_are_accepted(path: str) -> None:
    assert parse_path(path) == path


def test_surrounding_spaces_are_dropped() -> None:
    assert parse_path("  /gpu \n") == "/gpu"


@pytest.mark.parametrize(
    ("path", "sentence"),
    [
        ("", "A native pool path cannot be empty; write one like '/gpu' or '/cpu/big'."),
        ("gpu", "The native pool path 'gpu' must start at the root '/', like '/gpu'."),
        ("/gpu/", "The native pool path '/gpu/' ends with '/'; leave the last '/' out."),
        (
            "/cpu//big",
            "The native pool path '/cpu//big' has '//' in it; write one '/' between two names.",
        ),
        ("//", "The native pool path '//' ends with '/'; leave the last '/' out."),
        (
            "/cpu/../gpu",
            "The native pool path '/cpu/../gpu' has '..' in it; write the whole path from the "
            "root instead.",
        ),
        (
            "/./gpu",
            "The native pool path '/./gpu' has '.' in it; write the whole path from the root "
            "instead.",
        ),
        (
            "/gpu.*",
            "The native pool path '/gpu.*' has '.' in 'gpu.*'; afserver pool names keep only "
            "letters A-Z and a-z, digits and '_'.",
        ),
        (
            "/cpu/big[1]",
            "The native pool path '/cpu/big[1]' has '[' in 'big[1]'; afserver pool names keep "
            "only letters A-Z and a-z, digits and '_'.",
        ),
        (
            "/big farm",
            "The native pool path '/big farm' has ' ' in 'big farm'; afserver pool names keep "
            "only letters A-Z and a-z, digits and '_'.",
        ),
        (
            "/gpü",
            "The native pool path '/gpü' has 'ü' in 'gpü'; afserver pool names keep only "
            "letters A-Z and a-z, digits and '_'.",
        ),
    ],
)
def test_a_path_afserver_would_not_keep_is_one_sentence(path: str, sentence: str) -> None:
    with pytest.raises(NativePathError) as caught:
        parse_path(path)
    assert str(caught.value) == sentence
    assert isinstance(caught.value, InvalidNameError)


@pytest.mark.parametrize("char", list("^$|?*+()[]{}\\.-@`:;<=>"))
def test_every_regex_character_is_refused(char: str) -> None:
    assert path_problem(f"/a{char}b")


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("lighting", "/lighting"),
        ("comp-nodes", "/comp_nodes"),
        ("GPU farm 2", "/GPU_farm_2"),
        ("zoë's [best]", "/zo__s__best_"),
        ("a/b", "/a_b"),
        ("  spaced  ", "/spaced"),
    ],
)
def test_one_of_our_pools_maps_to_a_path_afserver_keeps(name: str, path: str) -> None:
    assert path_for_pool(name) == path
    assert parse_path(path) == path


@given(st.text(min_size=1, max_size=POOL_NAME_MAX).filter(lambda name: name.strip()))
def test_every_pool_name_maps_to_a_valid_path(name: str) -> None:
    assert path_problem(path_for_pool(name)) == ""


def test_parents_names_and_depths() -> None:
    assert [parent_path(p) for p in ["/", "/gpu", "/cpu/big"]] == ["", "/", "/cpu"]
    assert [leaf_name(p) for p in ["/gpu", "/cpu/big"]] == ["gpu", "big"]
    assert lineage("/a/b/c") == ("/", "/a", "/a/b", "/a/b/c")
    assert lineage("/") == ("/",)
    assert [depth(p) for p in ["/", "/gpu", "/cpu/big"]] == [0, 1, 2]


def test_tree_order_puts_children_right_after_their_parent() -> None:
    paths = ["/gpu", "/cpu/big", "/", "/cpu_x", "/cpu"]
    assert sorted(paths, key=tree_order) == ["/", "/cpu", "/cpu/big", "/cpu_x", "/gpu"]


@pytest.mark.parametrize("path", ["/", "/cpu", "/cpu/big"])
def test_the_exact_mask_of_a_path_matches_that_pool_alone(path: str) -> None:
    mask = include_mask([path])
    assert matches(mask, path)
    others = ["/", "/cpu", "/cpu/big", "/cpu/bigger", "/cpux", "cpu", "/cpu/"]
    assert [other for other in others if matches(mask, other)] == [path]


@pytest.mark.parametrize(
    ("parent", "name", "path"), [("/", "gpu", "/gpu"), ("/cpu", " big ", "/cpu/big")]
)
def test_a_childs_path_is_its_parents_and_its_name(parent: str, name: str, path: str) -> None:
    assert child_path(parent, name) == path
    assert name_problem(name) == ""


@pytest.mark.parametrize(
    ("name", "char"), [("a/b", "/"), ("/gpu", "/"), ("gpu/", "/"), ("..", "."), ("x*", "*")]
)
def test_a_name_is_one_level_and_only_what_afserver_keeps(name: str, char: str) -> None:
    """A name with '/' would make more pools (or others) than the one asked for."""
    assert name_problem(name) == (
        f"The name '{name}' has '{char}' in it; afserver pool names keep only letters A-Z "
        "and a-z, digits and '_'."
    )


def test_an_empty_name_is_one_sentence() -> None:
    assert name_problem("  ") == "A native pool needs a name, like 'gpu' or 'big'."
