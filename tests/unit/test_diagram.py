"""Decision diagrams: reduced, shared, and counting what a brute-force enumeration counts."""

from __future__ import annotations

import itertools

from mappa_rules.diagram import Diagram, key_of


def test_true_and_1_are_different_terminals() -> None:
    d = Diagram([(True, False)])
    assert d.const(True) != d.const(1) != d.const(1.0)
    assert key_of((True, 1)) != key_of((1, True))
    assert d.value(d.const(1)) == 1 and type(d.value(d.const(1))) is int


def test_a_test_whose_children_are_equal_is_its_child_and_nodes_are_shared() -> None:
    d = Diagram([(1, 2, 3), ("a", "b")])
    assert d.test(0, lambda v: "x") == d.const("x")
    assert d.test(0, lambda v: v > 1) == d.test(0, lambda v: v >= 2)


def test_apply_count_evaluate_and_examples_agree_with_brute_force() -> None:
    domains = [(0, 1, 2), (True, False), ("a", "b", "c", "d")]
    d = Diagram(domains)
    x, y, z = (d.test(i, lambda v: v) for i in range(3))
    f = d.apply(lambda a, b, c: (a == 2 or b) and c in "ab", [x, y, z], "f")
    points = list(itertools.product(*(range(len(dom)) for dom in domains)))
    expected = sum(1 for p in points if (domains[0][p[0]] == 2 or domains[1][p[1]]) and domains[2][p[2]] in "ab")
    assert d.count(f, bool) == expected == (3 + 1) * 2  # y true: any x; y false: x is 2; and z is a or b
    for p in points:
        want = (domains[0][p[0]] == 2 or domains[1][p[1]]) and domains[2][p[2]] in "ab"
        assert d.evaluate(f, p) == want
    examples = list(d.examples(f, bool, 10))
    assert examples and all(value is True for _, value in examples)
    assert examples[0][0] == {0: 0, 1: True, 2: "a"}
    assert {0: 2, 2: "a"} in [path for path, _ in examples]  # x is 2: y is not tested, any value
    assert d.count(d.const(True), bool) == 24 and list(d.examples(d.const(False), bool, 3)) == []
