"""`@value`: a frozen value type from an annotated class body, without importing typing.

Values that travel (Environment, Spec, Selection, ...) are immutable tuples with named
fields, like `typing.NamedTuple`. This builds the tuple subclass directly: `typing` and
`dataclasses` cost every command their import, and `collections.namedtuple` compiles code for
each class (about 0.4 ms apiece here, a tenth of a fast command's budget over a dozen classes;
SPEC 9). Fields are the annotated names, in order; a class attribute of that name is its
default; the rest of the body (methods, properties, docstring) is kept. Instances compare,
hash and pickle as tuples; `_replace(**changes)` and `_fields` work as namedtuple's do.
"""
from __future__ import annotations

from operator import itemgetter

_MISSING = object()


def value(cls: type) -> type:
    body = dict(cls.__dict__)
    name = cls.__name__
    fields = tuple(body.get("__annotations__", {}))
    defaults = {f: body.pop(f) for f in fields if f in body}
    index = {f: i for i, f in enumerate(fields)}

    def __new__(kind, /, *args, **kwargs):  # `kind` positional-only: a field may be named so
        if len(args) > len(fields):
            raise TypeError(f"{name}() takes {len(fields)} arguments, {len(args)} given")
        values = list(args) + [_MISSING] * (len(fields) - len(args))
        for key, given in kwargs.items():
            i = index.get(key)
            if i is None:
                raise TypeError(f"{name}() got an unexpected keyword argument {key!r}")
            if values[i] is not _MISSING:
                raise TypeError(f"{name}() got multiple values for argument {key!r}")
            values[i] = given
        for i, given in enumerate(values):
            if given is _MISSING:
                if fields[i] not in defaults:
                    raise TypeError(f"{name}() missing required argument {fields[i]!r}")
                values[i] = defaults[fields[i]]
        return tuple.__new__(kind, values)

    def _replace(self, **changes):
        return type(self)(**{**dict(zip(fields, self)), **changes})

    def __repr__(self):
        return f"{name}({', '.join(f'{f}={v!r}' for f, v in zip(fields, self))})"

    def __getnewargs__(self):
        return tuple(self)

    for key in ("__dict__", "__weakref__"):
        body.pop(key, None)
    namespace = {"__new__": __new__, "_replace": _replace, "__repr__": __repr__,
                 "__getnewargs__": __getnewargs__, "_fields": fields, "_field_defaults": defaults}
    namespace.update((f, property(itemgetter(i), doc=f"field {f}")) for i, f in enumerate(fields))
    namespace.update(body)
    namespace["__slots__"] = ()
    return type(name, (tuple,), namespace)
