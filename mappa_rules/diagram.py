"""Reduced ordered multi-valued decision diagrams: a function of finitely many finite variables as a shared graph.

`mappa check` needs every combination of a ruleset's inputs. There are far too many to list one by
one (a case has ~36 facts), but the rules make most of them equivalent, and a decision diagram
stores each distinct sub-function once. Variables are levels 0..n-1, each with a finite domain; a
node tests one level and has one child per value; a terminal holds any hashable value. Nodes are
unique and reduced, so equal functions are the same node, and a node whose children are all equal
is its child.
"""

from __future__ import annotations

from typing import Any, Callable, Hashable, Iterator, Sequence

Node = int
MAX_NODES = 1_000_000  # about 300 MB: past this, the variable order or the rules make the space too big


class TooLarge(RuntimeError):
    """The diagrams outgrew the node budget."""


def key_of(value: Any) -> Hashable:
    """A dictionary key that keeps True apart from 1 and 1.0 apart from 1 (Python hashes them equal).

    An object with a `diagram_key()` method is keyed by what that method returns.
    """
    if hasattr(value, "diagram_key"):
        return (type(value).__name__, value.diagram_key())
    if isinstance(value, tuple):
        return ("tuple", tuple(key_of(v) for v in value))
    if isinstance(value, frozenset):
        return ("frozenset", frozenset(key_of(v) for v in value))
    return (type(value).__name__, value)


class Diagram:
    """The node store of one variable order; every function built from it shares its nodes."""

    def __init__(self, domains: Sequence[Sequence[Any]], max_nodes: int = MAX_NODES) -> None:
        self.domains = [tuple(d) for d in domains]
        self.max_nodes = max_nodes
        if any(not d for d in self.domains):
            raise ValueError("every variable needs at least one value")
        self.depth = len(self.domains)
        self._level: list[int] = []
        self._children: list[tuple[Node, ...]] = []
        self._value: list[Any] = []
        self._unique: dict[Hashable, Node] = {}
        self._memo: dict[Hashable, dict[tuple[Node, ...], Node]] = {}

    def const(self, value: Any) -> Node:
        """The constant function `value`."""
        key = ("terminal", key_of(value))
        node = self._unique.get(key)
        if node is None:
            node = self._add(key, self.depth, (), value)
        return node

    def node(self, level: int, children: Sequence[Node]) -> Node:
        """The function that tests variable `level` and continues with `children[i]` for its i-th value."""
        kids = tuple(children)
        if len(kids) != len(self.domains[level]):
            raise ValueError(f"level {level} has {len(self.domains[level])} values, got {len(kids)} children")
        if all(k == kids[0] for k in kids):
            return kids[0]
        key = (level, kids)
        node = self._unique.get(key)
        if node is None:
            node = self._add(key, level, kids, None)
        return node

    def test(self, level: int, function: Callable[[Any], Any]) -> Node:
        """The function `function(value of variable level)`."""
        return self.node(level, [self.const(function(v)) for v in self.domains[level]])

    def is_terminal(self, node: Node) -> bool:
        return self._level[node] == self.depth

    def value(self, node: Node) -> Any:
        """A terminal's value."""
        return self._value[node]

    def apply(self, function: Callable[..., Any], nodes: Sequence[Node], key: Hashable) -> Node:
        """The function `function(f1(x), f2(x), ...)` of the functions `nodes`.

        `key` names `function` for the memo: two calls with the same key must mean the same function.
        """
        memo = self._memo.setdefault(key, {})
        level_of, children, values, depth = self._level, self._children, self._value, self.depth

        def combine(args: tuple[Node, ...]) -> Node:
            hit = memo.get(args)
            if hit is not None:
                return hit
            top = min(level_of[a] for a in args)
            if top == depth:
                result = self.const(function(*(values[a] for a in args)))
            else:
                result = self.node(top, [
                    combine(tuple(children[a][i] if level_of[a] == top else a for a in args))
                    for i in range(len(self.domains[top]))
                ])
            memo[args] = result
            return result

        return combine(tuple(nodes))

    def evaluate(self, node: Node, choice: Sequence[int]) -> Any:
        """The function's value where variable i takes its `choice[i]`-th value."""
        while not self.is_terminal(node):
            node = self._children[node][choice[self._level[node]]]
        return self._value[node]

    def count(self, node: Node, wanted: Callable[[Any], bool]) -> int:
        """How many complete assignments of all variables give a terminal value that is `wanted`."""
        memo: dict[Node, int] = {}

        def paths(n: Node, level: int) -> int:
            skipped = 1
            for lv in range(level, self._level[n]):
                skipped *= len(self.domains[lv])
            if n not in memo:
                if self.is_terminal(n):
                    memo[n] = 1 if wanted(self._value[n]) else 0
                else:
                    memo[n] = sum(paths(child, self._level[n] + 1) for child in self._children[n])
            return skipped * memo[n]

        return paths(node, 0)

    def examples(self, node: Node, wanted: Callable[[Any], bool], limit: int) -> Iterator[tuple[dict[int, Any], Any]]:
        """Up to `limit` paths to a wanted terminal, in domain order: the values tested on the way, and the terminal.

        Variables a path does not test may take any value. Paths are distinct, not disjoint in meaning.
        """
        for path, terminal in self.paths(node, [None] * self.depth, wanted, limit):
            yield {level: self.domains[level][at] for level, at in path.items()}, terminal

    def reachable(self, nodes: Sequence[Node], allowed: Sequence[frozenset[int] | None]) -> list[list[Any]]:
        """For each function in `nodes`, the distinct terminal values it can take when variable i takes
        only the value positions in `allowed[i]` (None: any value). One walk shares the nodes of all."""
        memo: dict[Node, frozenset[Node]] = {}
        level_of, children, depth = self._level, self._children, self.depth

        def walk(n: Node) -> frozenset[Node]:
            hit = memo.get(n)
            if hit is not None:
                return hit
            level = level_of[n]
            if level == depth:
                found = frozenset((n,))
            else:
                kids = children[n]
                positions = allowed[level]
                chosen = kids if positions is None else [kids[i] for i in positions]
                found = frozenset().union(*(walk(k) for k in dict.fromkeys(chosen)))
            memo[n] = found
            return found

        return [[self._value[t] for t in sorted(walk(n))] for n in nodes]

    def paths(self, node: Node, allowed: Sequence[frozenset[int] | None], wanted: Callable[[Any], bool],
              limit: int) -> Iterator[tuple[dict[int, int], Any]]:
        """Up to `limit` paths to a wanted terminal within `allowed`: the positions tested on the way, and the terminal."""
        reaches: dict[Node, bool] = {}

        def reachable(n: Node) -> bool:
            if n not in reaches:
                if self.is_terminal(n):
                    reaches[n] = wanted(self._value[n])
                else:
                    positions = allowed[self._level[n]]
                    kids = self._children[n] if positions is None else [self._children[n][i] for i in positions]
                    reaches[n] = any(reachable(k) for k in kids)
            return reaches[n]

        found = 0

        def walk(n: Node, path: dict[int, int]) -> Iterator[tuple[dict[int, int], Any]]:
            nonlocal found
            if found >= limit or not reachable(n):
                return
            if self.is_terminal(n):
                found += 1
                yield dict(path), self._value[n]
                return
            level = self._level[n]
            positions = allowed[level]
            for at in (range(len(self._children[n])) if positions is None else sorted(positions)):
                path[level] = at
                yield from walk(self._children[n][at], path)
                del path[level]

        yield from walk(node, {})

    def terminals(self, node: Node) -> list[Any]:
        """The distinct terminal values the function can take, in the order first met."""
        seen: dict[Node, None] = {}
        out: list[Any] = []
        stack = [node]
        while stack:
            n = stack.pop()
            if n in seen:
                continue
            seen[n] = None
            if self.is_terminal(n):
                out.append(self._value[n])
            else:
                stack.extend(reversed(self._children[n]))
        return out

    def size(self) -> int:
        """Nodes created so far (terminals included)."""
        return len(self._level)

    def _add(self, key: Hashable, level: int, children: tuple[Node, ...], value: Any) -> Node:
        node = len(self._level)
        if node >= self.max_nodes:
            raise TooLarge(f"more than {self.max_nodes:,} decision-diagram nodes")
        self._level.append(level)
        self._children.append(children)
        self._value.append(value)
        self._unique[key] = node
        return node
