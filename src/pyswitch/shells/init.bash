# pyswitch shell integration for bash. Load it with, in ~/.bashrc:
#   eval "$(pyswitch init bash)"
# It puts the shims first on PATH, defines the `pyswitch` function (for `pyswitch shell`) and
# a prompt hook that activates the project's venv or conda env on cd. Turn activation off with
# PYSWITCH_AUTO_ACTIVATE=0 or `auto_activate = false` in the config.

# Values filled in by `pyswitch init`.
_PYSWITCH_SHIMS=@SHIMS@
_PYSWITCH_CACHE=@CACHE@
_PYSWITCH_TRUST=@TRUST@
\builtin export PYSWITCH_SHELL=bash

# The shims go first on PATH, exactly once however often this is evaluated.
_pyswitch_path_without() {
  \builtin local _pyswitch_p=":$PATH:"
  while [[ $_pyswitch_p == *":$1:"* ]]; do _pyswitch_p=${_pyswitch_p//":$1:"/:}; done
  _pyswitch_p=${_pyswitch_p#:}
  PATH=${_pyswitch_p%:}
}
_pyswitch_path_without "$_PYSWITCH_SHIMS"
PATH=$_PYSWITCH_SHIMS${PATH:+:$PATH}
\builtin export PATH

# `pyswitch shell` changes this shell: the command prints shell code that this function runs.
pyswitch() {
  if [[ ${1-} == shell ]]; then
    \builtin local _pyswitch_a
    for _pyswitch_a in "$@"; do
      [[ $_pyswitch_a == -h || $_pyswitch_a == --help ]] && { \command pyswitch "$@"; \builtin return; }
    done
    \builtin shift
    \builtin local _pyswitch_code
    _pyswitch_code=$(\command pyswitch shell --print-for bash "$@") || \builtin return
    \builtin eval "$_pyswitch_code"
  else
    \command pyswitch "$@"
  fi
}

# The prompt hook. The fast path reads the directory, the nearest version file and the first
# line of the resolution cache with builtins only; when none of them changed it starts nothing.
_pyswitch_hook() {
  \builtin local _pyswitch_ret="$?" _pyswitch_d="$PWD" _pyswitch_f= _pyswitch_c= _pyswitch_local= _pyswitch_g=
  \builtin local _pyswitch_sv="${PYSWITCH_VERSION-}"
  if [[ -z ${_pyswitch_sv//[$' \t\r\n']/} ]]; then
    while :; do
      if [[ -f $_pyswitch_d/.python-version ]]; then
        _pyswitch_f=$_pyswitch_d/.python-version _pyswitch_local=1
        \builtin break
      fi
      [[ -z $_pyswitch_d ]] && \builtin break
      _pyswitch_d=${_pyswitch_d%/*}
    done
    if [[ -z $_pyswitch_f ]]; then
      if [[ -f ${_PYSWITCH_C_GLOBAL-} ]]; then _pyswitch_f=$_PYSWITCH_C_GLOBAL
      elif [[ -f ${_PYSWITCH_C_PYENV_GLOBAL-} ]]; then _pyswitch_f=$_PYSWITCH_C_PYENV_GLOBAL
      fi
    fi
    [[ -r $_pyswitch_f ]] && IFS= \builtin read -r -d '' -n 65536 _pyswitch_c < "$_pyswitch_f"
  fi
  [[ -f $_PYSWITCH_CACHE ]] && IFS= \builtin read -r _pyswitch_g < "$_PYSWITCH_CACHE"
  [[ $_PYSWITCH_TRUST -nt $_PYSWITCH_CACHE ]] && _pyswitch_g+=T
  \builtin local _pyswitch_k="$PWD"$'\x1f'"$_pyswitch_sv"$'\x1f'"${PYSWITCH_AUTO_ACTIVATE-}"$'\x1f'"$_pyswitch_f"$'\x1f'"$_pyswitch_c"
  if [[ $_pyswitch_k$'\x1f'$_pyswitch_g$'\x1f'${VIRTUAL_ENV-}$'\x1f'${CONDA_PREFIX-} != "${_PYSWITCH_KEY-}" ]]; then
    _pyswitch_update
    _pyswitch_g=
    [[ -f $_PYSWITCH_CACHE ]] && IFS= \builtin read -r _pyswitch_g < "$_PYSWITCH_CACHE"
    [[ $_PYSWITCH_TRUST -nt $_PYSWITCH_CACHE ]] && _pyswitch_g+=T
    _PYSWITCH_KEY=$_pyswitch_k$'\x1f'$_pyswitch_g$'\x1f'${VIRTUAL_ENV-}$'\x1f'${CONDA_PREFIX-}
  fi
  \builtin return $_pyswitch_ret
}

# Something changed: work out what should be active, and switch if that is not what is.
_pyswitch_update() {
  if [[ -n ${_PYSWITCH_ACTIVE_KIND-} ]]; then
    \builtin local _pyswitch_v="${CONDA_PREFIX-}"
    [[ $_PYSWITCH_ACTIVE_KIND == venv ]] && _pyswitch_v=${VIRTUAL_ENV-}
    if [[ $_pyswitch_v != "$_PYSWITCH_ACTIVE_PREFIX" ]]; then
      # the user deactivated ours by hand (forget it), or activated another on top (hands off)
      [[ -z $_pyswitch_v ]] && _pyswitch_forget
      \builtin return
    fi
  fi
  # an environment activated by hand: change nothing
  [[ -n ${VIRTUAL_ENV-} && ${_PYSWITCH_ACTIVE_KIND-} != venv ]] && \builtin return
  [[ -n ${CONDA_PREFIX-} && ${_PYSWITCH_ACTIVE_KIND-} != conda ]] && \builtin return
  \builtin local _pyswitch_wk= _pyswitch_wp= _pyswitch_wb= _pyswitch_wn=
  _pyswitch_want || \builtin return
  [[ $_pyswitch_wk == "${_PYSWITCH_ACTIVE_KIND-}" && $_pyswitch_wp == "${_PYSWITCH_ACTIVE_PREFIX-}" ]] && \builtin return
  _pyswitch_deactivate
  [[ -n $_pyswitch_wk ]] && _pyswitch_activate
  \builtin return 0
}

# Sets _pyswitch_wk (venv, conda or empty for nothing), _pyswitch_wp (prefix), _pyswitch_wb
# (bin), _pyswitch_wn (conda env name). Fails when nothing can be said (pyswitch failed).
_pyswitch_want() {
  \builtin local _pyswitch_r= _pyswitch_w= _pyswitch_l=
  [[ -f $_PYSWITCH_CACHE ]] && IFS= \builtin read -r _pyswitch_l < "$_PYSWITCH_CACHE"
  if [[ -z $_pyswitch_l ]]; then
    _pyswitch_resolve || \builtin return 1
  else
    [[ $_pyswitch_l == "# pyswitch resolution cache ${_PYSWITCH_C_GEN-};"* ]] || \builtin . "$_PYSWITCH_CACHE" || \builtin return 1
    if _pyswitch_stale "$_PYSWITCH_CACHE"; then _pyswitch_resolve || \builtin return 1; fi
  fi
  if [[ -n ${PYSWITCH_AUTO_ACTIVATE+x} ]]; then
    case ${PYSWITCH_AUTO_ACTIVATE//[$' \t\r\n']/} in 0|[Ff][Aa][Ll][Ss][Ee]|[Nn][Oo]|[Oo][Ff][Ff]) \builtin return 0 ;; esac
  elif [[ ${_PYSWITCH_C_AUTO-1} == 0 ]]; then
    \builtin return 0
  fi
  if [[ -n ${_pyswitch_sv//[$' \t\r\n']/} ]]; then
    _pyswitch_local=
    _pyswitch_first "${_pyswitch_sv//[$' \t\r']/$'\n'}"
  else
    _pyswitch_first "$_pyswitch_c"
  fi
  [[ -n $_pyswitch_w ]] || { _pyswitch_w=system _pyswitch_local=; }
  if ! _pyswitch_spec "$_pyswitch_w"; then
    # not in the cache: maybe just installed; ask pyswitch once, else it is not installed
    [[ -n $_pyswitch_r ]] && \builtin return 0
    _pyswitch_resolve || \builtin return 1
    _pyswitch_spec "$_pyswitch_w" || \builtin return 0
  fi
  if [[ -n $_pyswitch_local ]]; then
    # a trusted project venv beside the version file, made from that interpreter
    \builtin local _pyswitch_v="$_pyswitch_d/$_PYSWITCH_C_VENV_DIR" _pyswitch_h=
    if [[ -f $_pyswitch_v/pyvenv.cfg ]] && _pyswitch_trusted "$_pyswitch_v"; then
      \builtin local _pyswitch_key _pyswitch_val
      while IFS='=' \builtin read -r _pyswitch_key _pyswitch_val || [[ -n $_pyswitch_key ]]; do
        case $_pyswitch_key in 'home'|'home '*)
          _pyswitch_val=${_pyswitch_val# }; _pyswitch_h=${_pyswitch_val%$'\r'}; \builtin break ;;
        esac
      done < "$_pyswitch_v/pyvenv.cfg"
      if [[ -n $_pyswitch_h && $_pyswitch_h -ef $_PYSWITCH_BIN ]]; then
        _pyswitch_wk=venv _pyswitch_wp=$_pyswitch_v _pyswitch_wb=$_pyswitch_v/bin
        \builtin return 0
      fi
    fi
  fi
  case $_PYSWITCH_KIND in
    conda) _pyswitch_wk=conda _pyswitch_wp=$_PYSWITCH_PREFIX _pyswitch_wb=$_PYSWITCH_BIN _pyswitch_wn=$_PYSWITCH_ENVNAME ;;
    virtualenv) _pyswitch_wk=venv _pyswitch_wp=$_PYSWITCH_PREFIX _pyswitch_wb=$_PYSWITCH_BIN ;;
  esac
  \builtin return 0
}

# Rewrite the cache with pyswitch itself (the slow path) and load it.
_pyswitch_resolve() {
  _pyswitch_r=1
  \command pyswitch _resolve || \builtin return 1
  \builtin . "$_PYSWITCH_CACHE"
}

# Sets _pyswitch_w to the first usable spec of $1 (the lines of a version file), skipping
# comments and the tokens pyswitch refuses (paths, control characters), as pyswitch does.
_pyswitch_first() {
  \builtin local _pyswitch_t="$1"$'\n' _pyswitch_x
  while [[ -n $_pyswitch_t ]]; do
    _pyswitch_x=${_pyswitch_t%%$'\n'*}
    _pyswitch_t=${_pyswitch_t#*$'\n'}
    while [[ $_pyswitch_x == [$' \t\r']* ]]; do _pyswitch_x=${_pyswitch_x:1}; done
    _pyswitch_x=${_pyswitch_x%%[$' \t\r']*}
    case $_pyswitch_x in
      ''|'#'*|/*|.|..|./*|../*|*/|*//*|*/.|*/..|*/./*|*/../*|*/*/*/*|*[[:cntrl:]]*) \builtin continue ;;
      */envs/*) ;;
      */*) \builtin continue ;;
    esac
    (( ${#_pyswitch_x} > 255 )) && \builtin continue
    _pyswitch_w=$_pyswitch_x
    \builtin return 0
  done
  \builtin return 1
}

_pyswitch_activate() {
  \builtin export _PYSWITCH_OLD_PATH="$PATH"
  if [[ $_pyswitch_wk == venv ]]; then
    _pyswitch_save VIRTUAL_ENV PYTHONHOME
    \builtin export VIRTUAL_ENV="$_pyswitch_wp"
    \builtin unset PYTHONHOME
  else
    _pyswitch_save CONDA_PREFIX CONDA_DEFAULT_ENV CONDA_SHLVL
    \builtin local _pyswitch_lvl="${CONDA_SHLVL-0}"
    case $_pyswitch_lvl in ''|*[!0-9]*) _pyswitch_lvl=0 ;; esac
    \builtin export CONDA_PREFIX="$_pyswitch_wp" CONDA_DEFAULT_ENV="$_pyswitch_wn" CONDA_SHLVL=$((10#$_pyswitch_lvl + 1))
  fi
  PATH=$_pyswitch_wb${PATH:+:$PATH}
  \builtin export PATH _PYSWITCH_ACTIVE_KIND="$_pyswitch_wk" _PYSWITCH_ACTIVE_PREFIX="$_pyswitch_wp" \
    _PYSWITCH_ACTIVE_BIN="$_pyswitch_wb" _PYSWITCH_NEW_PATH="$PATH"
  [[ $_pyswitch_wk == conda ]] && _pyswitch_source_dir "$_pyswitch_wp/etc/conda/activate.d"
  \builtin return 0
}

_pyswitch_deactivate() {
  [[ -n ${_PYSWITCH_ACTIVE_KIND-} ]] || \builtin return 0
  [[ $_PYSWITCH_ACTIVE_KIND == conda ]] && _pyswitch_source_dir "$_PYSWITCH_ACTIVE_PREFIX/etc/conda/deactivate.d"
  if [[ $PATH == "${_PYSWITCH_NEW_PATH-}" ]]; then
    PATH=$_PYSWITCH_OLD_PATH
  else
    _pyswitch_path_drop "$_PYSWITCH_ACTIVE_BIN"  # PATH changed meanwhile: take out only our entry
  fi
  \builtin export PATH
  if [[ $_PYSWITCH_ACTIVE_KIND == venv ]]; then
    _pyswitch_restore VIRTUAL_ENV PYTHONHOME
  else
    _pyswitch_restore CONDA_PREFIX CONDA_DEFAULT_ENV CONDA_SHLVL
  fi
  \builtin unset _PYSWITCH_ACTIVE_KIND _PYSWITCH_ACTIVE_PREFIX _PYSWITCH_ACTIVE_BIN _PYSWITCH_OLD_PATH _PYSWITCH_NEW_PATH
}

# Ours was deactivated by hand: drop what is left of it without restoring anything.
_pyswitch_forget() {
  _pyswitch_path_drop "$_PYSWITCH_ACTIVE_BIN"
  \builtin export PATH
  \builtin unset _PYSWITCH_ACTIVE_KIND _PYSWITCH_ACTIVE_PREFIX _PYSWITCH_ACTIVE_BIN _PYSWITCH_OLD_PATH _PYSWITCH_NEW_PATH \
    _PYSWITCH_OLD_VIRTUAL_ENV _PYSWITCH_OLD_PYTHONHOME _PYSWITCH_OLD_CONDA_PREFIX _PYSWITCH_OLD_CONDA_DEFAULT_ENV \
    _PYSWITCH_OLD_CONDA_SHLVL
}

# Takes the first occurrence of $1 out of PATH.
_pyswitch_path_drop() {
  \builtin local _pyswitch_p=":$PATH:"
  [[ $_pyswitch_p == *":$1:"* ]] || \builtin return 0
  _pyswitch_p=${_pyswitch_p/":$1:"/:}
  _pyswitch_p=${_pyswitch_p#:}
  PATH=${_pyswitch_p%:}
}

# Remember each variable (set or not) in _PYSWITCH_OLD_<name>; restore puts it back exactly.
_pyswitch_save() {
  \builtin local _pyswitch_n
  for _pyswitch_n in "$@"; do
    if [[ -n ${!_pyswitch_n+x} ]]; then
      \builtin export "_PYSWITCH_OLD_$_pyswitch_n=${!_pyswitch_n}"
    else
      \builtin unset "_PYSWITCH_OLD_$_pyswitch_n"
    fi
  done
}

_pyswitch_restore() {
  \builtin local _pyswitch_n _pyswitch_o
  for _pyswitch_n in "$@"; do
    _pyswitch_o=_PYSWITCH_OLD_$_pyswitch_n
    if [[ -n ${!_pyswitch_o+x} ]]; then
      \builtin export "$_pyswitch_n=${!_pyswitch_o}"
    else
      \builtin unset "$_pyswitch_n"
    fi
    \builtin unset "$_pyswitch_o"
  done
}

# Source a conda env's activate.d or deactivate.d scripts for this shell, in order.
_pyswitch_source_dir() {
  [[ -d $1 ]] || \builtin return 0
  \builtin local _pyswitch_s _pyswitch_fg= _pyswitch_nf=
  \builtin shopt -q failglob && { _pyswitch_fg=1; \builtin shopt -u failglob; }
  [[ $- == *f* ]] && { _pyswitch_nf=1; \builtin set +f; }
  for _pyswitch_s in "$1"/*.sh; do
    [[ -f $_pyswitch_s ]] && \builtin . "$_pyswitch_s"
  done
  [[ -n $_pyswitch_fg ]] && \builtin shopt -s failglob
  [[ -n $_pyswitch_nf ]] && \builtin set -f
  \builtin return 0
}

# Before anything else at the prompt, so prompt tools see the activated environment; once.
if [[ ${PROMPT_COMMAND[*]-} != *_pyswitch_hook* ]]; then
  if (( BASH_VERSINFO[0] > 5 || (BASH_VERSINFO[0] == 5 && BASH_VERSINFO[1] >= 1) )) \
    && [[ -n ${PROMPT_COMMAND+x} && ${PROMPT_COMMAND@a} == *a* ]]; then
    PROMPT_COMMAND=(_pyswitch_hook "${PROMPT_COMMAND[@]}")
  else
    PROMPT_COMMAND="_pyswitch_hook${PROMPT_COMMAND:+;$PROMPT_COMMAND}"
  fi
fi

[[ -f $_PYSWITCH_CACHE ]] && \builtin . "$_PYSWITCH_CACHE"
[[ -f @COMPLETION@ ]] && \builtin . @COMPLETION@
\builtin true
