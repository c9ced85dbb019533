"""Every environment variable pyswitch reads or sets, in one place."""
import os
import sys

PYSWITCH_ROOT = "PYSWITCH_ROOT"
PYSWITCH_CONFIG = "PYSWITCH_CONFIG"
PYSWITCH_VERSION = "PYSWITCH_VERSION"
PYENV_VERSION = "PYENV_VERSION"
PYSWITCH_CONDA_ROOTS = "PYSWITCH_CONDA_ROOTS"
PYSWITCH_AUTO_ACTIVATE = "PYSWITCH_AUTO_ACTIVATE"
PYSWITCH_SHELL = "PYSWITCH_SHELL"
SHELL_LEVEL = "_PYSWITCH_SHLVL"  # $SHLVL of the shell that loaded the integration
PYENV_ROOT = "PYENV_ROOT"
CONDA_EXE = "CONDA_EXE"
MAMBA_EXE = "MAMBA_EXE"
CONDA_PREFIX = "CONDA_PREFIX"
CONDA_DEFAULT_ENV = "CONDA_DEFAULT_ENV"
CONDA_SHLVL = "CONDA_SHLVL"
VIRTUAL_ENV = "VIRTUAL_ENV"
PATH = "PATH"
HOME = "HOME"
XDG_DATA_HOME = "XDG_DATA_HOME"
XDG_CONFIG_HOME = "XDG_CONFIG_HOME"


def user_dir(env, xdg_var: str) -> str:
    """pyswitch's folder under XDG_DATA_HOME or XDG_CONFIG_HOME where platformdirs puts it. On
    Linux it is computed here (platformdirs' XDG default, HOME-relative): every command and every
    TAB press would pay for importing platformdirs."""
    data = xdg_var == XDG_DATA_HOME
    if env.get(xdg_var, "").strip():
        return os.path.join(env[xdg_var], "pyswitch")
    if sys.platform.startswith("linux"):
        return os.path.join(env.get(HOME) or os.path.expanduser("~"), ".local/share" if data else ".config",
                            "pyswitch")
    import platformdirs

    return platformdirs.user_data_dir("pyswitch") if data else platformdirs.user_config_dir("pyswitch")
