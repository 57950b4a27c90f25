"""Which assignments of a local name can give it its value where it is read: reaching
definitions over one function's statements (for redirect_targets.py).

The function's statements are run abstractly, the state being the set of `name = value`
statements whose value the name may hold. An assignment replaces the state; `if` / `match`
join their branches; `return`, `raise`, `break` and `continue` end a path (a loop's `break` and
`continue` paths rejoin after it and at its head). A loop runs its body until the state at its
head stops growing, and may run it not at all. Anything may raise, so a `try`'s handlers and
`finally` start from every state its body passes through, and a `with` (which may swallow an
exception) may continue from any of them. Paths on which the name is still unbound add nothing
(Python raises UnboundLocalError there).

The reading is given up (None) when the name is bound in the function any other way than a
plain `name = value` / `name: T = value` (a parameter, `+=`, a loop or `with` target, a tuple,
a walrus, `del`, `global` / `nonlocal`, a match pattern, an import, a def) or assigned in a
`finally`, when the read is in a nested function or lambda, or when no path reaches it with a
value.
"""

from __future__ import annotations

import ast

Function = ast.FunctionDef | ast.AsyncFunctionDef
State = frozenset[ast.stmt]
MAX_LOOP_ROUNDS = 32


def reaching_values(name: ast.Name, parents: dict[ast.AST, ast.AST]) -> list[ast.AST] | None:
    """The values of the assignments that may reach this read of a local name (None when
    unknown: see module)."""
    function = parents.get(name)
    while function is not None and not isinstance(function, Function | ast.Lambda | ast.ClassDef):
        function = parents.get(function)
    if not isinstance(function, Function) or not _only_assigned(function, name.id):
        return None
    flow = _Flow(name, parents)
    try:
        flow.block(function.body, frozenset())
    except _Unknown:
        return None
    if not flow.reached or not flow.found:
        return None
    return [s.value for s in sorted(flow.found, key=lambda s: (s.lineno, s.col_offset))]  # type: ignore[attr-defined]


def _only_assigned(function: Function, name: str) -> bool:
    """Whether every binding of `name` in the function is a plain single-target assignment."""
    if any(a.arg == name for a in ast.walk(function.args) if isinstance(a, ast.arg)):
        return False
    for node in ast.walk(function):
        if isinstance(node, ast.Global | ast.Nonlocal) and name in node.names:
            return False
        if isinstance(node, ast.MatchAs | ast.MatchStar) and node.name == name:
            return False
        if isinstance(node, ast.MatchMapping) and node.rest == name:
            return False
        if isinstance(node, ast.ExceptHandler) and node.name == name:
            return False
        if isinstance(node, ast.Import | ast.ImportFrom) and any(
            (a.asname or a.name).split(".")[0] == name for a in node.names
        ):
            return False
        if isinstance(node, Function | ast.ClassDef) and node.name == name and node is not function:
            return False
        if isinstance(node, ast.Name) and node.id == name and not isinstance(node.ctx, ast.Load):
            if not _plainly_assigned(node, function):
                return False
    return True


def _plainly_assigned(target: ast.Name, function: Function) -> bool:
    """The name is the whole target of a one-target `=` or an annotated assignment."""
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and node.targets == [target]:
            return True
        if isinstance(node, ast.AnnAssign) and node.target is target and node.value is not None:
            return True
    return False


class _Unknown(Exception):
    """The flow is not modelled here (see module)."""


class _Flow:
    """One abstract run of a function's body, collecting the state where the name is read."""

    def __init__(self, name: ast.Name, parents: dict[ast.AST, ast.AST]) -> None:
        self.name = name
        self.found: set[ast.stmt] = set()
        self.reached = False
        self.holders: set[ast.AST] = set()  # the statements and blocks around the read
        node: ast.AST = name
        while node in parents:
            node = parents[node]
            self.holders.add(node)
        self.loops: list[tuple[set[ast.stmt], set[ast.stmt]]] = []  # (break, continue) states
        self.passed: list[set[ast.stmt]] | None = None  # every state a try body goes through

    def read_here(self, state: State) -> None:
        """The read is evaluated with this state."""
        self.reached = True
        self.found |= state

    def block(self, statements: list[ast.stmt], state: State | None) -> State | None:
        """The state after the statements (None when no path falls through)."""
        for statement in statements:
            if state is None:
                return None
            state = self.statement(statement, state)
        return state

    def statement(self, node: ast.stmt, state: State) -> State | None:
        """The state after one statement run from `state` (None when it never falls through)."""
        if self.passed is not None:
            self.passed.append(set(state))
        holds = node in self.holders
        if isinstance(node, ast.If):
            if holds and self._in(node.test):
                self.read_here(state)
            return _join(self.block(node.body, state), self.block(node.orelse, state))
        if isinstance(node, ast.While | ast.For | ast.AsyncFor):
            return self._loop(node, state)
        if isinstance(node, ast.Try | ast.TryStar):
            return self._try(node, state)
        if isinstance(node, ast.With | ast.AsyncWith):
            if holds and any(self._in(item) for item in node.items):
                self.read_here(state)
            passed, self.passed = self.passed, []
            out = self.block(node.body, state)
            seen, self.passed = self.passed, passed
            if passed is not None:
                passed.extend(seen)
            return _join(out, frozenset().union(state, *seen))  # an exception may be swallowed
        if isinstance(node, ast.Match):
            if holds and self._in(node.subject):
                self.read_here(state)
            matched: State | None = state  # no case may match
            for case in node.cases:
                if holds and case.guard is not None and self._in(case.guard):
                    self.read_here(state)
                matched = _join(matched, self.block(case.body, state))
            return matched
        if holds and not isinstance(node, Function | ast.ClassDef):
            self.read_here(state)
        if isinstance(node, ast.Return | ast.Raise):
            return None
        if isinstance(node, ast.Break | ast.Continue):
            if self.loops:
                self.loops[-1][isinstance(node, ast.Continue)].update(state)
            return None
        if _assigns(node, self.name.id):
            return frozenset({node})
        return state

    def _loop(self, node: ast.While | ast.For | ast.AsyncFor, state: State) -> State | None:
        """Run the body until the head's state stops growing; the loop may not run at all."""
        head = state
        breaks: set[ast.stmt] = set()
        for _ in range(MAX_LOOP_ROUNDS):
            if isinstance(node, ast.While) and node in self.holders and self._in(node.test):
                self.read_here(head)
            if not isinstance(node, ast.While) and node in self.holders and self._in(node.iter):
                self.read_here(state)
            self.loops.append((set(), set()))
            out = self.block(node.body, head)
            stopped, continued = self.loops.pop()
            breaks |= stopped
            grown = head | (out or frozenset()) | continued
            if grown == head:
                break
            head = grown
        else:
            raise _Unknown  # cannot happen: the state only grows, within the function's assignments
        after = self.block(node.orelse, head)
        return _join(after, frozenset(breaks)) if breaks else after

    def _try(self, node: ast.Try | ast.TryStar, state: State) -> State | None:
        """Handlers and `finally` start from any state the body went through."""
        passed, self.passed = self.passed, []
        body = self.block(node.body, state)
        seen, self.passed = self.passed, passed
        if passed is not None:
            passed.extend(seen)
        raised = frozenset().union(state, *seen)
        out = self.block(node.orelse, body)
        for handler in node.handlers:
            if node in self.holders and handler.type is not None and self._in(handler.type):
                self.read_here(raised)
            out = _join(out, self.block(handler.body, raised))
        if not node.finalbody:
            return out
        if any(
            isinstance(s, ast.stmt) and _assigns(s, self.name.id)
            for s in ast.walk(ast.Module(node.finalbody, []))
        ):
            raise _Unknown  # it also runs on the way out of a break, continue or return
        passed, self.passed = self.passed, []
        for handler in node.handlers:  # what handlers assigned before raising again
            self.block(handler.body, raised)
        seen, self.passed = self.passed, passed
        every = frozenset().union(raised, out or frozenset(), *seen)
        self.block(node.finalbody, every)  # any path, also a return or raise, runs it
        return self.block(node.finalbody, out) if out is not None else None

    def _in(self, part: ast.AST) -> bool:
        """Whether the read is inside this part of a statement."""
        return part is self.name or part in self.holders


def _assigns(node: ast.stmt, name: str) -> bool:
    """A plain `name = value` / `name: T = value`."""
    if isinstance(node, ast.Assign):
        return len(node.targets) == 1 and _is_name(node.targets[0], name)
    return (
        isinstance(node, ast.AnnAssign) and node.value is not None and _is_name(node.target, name)
    )


def _is_name(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _join(a: State | None, b: State | None) -> State | None:
    """The states of two paths meeting (None for a path that never gets there)."""
    if a is None:
        return b
    if b is None:
        return a
    return a | b
