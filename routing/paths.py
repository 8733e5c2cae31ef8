"""Key paths as staff read them: ``services.groceries.contacts[0].phone``, with their line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from routing.errors import ConfigIssue
from routing.yaml_lines import LineMap, PathPart

# Lists whose items are named by their id in messages ("services.groceries", not "services[2]").
_ID_LISTS = ("services", "areas")


@dataclass(frozen=True, slots=True)
class Located:
    """Turns a key path into a ConfigIssue with its file, line and readable path."""

    file: str
    data: Any
    lines: LineMap

    def issue(self, path: Sequence[PathPart], message: str) -> ConfigIssue:
        return ConfigIssue(self.file, self.lines.line_of(tuple(path)), self.render(path), message)

    def render(self, path: Sequence[PathPart]) -> str:
        out = ""
        node = self.data
        for i, part in enumerate(path):
            if isinstance(part, int):
                item = node[part] if isinstance(node, list) and part < len(node) else None
                item_id = item.get("id") if isinstance(item, dict) else None
                parent = path[i - 1] if i else None
                if parent in _ID_LISTS and i == 1 and isinstance(item_id, str) and item_id:
                    out += f".{item_id}"
                else:
                    out += f"[{part}]"
                node = item
            else:
                out += f".{part}" if out else str(part)
                node = node.get(part) if isinstance(node, dict) else None
        return out
