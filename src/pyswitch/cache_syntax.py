"""The resolution cache written out: the same data as POSIX sh (the shims, bash, zsh) and as fish.

resolve_cache.py decides what the cache holds; this module only spells it. One renderer walks
the data, and a small table per shell says how each piece is written, so the two files can
never say different things. Everything generated here is tests and assignments of quoted
values, never code built from what a user wrote: every value goes through the shell's quoting.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Dict, Optional, Sequence, Tuple

from pyswitch.quoting import fish_quote, sh_quote

Pairs = Sequence[Tuple[str, str]]


@dataclass(frozen=True)
class Syntax:
    name: str
    quote: Callable[[str], str]
    set_global: str            # one assignment: {k}, {v}
    join_assign: str           # between assignments on one line
    function: str              # a function with no arguments: {name}
    end: str
    indent: str
    all_of: str                # between the tests of a guard
    guard: str                 # the guard line: {tests}
    tests: Dict[str, str]      # an answer's checks, by kind: {p} is the quoted path ({r}: a second)
    var_unset: str             # the variable must be unset: {v}
    var_is: str                # the variable must hold a value: {v}, {val}
    newer_or_stale: str        # stale unless the cache is newer than {p}
    appeared_stale: str        # stale once {p} exists
    bin_changed: str           # {p} changed since the last rehash


SH = Syntax(
    name="sh", quote=sh_quote, set_global="{k}={v}", join_assign=" ", function="{name}() {{", end="}",
    indent="  ", all_of=" && ", guard="{tests} || return 1",
    tests={"older": '[ -e {p} ] && [ "$_PYSWITCH_C_FILE" -nt {p} ]', "link": "[ -h {p} ]", "notlink": "[ ! -h {p} ]",
           "regular": "[ -f {p} ]", "same": "[ {p} -ef {r} ]", "gen": '[ "$_PYSWITCH_C_GEN" = {p} ]'},
    var_unset='[ -z "${{{v}+x}}" ] || return 0', var_is='{{ [ "${{{v}+x}}" = x ] && [ "${v}" = {val} ]; }} || return 0',
    newer_or_stale='[ -e {p} ] && [ "$_PYSWITCH_C_FILE" -nt {p} ] || return 0', appeared_stale="[ -e {p} ] && return 0",
    bin_changed='[ "$_PYSWITCH_C_STAMP" -nt {p} ] || return 0',
)
FISH = Syntax(
    name="fish", quote=fish_quote, set_global="set -g {k} {v}", join_assign="; ", function="function {name}",
    end="end", indent="    ", all_of="; and ", guard="{tests}; or return 1",
    tests={"older": "test -e {p}; and test $_PYSWITCH_C_FILE -nt {p}", "link": "test -L {p}",
           "notlink": "not test -L {p}", "regular": "test -f {p}", "same": "test {p} -ef {r}",
           "gen": 'test "$_PYSWITCH_C_GEN" = {p}'},
    var_unset="set -q {v}; and return 0", var_is='set -q {v}; or return 0; test "${v}" = {val}; or return 0',
    newer_or_stale="test -e {p}; and test $_PYSWITCH_C_FILE -nt {p}; or return 0",
    appeared_stale="test -e {p}; and return 0",
    bin_changed="test $_PYSWITCH_C_STAMP -nt {p}; or return 0",
)
SYNTAXES = {"sh": SH, "fish": FISH}


def assign(syn: Syntax, pairs: Pairs) -> str:
    return syn.join_assign.join(syn.set_global.format(k=k, v=syn.quote(v)) for k, v in pairs)


def answer(syn: Syntax, gen: str, checks: Sequence[Tuple[str, ...]], fields: Pairs,
           envs: Sequence[Pairs]) -> str:
    """An answer file: `_pyswitch_memo` (the guard, then the fields) and `_pyswitch_env N`."""
    q = syn.quote
    tests = [syn.tests["gen"].format(p=q(gen))] + [syn.tests[t].format(p=q(p), r=q(r[0]) if r else "")
                                                   for t, p, *r in checks]
    i1 = syn.indent
    out = [f"# pyswitch answer, generation {gen}; generated, do not edit",
           syn.function.format(name="_pyswitch_memo"),
           i1 + syn.guard.format(tests=syn.all_of.join(tests)),
           i1 + assign(syn, fields),
           syn.end]
    if syn is SH:
        out += ["_pyswitch_env() {", "  case $1 in"]
        out += [f"    {i}) {assign(syn, env)} ;;" for i, env in enumerate(envs, 1)]
        out += ["  esac", "}"]
    else:
        out += ["function _pyswitch_env --argument-names n", "    switch $n"]
        for i, env in enumerate(envs, 1):
            out += [f"        case {i}", f"            {assign(syn, env)}"]
        out += ["    end", "end"]
    return "\n".join(out + [""])


def main(syn: Syntax, gen: str, settings: Pairs, watched_vars: Sequence[Tuple[str, Optional[str]]],
         present: Sequence[str], absent: Sequence[str], skip: Sequence[str],
         values: Sequence[Tuple[str, str, str]], bins: Sequence[str]) -> str:
    """The main file: settings, `_pyswitch_stale`, `_pyswitch_rehash_due`, then the shims'
    folder and value lookups."""
    q, i1 = syn.quote, syn.indent
    out = [f"# pyswitch resolution cache {gen}; generated, do not edit"]
    out += [syn.set_global.format(k=k, v=q(v)) for k, v in settings]
    out.append(syn.function.format(name="_pyswitch_stale"))
    for var, value in watched_vars:
        out.append(i1 + (syn.var_unset.format(v=var) if value is None else syn.var_is.format(v=var, val=q(value))))
    # a deleted P is stale too: -e first, as bash's and fish's -nt call a missing file older
    out += [i1 + syn.newer_or_stale.format(p=q(p)) for p in present]
    out += [i1 + syn.appeared_stale.format(p=q(p)) for p in absent]
    out += [i1 + "return 1", syn.end]
    # for the prompt hook: has a command appeared or gone in a known environment since the last
    # rehash (a pip install outside the shims, a pyenv install, a conda env made by conda)?
    out.append(syn.function.format(name="_pyswitch_rehash_due"))
    out += [i1 + syn.bin_changed.format(p=q(p)) for p in bins]
    out += [i1 + "return 1", syn.end]
    if syn is SH:
        out += ["# is $1 a shims folder (ours or another tool's)? compared by identity, as -ef does",
                "_pyswitch_skip() {",
                "  " + (" || ".join(f'[ "$1" -ef {q(s)} ]' for s in skip) if skip else "return 1"),
                "}",
                "# a variable's value -> the key of its answer ('' where a blank value counts as unset)",
                "_pyswitch_value() {", "  case $1=$2 in"]
        out += [f"    {q(name + '=' + value)}) _pyswitch_key={q(key)} ;;" for name, value, key in values]
        out += ["    *) return 1 ;;", "  esac", "}"]
    else:
        # two lists looked up with `contains -i` (exact strings, where `switch` would glob)
        out.append("set -g _PYSWITCH_C_VALUES " + " ".join(q(f"{n}={v}") for n, v, _ in values))
        out.append("set -g _PYSWITCH_C_VALUE_KEYS " + " ".join(q(k if k else "-") for _, _, k in values))
    return "\n".join(out + [""])
