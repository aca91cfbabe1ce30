"""Compact ECMAScript regexes for finite sets of names, via a minimal acyclic automaton.

Why an automaton: a pool of a few thousand hosts joined with ``|`` gives afserver a mask
that is long, slow to match (every alternative is tried in turn) and, past roughly 10,000
names, larger than libstdc++'s limit of 100,000 NFA states, so std::regex refuses it.
Sorting the names and merging equal suffixes (Daciuk's incremental algorithm) gives the
smallest deterministic automaton of the set; eliminating its states one by one turns it
back into a regex in which shared prefixes and suffixes are written once, parallel edges
become classes (``rnd-a0[1-4]``) and repeats become counts (``\\d{3}``).

The regex stays deterministic: at every ``|`` the alternatives start with different
characters, so std::regex's backtracking matcher never goes deeper than one failed
character per alternative, and its recursion depth stays near the name's length.

std::regex over ``char`` works byte by byte, so a non-ASCII character (several UTF-8
bytes) is never put in a ``[...]`` class or under a quantifier without a group.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence

METACHARACTERS = frozenset("\\^$.|?*+()[]{}/")
_CLASS_SPECIALS = frozenset("\\]^-[")  # '[' too: libstdc++ reads "[:" "[." "[=" in a class
_DIGITS = frozenset("0123456789")


def escape(text: str) -> str:
    """Backslash every ECMAScript metacharacter and nothing else (``\\d`` is not a 'd')."""
    return "".join("\\" + char if char in METACHARACTERS else char for char in text)


# ----------------------------------------------------------------------------- regex tree


class Node:
    """A regex over whole characters; ``size`` estimates its length to steer elimination."""

    __slots__ = ("_text", "size")

    def __init__(self, size: int) -> None:
        self.size = size
        self._text: str | None = None

    @property
    def text(self) -> str:
        """The regex as a standalone pattern, rendered once and cached.

        Children are rendered first, bottom-up without recursion: a set like ``a``, ``aa``,
        ... nests one group per character, deeper than Python's recursion limit.
        """
        if self._text is None:
            self._render_bottom_up()
        assert self._text is not None
        return self._text

    def _render_bottom_up(self) -> None:
        pending: list[tuple[Node, bool]] = [(self, False)]
        while pending:
            node, children_done = pending.pop()
            if node._text is not None:  # shared node, already rendered
                continue
            if children_done:
                node._text = node._render()
                continue
            pending.append((node, True))
            pending.extend((child, False) for child in node.children() if child._text is None)

    def children(self) -> tuple[Node, ...]:
        return ()

    def _render(self) -> str:
        raise NotImplementedError


class CharSet(Node):
    """One character out of a set; several characters only when all are ASCII."""

    __slots__ = ("chars", "quantifiable")

    def __init__(self, chars: frozenset[str]) -> None:
        super().__init__(1 if len(chars) == 1 else 5)
        self.chars = chars
        # A lone non-ASCII character is several bytes to std::regex: "é?" would be wrong.
        self.quantifiable = len(chars) > 1 or next(iter(chars)).isascii()

    def _render(self) -> str:
        if len(self.chars) == 1:
            return escape(next(iter(self.chars)))
        if self.chars == _DIGITS:
            return "\\d"
        return "[" + _class_body(sorted(self.chars)) + "]"


class Seq(Node):
    """A concatenation of two or more items, none of them a ``Seq``."""

    __slots__ = ("items",)

    def __init__(self, items: tuple[Node, ...]) -> None:
        super().__init__(sum(item.size for item in items))
        self.items = items

    def children(self) -> tuple[Node, ...]:
        return self.items

    def _render(self) -> str:
        return _render_items(self.items)


class Alt(Node):
    """Alternatives (none an ``Alt`` or empty), ``optional`` when the empty string matches."""

    __slots__ = ("optional", "options")

    def __init__(self, options: tuple[Node, ...], optional: bool) -> None:
        super().__init__(sum(option.size + 1 for option in options) + 4 + optional)
        self.options = options
        self.optional = optional

    def children(self) -> tuple[Node, ...]:
        return self.options

    def _render(self) -> str:
        body = "|".join(sorted(option.text for option in self.options))
        if not self.optional:
            return body
        first = self.options[0]  # a lone atom takes "?" directly: "0?", not "(?:0)?"
        lone_atom = len(self.options) == 1 and isinstance(first, CharSet) and first.quantifiable
        return body + "?" if lone_atom else f"(?:{body})?"


EMPTY = Seq(())


def as_item(node: Node) -> str:
    """The node written so that it can stand inside a concatenation."""
    if isinstance(node, Alt) and not node.optional:
        return f"(?:{node.text})"
    return node.text


def _quantifiable_text(node: Node) -> str | None:
    """The node's text if ``{n}`` may follow it, else None."""
    if isinstance(node, CharSet):
        return node.text if node.quantifiable else None
    if isinstance(node, Alt) and not node.optional:
        return as_item(node)
    return None


def _render_items(items: Sequence[Node]) -> str:
    """Concatenate items, writing a run of equal atoms as ``x{n}`` when that is shorter."""
    atoms = [_quantifiable_text(item) for item in items]
    parts: list[str] = []
    index = 0
    while index < len(items):
        atom = atoms[index]
        run = 1
        if atom is not None:
            while index + run < len(items) and atoms[index + run] == atom:
                run += 1
        parts.append(_repeat(atom, run) if atom is not None else as_item(items[index]))
        index += run
    return "".join(parts)


def _repeat(atom: str, count: int) -> str:
    counted = f"{atom}{{{count}}}"
    return counted if count > 1 and len(counted) < len(atom) * count else atom * count


def _class_body(chars: Sequence[str]) -> str:
    """Sorted ASCII characters as ranges; a run of three or more becomes ``a-c``."""
    parts: list[str] = []
    start = 0
    while start < len(chars):
        end = start
        while end + 1 < len(chars) and ord(chars[end + 1]) == ord(chars[end]) + 1:
            end += 1
        if end - start >= 2:
            parts.append(f"{_class_char(chars[start])}-{_class_char(chars[end])}")
        else:
            parts.extend(_class_char(char) for char in chars[start : end + 1])
        start = end + 1
    return "".join(parts)


def _class_char(char: str) -> str:
    return "\\" + char if char in _CLASS_SPECIALS else char


_SINGLE_CHARS: dict[str, CharSet] = {}


def single_char(char: str) -> CharSet:
    """The node of one literal character, shared: most edges carry a single character."""
    node = _SINGLE_CHARS.get(char)
    if node is None:
        node = _SINGLE_CHARS.setdefault(char, CharSet(frozenset(char)))
    return node


def char_set(chars: Sequence[str]) -> Node:
    """Any one of the characters: ASCII ones share a class, others stay literal options."""
    if len(chars) == 1:
        return single_char(chars[0])
    ascii_chars = frozenset(char for char in chars if char.isascii())
    options: list[Node] = [CharSet(ascii_chars)] if ascii_chars else []
    options += [single_char(char) for char in sorted(set(chars) - ascii_chars)]
    return options[0] if len(options) == 1 else Alt(tuple(options), optional=False)


def concat(head: Node, tail: Node) -> Node:
    """``head`` then ``tail``, flattened."""
    items = _seq_items(head) + _seq_items(tail)
    if len(items) < 2:
        return items[0] if items else EMPTY
    return Seq(items)


def _seq_items(node: Node) -> tuple[Node, ...]:
    return node.items if isinstance(node, Seq) else (node,)


def union(first: Node, second: Node) -> Node:
    """Either node; ASCII single-character options merge into one class."""
    optional = False
    ascii_chars: set[str] = set()
    options: list[Node] = []
    for node in (first, second):
        for option in node.options if isinstance(node, Alt) else (node,):
            if isinstance(option, CharSet) and option.quantifiable:
                ascii_chars |= option.chars
            elif option is EMPTY:
                optional = True
            else:
                options.append(option)
        optional = optional or (isinstance(node, Alt) and node.optional)
    if ascii_chars:
        options.insert(0, CharSet(frozenset(ascii_chars)))
    if len(options) == 1 and not optional:
        return options[0]
    return Alt(tuple(options), optional) if options else EMPTY


# ------------------------------------------------------------------- minimal automaton


class _State:
    """A state of the automaton; ``edges`` keep the sorted order in which they were added."""

    __slots__ = ("edges", "final", "number")

    def __init__(self) -> None:
        self.edges: dict[str, _State] = {}
        self.final = False
        self.number = -1


def _minimal_automaton(words: Sequence[str]) -> tuple[_State, list[_State]]:
    """Daciuk's algorithm: sorted unique words in, minimal acyclic automaton out.

    Returns the root and every other state (all registered states stay reachable).
    """
    root = _State()
    register: dict[tuple[object, ...], _State] = {}
    path = [root]  # path[i] is the state reached by the previous word's first i characters
    previous = ""
    for word in words:
        common = next(
            (i for i, (a, b) in enumerate(zip(previous, word, strict=False)) if a != b),
            min(len(previous), len(word)),
        )
        _register_tail(path, previous, common, register)
        del path[common + 1 :]
        state = path[common]
        for char in word[common:]:
            child = _State()
            state.edges[char] = child
            path.append(child)
            state = child
        state.final = True
        previous = word
    _register_tail(path, previous, 0, register)
    return root, list(register.values())


def _register_tail(
    path: list[_State], word: str, keep: int, register: dict[tuple[object, ...], _State]
) -> None:
    """Replace each state past ``keep`` on the word's path by an equivalent registered one."""
    for depth in range(len(word), keep, -1):
        state = path[depth]
        key = _signature(state)
        twin = register.get(key)
        if twin is None:
            state.number = len(register)
            register[key] = state
        else:
            path[depth - 1].edges[word[depth - 1]] = twin


def _signature(state: _State) -> tuple[object, ...]:
    """Equal signatures, equal right languages (children are registered already)."""
    edges = state.edges
    if len(edges) == 1:  # the common case, kept cheap
        ((char, child),) = edges.items()
        return (state.final, char, child.number)
    return (state.final, tuple(edges), tuple(child.number for child in edges.values()))


# ------------------------------------------------------------------- state elimination

_Edges = dict[int, dict[int, Node]]


def words_regex(words: Iterable[str]) -> Node | None:
    """A regex tree matching exactly ``words`` (empty strings ignored); None if no word."""
    unique = sorted({word for word in words if word})
    if not unique:
        return None
    outgoing, incoming = _edge_graph(*_minimal_automaton(unique))
    return _eliminate(outgoing, incoming)


_SOURCE = 0
_SINK = 1


def _edge_graph(root: _State, states: list[_State]) -> tuple[_Edges, dict[int, set[int]]]:
    """Number the states (root 0, the one final dead end 1) and label edges with regexes.

    Characters leading to the same state share one edge; a chain of states that only
    pass one character along is read into the edge's label straight away (most states of
    a farm's automaton are such chains). Final states that go on get an empty edge to
    the sink.
    """
    parents = _parent_counts([root, *states])
    ids: dict[int, int] = {id(root): _SOURCE}
    outgoing: _Edges = {_SINK: {}}
    incoming: dict[int, set[int]] = {_SOURCE: set(), _SINK: set()}
    stack = [root]
    while stack:
        state = stack.pop()
        edges: dict[int, Node] = {}
        for child, chars in _chars_by_child(state).items():
            label, target = _follow_chain(char_set(chars), child, parents)
            if id(target) not in ids:
                ids[id(target)] = _SINK if target.final and not target.edges else len(ids) + 1
                if ids[id(target)] != _SINK:
                    incoming[ids[id(target)]] = set()
                    stack.append(target)
            number = ids[id(target)]
            edges[number] = union(edges[number], label) if number in edges else label
        if state.final and state.edges:
            edges[_SINK] = union(edges[_SINK], EMPTY) if _SINK in edges else EMPTY
        here = ids[id(state)]
        outgoing[here] = edges
        for target_number in edges:
            incoming[target_number].add(here)
    return outgoing, incoming


def _parent_counts(states: list[_State]) -> dict[int, int]:
    """How many distinct states lead to each state."""
    counts: dict[int, int] = {}
    get = counts.get
    for state in states:
        children = state.edges.values()
        for child in set(map(id, children)) if len(children) > 1 else map(id, children):
            counts[child] = get(child, 0) + 1
    return counts


def _chars_by_child(state: _State) -> dict[_State, list[str]]:
    grouped: dict[_State, list[str]] = {}
    for char, child in state.edges.items():
        grouped.setdefault(child, []).append(char)
    return grouped


def _follow_chain(label: Node, state: _State, parents: dict[int, int]) -> tuple[Node, _State]:
    """Extend ``label`` through states with one parent and one character to pass on."""
    items = list(_seq_items(label))
    while parents[id(state)] == 1 and not state.final and len(state.edges) == 1:
        ((char, state),) = state.edges.items()
        items.append(single_char(char))
    return (Seq(tuple(items)) if len(items) > 1 else label), state


def _eliminate(outgoing: _Edges, incoming: dict[int, set[int]]) -> Node:
    """Remove states until one edge joins source and sink; its label is the regex.

    Only states with a single outgoing edge are removed, so each predecessor's edges keep
    starting with different characters (the regex stays deterministic). Among those, the
    cheapest first: copying the outgoing label into every incoming edge costs
    (predecessors - 1) * its size, and a plain link in a chain costs nothing.
    """

    def cost(state: int) -> int:
        (label,) = outgoing[state].values()
        return (len(incoming[state]) - 1) * label.size

    heap = [(cost(s), s) for s, edges in outgoing.items() if s > _SINK and len(edges) == 1]
    heapq.heapify(heap)
    while heap:
        price, state = heapq.heappop(heap)
        if state not in outgoing or len(outgoing[state]) != 1:
            continue
        if cost(state) != price:
            heapq.heappush(heap, (cost(state), state))
            continue
        for touched in _remove_state(state, outgoing, incoming):
            if touched > _SINK and len(outgoing[touched]) == 1:
                heapq.heappush(heap, (cost(touched), touched))
    return outgoing[_SOURCE][_SINK]


def _remove_state(state: int, outgoing: _Edges, incoming: dict[int, set[int]]) -> list[int]:
    """Bypass ``state``: each predecessor gets its label followed by the state's one label."""
    ((target, tail),) = outgoing.pop(state).items()
    predecessors = sorted(incoming.pop(state))
    incoming[target].discard(state)
    for predecessor in predecessors:
        edges = outgoing[predecessor]
        label = concat(edges.pop(state), tail)
        edges[target] = union(edges[target], label) if target in edges else label
        incoming[target].add(predecessor)
    return [*predecessors, target]
