"""conda's environment.yml, read with a real YAML parser (PyYAML), every entry with its line.

`dependencies` holds conda specs (matchspec.py) and a `pip:` list, read with the requirements
reader (declarations.py); a `prefix:` key marks a file that `conda env export` or
`pyswitch export` wrote, against which `check` also names extras.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Mapping

from pyswitch import matchspec
from pyswitch.declarations import COMMENT, CondaRequirement, Declaration, Unreadable, expand, parse_line, read_text
from pyswitch.errors import PyswitchError


def read_environment_yml(path: Path, shown: str, environ: Mapping[str, str]) -> Declaration:
    """conda's environment file: `dependencies` (conda specs and a `pip:` list), `prefix` if exported."""
    text = read_text(path, shown)
    lines = text.splitlines()
    try:
        import yaml
    except ImportError:  # pragma: no cover - PyYAML is a dependency
        raise PyswitchError("reading environment.yml needs PyYAML: pip install PyYAML") from None
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        root = yaml.compose(text, Loader=loader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        number = mark.line + 1 if mark is not None else 1
        raise Unreadable(shown, number, lines[number - 1].strip() if number <= len(lines) else "") from None
    except yaml.YAMLError:
        raise PyswitchError(f"cannot read {shown} as YAML") from None
    if root is None:
        raise PyswitchError(f"{shown} is empty: nothing to compare with")

    def bad(node, why: str = "") -> Unreadable:
        """The node's own text when it is one value, else its line."""
        number = node.start_mark.line + 1
        if isinstance(node, yaml.ScalarNode) and node.value:
            text = str(node.value).strip()
        else:
            text = lines[number - 1].strip() if number <= len(lines) else ""
        return Unreadable(shown, number, text, why)

    if not isinstance(root, yaml.MappingNode):
        raise bad(root, "expected name, channels and dependencies")
    decl = Declaration(path, shown, "environment", exported=False)
    for key_node, value_node in root.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if key == "prefix":
            decl.exported = True  # conda env export and pyswitch export write it; hand-written files rarely do
        if key != "dependencies":
            continue
        if isinstance(value_node, yaml.ScalarNode) and value_node.tag.endswith(":null"):
            continue
        if not isinstance(value_node, yaml.SequenceNode):
            raise bad(value_node, "dependencies must be a list")
        for item in value_node.value:
            _dependency(item, decl, bad, path, shown, environ, yaml)
    return decl


def _dependency(item, decl: Declaration, bad, path: Path, shown: str, environ, yaml) -> None:
    if isinstance(item, yaml.ScalarNode) and not item.tag.endswith(":null"):
        try:
            spec = matchspec.parse(str(item.value))
        except ValueError:
            raise bad(item) from None
        decl.conda.append(CondaRequirement(str(item.value).strip(), shown, item.start_mark.line + 1, spec))
        return
    if isinstance(item, yaml.MappingNode) and len(item.value) == 1:
        key_node, value_node = item.value[0]
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == "pip":
            if isinstance(value_node, yaml.ScalarNode) and value_node.tag.endswith(":null"):
                return
            if not isinstance(value_node, yaml.SequenceNode):
                raise bad(value_node, "pip: must be a list")
            seen = {os.path.realpath(path)}
            for entry in value_node.value:
                if not isinstance(entry, yaml.ScalarNode) or entry.tag.endswith(":null"):
                    raise bad(entry)
                text = re.sub(COMMENT, "", str(entry.value)).strip()
                if text:
                    parse_line(expand(text, environ), path, shown, entry.start_mark.line + 1, environ,
                               decl.pip, seen)
            return
    raise bad(item)
