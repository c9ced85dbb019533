"""config.toml -> typed settings, with one-line errors for bad TOML, unknown keys and wrong types."""
from __future__ import annotations

import sys
from pathlib import Path

TYPE_CHECKING = False  # annotations only: importing typing would cost every command
if TYPE_CHECKING:
    from typing import Optional, Tuple

from pyswitch.errors import ConfigError
from pyswitch.files import NotRegular, read_regular
from pyswitch.values import value

MAX_CONFIG_BYTES = 64 * 1024

@value
class Config:
    pyenv_root: Optional[str] = None
    conda_roots: Optional[Tuple[str, ...]] = None
    auto_activate: bool = True
    venv_dir: str = ".venv"


# key -> (python type check, what the user is told is expected)
_KEYS = {
    "pyenv_root": (lambda v: isinstance(v, str), "a string"),
    "conda_roots": (lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v), "a list of strings"),
    "auto_activate": (lambda v: isinstance(v, bool), "true or false"),
    "venv_dir": (lambda v: isinstance(v, str), "a string"),
}


def load_config(path: Path) -> Config:
    """Read the config file; a missing file is the default config."""
    try:
        raw = read_regular(path, MAX_CONFIG_BYTES + 1)
    except (FileNotFoundError, NotADirectoryError):
        return Config()
    except NotRegular as e:
        raise ConfigError(f"config {path} is {e.kind}, not a regular file; point PYSWITCH_CONFIG at a "
                          "config.toml file or remove it") from None
    except OSError as e:
        raise ConfigError(f"cannot read config {path}: {e.strerror}") from None
    if sys.version_info >= (3, 11):  # imported only when there is a config to read
        import tomllib
    else:  # pragma: no cover - exercised on 3.8 in CI
        import tomli as tomllib
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError(f"config {path} is larger than {MAX_CONFIG_BYTES // 1024} KiB; it holds four keys at most")
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"invalid TOML in config {path}: {e}; fix or remove the file") from None
    for key, given in data.items():
        if key not in _KEYS:
            known = ", ".join(sorted(_KEYS))
            raise ConfigError(f"unknown key '{key}' in config {path}; known keys: {known}")
        check, expected = _KEYS[key]
        if not check(given):
            raise ConfigError(
                f"key '{key}' in config {path} must be {expected}, not {type(given).__name__} {given!r}"
            )
    venv_dir = data.get("venv_dir", ".venv")
    if not venv_dir or "/" in venv_dir or venv_dir in (".", ".."):
        raise ConfigError(f"key 'venv_dir' in config {path} must be a plain folder name such as '.venv'")
    roots = data.get("conda_roots")
    return Config(
        pyenv_root=data.get("pyenv_root"),
        conda_roots=tuple(roots) if roots is not None else None,
        auto_activate=data.get("auto_activate", True),
        venv_dir=venv_dir,
    )
