"""Validation, topological order, shape inference and parameter counts for a spec."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from playground.core import limits
from playground.core.errors import PlaygroundError
from playground.core.layers import KINDS, Shape, ShapeError
from playground.core.spec import NetworkSpec

LOSSES_FOR_TASK = {  # the losses each Output task accepts, the preferred one first
    "binary": ("binary_cross_entropy", "squared_error"),
    "multiclass": ("cross_entropy", "squared_error"),
    "regression": ("squared_error",),
}
_ACTIVATIONS_FOR_LOSS = {
    "binary_cross_entropy": ("sigmoid", "linear"),
    "cross_entropy": ("softmax", "linear"),
}


@dataclass(frozen=True)
class NodeIssue:
    """A problem with one node (or with the whole graph when node_id is None)."""

    node_id: str | None
    message: str


class InvalidNetwork(PlaygroundError):
    """The spec cannot be built; `issues` names each node at fault."""

    def __init__(self, issues: tuple[NodeIssue, ...]):
        self.issues = issues
        super().__init__(" ".join(issue.message if issue.message.endswith(".")
                                  else f"{issue.message}." for issue in issues))


@dataclass(frozen=True)
class GraphInfo:
    """Everything derived from a spec: order, shapes, parameter counts and problems."""

    order: tuple[str, ...]
    layer_count: int
    shapes: dict[str, Shape] = field(default_factory=dict)
    input_shapes: dict[str, list[Shape]] = field(default_factory=dict)
    param_counts: dict[str, int] = field(default_factory=dict)
    issues: tuple[NodeIssue, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.issues

    @property
    def total_params(self) -> int:
        return sum(self.param_counts.values())

    def issues_for(self, node_id: str) -> list[str]:
        return [i.message for i in self.issues if i.node_id == node_id]

    def summary(self) -> str:
        """One line for a status bar."""
        state = "valid" if self.ok else f"{len(self.issues)} problem(s)"
        return f"{self.layer_count} layers, {self.total_params:,} parameters, {state}"


def analyse(spec: NetworkSpec) -> GraphInfo:
    """Check the graph and infer every shape it can; never raises for a bad spec."""
    issues: list[NodeIssue] = []
    issues += _check_ends(spec)
    order, cycle_issues = _topological_order(spec)
    issues += cycle_issues
    shapes, in_shapes, counts = _infer(spec, order, issues)  # shape problems come first
    issues += _check_size(spec, counts)
    issues += _check_connections(spec)
    issues += _check_output(spec)
    return GraphInfo(tuple(order), len(spec.layers), shapes, in_shapes, counts, tuple(issues))


def require_valid(spec: NetworkSpec) -> GraphInfo:
    """Analyse and raise InvalidNetwork if there is any problem."""
    info = analyse(spec)
    if not info.ok:
        raise InvalidNetwork(info.issues)
    return info


def _check_ends(spec: NetworkSpec) -> list[NodeIssue]:
    issues = []
    for kind in ("Input", "Output"):
        count = len(spec.of_kind(kind))
        if count == 0:
            issues.append(NodeIssue(None, f"The network has no {kind} node; drag one from the "
                                          "palette."))
        elif count > 1:
            issues.append(NodeIssue(None, f"The network has {count} {kind} nodes; it needs "
                                          "exactly one. Delete the extra ones."))
    return issues


def _topological_order(spec: NetworkSpec) -> tuple[list[str], list[NodeIssue]]:
    """Kahn's algorithm, keeping the spec's layer order among ready nodes."""
    pending = {layer.id: len(spec.inputs_of(layer.id)) for layer in spec.layers}
    ready = deque(layer.id for layer in spec.layers if pending[layer.id] == 0)
    order: list[str] = []
    while ready:
        node = ready.popleft()
        order.append(node)
        for target in spec.outputs_of(node):
            pending[target] -= 1
            if pending[target] == 0:
                ready.append(target)
    placed = set(order)
    stuck = [layer.id for layer in spec.layers if layer.id not in placed]
    on_cycle = _on_cycles(spec, stuck)
    issues = [
        NodeIssue(node, f"{spec.layer(node).name} is part of a cycle (a loop of connections); "
                        "remove one connection of the loop. Use an RNN layer for recurrence.")
        for node in stuck if node in on_cycle
    ]
    return order, issues


def _on_cycles(spec: NetworkSpec, nodes: list[str]) -> set[str]:
    """The nodes among `nodes` that lie on a loop: members of a strongly connected component
    of two or more (Kosaraju's algorithm, without recursion, linear in the graph's size)."""
    among = set(nodes)
    finished: list[str] = []
    seen: set[str] = set()
    for start in nodes:
        if start in seen:
            continue
        seen.add(start)
        stack = [(start, iter(spec.outputs_of(start)))]
        while stack:
            node, rest = stack[-1]
            nxt = next((n for n in rest if n in among and n not in seen), None)
            if nxt is None:
                finished.append(node)
                stack.pop()
            else:
                seen.add(nxt)
                stack.append((nxt, iter(spec.outputs_of(nxt))))
    cycles: set[str] = set()
    assigned: set[str] = set()
    for start in reversed(finished):
        if start in assigned:
            continue
        component, todo = [start], [start]
        assigned.add(start)
        while todo:
            for other in spec.inputs_of(todo.pop()):
                if other in among and other not in assigned:
                    assigned.add(other)
                    component.append(other)
                    todo.append(other)
        if len(component) > 1:
            cycles.update(component)
    return cycles


def _reachable(spec: NetworkSpec, start: list[str], forward: bool) -> set[str]:
    seen, todo = set(start), list(start)
    while todo:
        node = todo.pop()
        nxt = spec.outputs_of(node) if forward else spec.inputs_of(node)
        for other in nxt:
            if other not in seen:
                seen.add(other)
                todo.append(other)
    return seen


def _check_connections(spec: NetworkSpec) -> list[NodeIssue]:
    issues = []
    from_input = _reachable(spec, [layer.id for layer in spec.of_kind("Input")], True)
    to_output = _reachable(spec, [layer.id for layer in spec.of_kind("Output")], False)
    for layer in spec.layers:
        kind = KINDS[layer.kind]
        n_in = len(spec.inputs_of(layer.id))
        if n_in < kind.min_inputs:
            need = "an input" if kind.min_inputs == 1 else f"at least {kind.min_inputs} inputs"
            issues.append(NodeIssue(layer.id, f"{layer.name} needs {need}; connect a layer "
                                              "into it."))
        elif kind.max_inputs is not None and n_in > kind.max_inputs:
            issues.append(NodeIssue(layer.id, f"{layer.name} takes one input but has {n_in}; "
                                              "merge them first with an Add or Concat layer."))
        elif layer.id not in from_input:
            issues.append(NodeIssue(layer.id, f"{layer.name} is not fed by the Input; connect "
                                              "it to the network or delete it."))
        elif layer.id not in to_output:
            issues.append(NodeIssue(layer.id, f"{layer.name} does not lead to the Output; "
                                              "connect it onward or delete it."))
    return issues


def _infer(
    spec: NetworkSpec, order: list[str], issues: list[NodeIssue]
) -> tuple[dict[str, Shape], dict[str, list[Shape]], dict[str, int]]:
    """Shapes and parameter counts in topological order.

    A node is skipped when an input's shape is unknown or it has the wrong number of inputs
    (both reported by the connection check).
    """
    shapes: dict[str, Shape] = {}
    in_shapes: dict[str, list[Shape]] = {}
    counts: dict[str, int] = {}
    for node in order:
        layer = spec.layer(node)
        kind = KINDS[layer.kind]
        sources = spec.inputs_of(node)
        n_in, kind_max = len(sources), kind.max_inputs
        if n_in < kind.min_inputs or (kind_max is not None and n_in > kind_max) \
                or any(s not in shapes for s in sources):
            continue
        ins = [shapes[s] for s in sources]
        try:
            out = kind.shape_rule(layer.params, ins)
        except ShapeError as err:
            issues.append(NodeIssue(node, f"{layer.name} {err}"))
            continue
        in_shapes[node] = ins
        counts[node] = kind.param_count(layer.params, ins, out)
        shapes[node] = out
    return shapes, in_shapes, counts


def _check_size(spec: NetworkSpec, counts: dict[str, int]) -> list[NodeIssue]:
    """A network too large to build is refused from its declared shapes alone."""
    if len(spec.layers) > limits.LAYERS.value:
        return [NodeIssue(None, f"The network has {len(spec.layers):,} layers, more than the "
                                f"{limits.LAYERS.text()} the playground builds (set "
                                f"{limits.LAYERS.env} to raise the limit).")]
    total = sum(counts.values())
    if total <= limits.PARAMETERS.value:
        return []
    largest = max(counts, key=counts.__getitem__)
    limit = limits.PARAMETERS
    return [NodeIssue(largest, f"{spec.layer(largest).name} has {counts[largest]:,} "
                               f"parameters; the network's {total:,} are more than the "
                               f"{limit.text()} the playground allows. Make the layers "
                               f"smaller (or set {limit.env} to raise the limit).")]


def _check_output(spec: NetworkSpec) -> list[NodeIssue]:
    """The Output's task, loss, activation and units must agree."""
    issues = []
    for layer in spec.of_kind("Output"):
        p = layer.params
        task, loss, act, units = p["task"], p["loss"], p["activation"], p["units"]
        if loss not in LOSSES_FOR_TASK[task]:
            allowed = " or ".join(LOSSES_FOR_TASK[task])
            issues.append(NodeIssue(layer.id, f"{layer.name}: a {task} task needs the "
                                              f"{allowed} loss, not {loss}."))
        elif act not in _ACTIVATIONS_FOR_LOSS.get(loss, (act,)):
            allowed = " or ".join(_ACTIVATIONS_FOR_LOSS[loss])
            issues.append(NodeIssue(layer.id, f"{layer.name}: the {loss} loss needs a {allowed}"
                                              f" output activation, not {act}."))
        if task == "binary" and units != 1:
            issues.append(NodeIssue(layer.id, f"{layer.name}: a binary task has 1 output unit, "
                                              f"not {units}; set units to 1."))
        if task == "multiclass" and units < 2:
            issues.append(NodeIssue(layer.id, f"{layer.name}: a multiclass task needs one unit "
                                              "per class (at least 2)."))
        if act == "softmax" and task != "multiclass":
            issues.append(NodeIssue(layer.id, f"{layer.name}: softmax is for multiclass tasks; "
                                              "use sigmoid, tanh or linear."))
    return issues
