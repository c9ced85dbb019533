# pyswitch shell integration for bash. Load it with, in ~/.bashrc:
#   eval "$(pyswitch init bash)"
# It puts the shims first on PATH, defines the `pyswitch` function (for `pyswitch shell`) and
# a prompt hook that activates the project's venv or conda env on cd. Turn activation off with
# PYSWITCH_AUTO_ACTIVATE=0 or `auto_activate = false` in the config.

# Values filled in by `pyswitch init`.
_PYSWITCH_SHIMS=@SHIMS@
_PYSWITCH_CACHE=@CACHE@
_PYSWITCH_TRUST=@TRUST@
# the nesting level too: a nested shell that does not load this inherits PYSWITCH_SHELL
\builtin export PYSWITCH_SHELL=bash _PYSWITCH_SHLVL="${SHLVL-}"

# The shims go first on PATH, exactly once however often this is evaluated; an environment the
# hook activated (here, or in the shell this one started from) keeps its bin ahead of them.
_pyswitch_path_without() {
  \builtin local _pyswitch_p=":$PATH:"
  while [[ $_pyswitch_p == *":$1:"* ]]; do _pyswitch_p=${_pyswitch_p//":$1:"/:}; done
  _pyswitch_p=${_pyswitch_p#:}
  PATH=${_pyswitch_p%:}
}
_pyswitch_was=$PATH
_pyswitch_path_without "$_PYSWITCH_SHIMS"
if [[ -n ${_PYSWITCH_ACTIVE_BIN-} && ":$PATH:" == ":$_PYSWITCH_ACTIVE_BIN:"* ]]; then
  PATH=$_PYSWITCH_ACTIVE_BIN:$_PYSWITCH_SHIMS${PATH#"$_PYSWITCH_ACTIVE_BIN"}
  [[ $_pyswitch_was == "${_PYSWITCH_NEW_PATH-}" ]] && \builtin export _PYSWITCH_NEW_PATH="$PATH"
else
  PATH=$_PYSWITCH_SHIMS${PATH:+:$PATH}
fi
\builtin unset _pyswitch_was
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

# The prompt hook. With builtins only it notes the directory, the variables that select, the
# version files from here up (how they start, and whether they changed since the cache was
# written) and the cache's generation; when none of them changed it starts nothing.
_pyswitch_hook() {
  \builtin local _pyswitch_ret="$?" _pyswitch_s
  _pyswitch_state
  if [[ $_pyswitch_s != "${_PYSWITCH_KEY-}" ]]; then
    _pyswitch_update
    _pyswitch_state  # as it is now: the update may have rewritten the cache or activated something
    _PYSWITCH_KEY=$_pyswitch_s
  fi
  _pyswitch_rehash_check
  \builtin return $_pyswitch_ret
}

# A command appeared in (or went from) a known environment since the last rehash: a pip install
# outside the shims, a `pyenv install`, a conda env made by conda. Rehash in the background, once
# per cache generation; where nothing changed this is a few stats and no process.
_pyswitch_rehash_check() {
  [[ -n ${_PYSWITCH_C_GEN-} && ${_PYSWITCH_REHASHING-} != "$_PYSWITCH_C_GEN" ]] || \builtin return 0
  _pyswitch_rehash_due || \builtin return 0
  _PYSWITCH_REHASHING=$_PYSWITCH_C_GEN
  ( \command pyswitch rehash > /dev/null 2>&1 & )
}

_pyswitch_state() {
  \builtin local _pyswitch_d="${PWD%/}" _pyswitch_f _pyswitch_c _pyswitch_g=
  _pyswitch_s=$PWD
  while :; do
    _pyswitch_f=$_pyswitch_d/.python-version
    if [[ -e $_pyswitch_f || -h $_pyswitch_f ]]; then
      _pyswitch_s+=$'\x1f'$_pyswitch_f
      [[ $_pyswitch_f -nt $_PYSWITCH_CACHE ]] && _pyswitch_s+=$'\x1f'new
      if [[ -f $_pyswitch_f && ! -h $_pyswitch_f ]]; then
        # a regular file decides; how it starts tells a replaced file from the one cached
        _pyswitch_c=
        IFS= \builtin read -r -d '' -n 1024 _pyswitch_c < "$_pyswitch_f"
        _pyswitch_s+=$'\x1f'$_pyswitch_c
        \builtin break
      fi
    fi
    [[ -z $_pyswitch_d ]] && \builtin break
    _pyswitch_d=${_pyswitch_d%/*}
  done
  [[ -f $_PYSWITCH_CACHE ]] && IFS= \builtin read -r _pyswitch_g < "$_PYSWITCH_CACHE"
  [[ $_PYSWITCH_TRUST -nt $_PYSWITCH_CACHE ]] && _pyswitch_g+=T
  _pyswitch_s+=$'\x1f'${PYSWITCH_VERSION-}$'\x1f'${PYENV_VERSION-}$'\x1f'${PYSWITCH_AUTO_ACTIVATE-}$'\x1f'$_pyswitch_g
  _pyswitch_s+=$'\x1f'${VIRTUAL_ENV-}$'\x1f'${CONDA_PREFIX-}
}

# Something changed: work out what should be active, and switch if that is not what is.
_pyswitch_update() {
  if [[ -n ${_PYSWITCH_ACTIVE_KIND-} ]]; then
    \builtin local _pyswitch_v="${CONDA_PREFIX-}"
    [[ $_PYSWITCH_ACTIVE_KIND == venv ]] && _pyswitch_v=${VIRTUAL_ENV-}
    # another activated on top: hands off, and once it is deactivated (a venv's deactivate
    # leaves VIRTUAL_ENV unset, not ours) take over again; ours deactivated by hand: forget it
    if [[ $_pyswitch_v == "$_PYSWITCH_ACTIVE_PREFIX" ]]; then
      \builtin unset _PYSWITCH_COVERED  # ours again (conda deactivate restores the one below)
    elif [[ -n $_pyswitch_v ]]; then
      \builtin export _PYSWITCH_COVERED=1
      \builtin return
    else
      _pyswitch_v=${_PYSWITCH_COVERED-}
      _pyswitch_forget
      [[ -n $_pyswitch_v ]] || \builtin return
    fi
  fi
  # an environment activated by hand: change nothing
  [[ -n ${VIRTUAL_ENV-} && ${_PYSWITCH_ACTIVE_KIND-} != venv ]] && \builtin return
  [[ -n ${CONDA_PREFIX-} && ${_PYSWITCH_ACTIVE_KIND-} != conda ]] && \builtin return
  \builtin local _pyswitch_wk= _pyswitch_wp= _pyswitch_wb= _pyswitch_wn= _pyswitch_nd= _pyswitch_nt=
  _pyswitch_want || \builtin return
  _pyswitch_notice
  [[ $_pyswitch_wk == "${_PYSWITCH_ACTIVE_KIND-}" && $_pyswitch_wp == "${_PYSWITCH_ACTIVE_PREFIX-}" ]] && \builtin return
  _pyswitch_deactivate
  [[ -n $_pyswitch_wk ]] && _pyswitch_activate
  \builtin return 0
}

# Sets _pyswitch_wk (venv, conda or empty), _pyswitch_wp (prefix), _pyswitch_wb (bin),
# _pyswitch_wn (conda env name) and the ignored-venv notice (_pyswitch_nd, _pyswitch_nt) from
# pyswitch's cached answer for this place; where there is none, pyswitch answers. Fails when
# nothing can be said (pyswitch failed).
_pyswitch_want() {
  \builtin local _pyswitch_l=
  [[ -f $_PYSWITCH_CACHE ]] && IFS= \builtin read -r _pyswitch_l < "$_PYSWITCH_CACHE"
  if [[ -n $_pyswitch_l ]] && { [[ $_pyswitch_l == "# pyswitch resolution cache ${_PYSWITCH_C_GEN-};"* ]] \
      || \builtin . "$_PYSWITCH_CACHE"; } && ! _pyswitch_stale && _pyswitch_lookup; then
    _pyswitch_wk=$_PYSWITCH_A_KIND _pyswitch_wp=$_PYSWITCH_A_PREFIX _pyswitch_wb=$_PYSWITCH_A_BIN
    _pyswitch_wn=$_PYSWITCH_A_NAME _pyswitch_nd=$_PYSWITCH_A_NOTICE_DIR _pyswitch_nt=$_PYSWITCH_A_NOTICE
    _pyswitch_auto || _pyswitch_wk=
  else
    _pyswitch_ask || \builtin return 1  # pyswitch applies auto_activate itself, as it read it
  fi
  \builtin return 0
}

# The shims' own walk over the cached answers: the variables, the nearest version file, the
# global files, the default. Fails where the cache has no answer that still holds.
_pyswitch_lookup() {
  \builtin local _pyswitch_key= _pyswitch_d="${PWD%/}" _pyswitch_f
  if [[ -n ${PYSWITCH_VERSION:+x} ]]; then _pyswitch_value PYSWITCH_VERSION "$PYSWITCH_VERSION" || \builtin return 1; fi
  if [[ -z $_pyswitch_key && -n ${PYENV_VERSION:+x} ]]; then
    _pyswitch_value PYENV_VERSION "$PYENV_VERSION" || \builtin return 1
  fi
  [[ -n $_pyswitch_key ]] && { _pyswitch_answer "$_pyswitch_key"; \builtin return; }
  [[ $PWD -ef . ]] || \builtin return 1  # a deleted folder: pyswitch says what holds there (SPEC 4)
  while :; do
    _pyswitch_f=$_pyswitch_d/.python-version
    if [[ -e $_pyswitch_f || -h $_pyswitch_f ]]; then
      _pyswitch_answer "f$_pyswitch_f" || \builtin return 1
      [[ -z $_PYSWITCH_SKIP ]] && \builtin return 0
    fi
    [[ -z $_pyswitch_d ]] && \builtin break
    _pyswitch_d=${_pyswitch_d%/*}
  done
  for _pyswitch_f in "$_PYSWITCH_C_GLOBAL" "$_PYSWITCH_C_PYENV_GLOBAL"; do
    if [[ -e $_pyswitch_f || -h $_pyswitch_f ]]; then
      _pyswitch_answer "f$_pyswitch_f" || \builtin return 1
      [[ -z $_PYSWITCH_SKIP ]] && \builtin return 0
    fi
  done
  _pyswitch_answer default
}

_pyswitch_answer() {
  [[ -f $_PYSWITCH_C_SEL/$1.sh ]] && \builtin . "$_PYSWITCH_C_SEL/$1.sh" && _pyswitch_memo
}

# pyswitch answers, refreshing the cache for next time (the slow path: a process, only when
# something changed and the cache cannot say).
_pyswitch_ask() {
  \builtin local _pyswitch_out
  _pyswitch_out=$(\command pyswitch _resolve) || \builtin return 1
  { IFS= \builtin read -r _pyswitch_wk; IFS= \builtin read -r _pyswitch_wp; IFS= \builtin read -r _pyswitch_wb
    IFS= \builtin read -r _pyswitch_wn; IFS= \builtin read -r _pyswitch_nd; IFS= \builtin read -r _pyswitch_nt
  } <<< "$_pyswitch_out"
  [[ -f $_PYSWITCH_CACHE ]] && \builtin . "$_PYSWITCH_CACHE"
  \builtin return 0
}

# Whether activation is on: PYSWITCH_AUTO_ACTIVATE as pyswitch reads it, else the config.
_pyswitch_auto() {
  \builtin local _pyswitch_key=
  if [[ -n ${PYSWITCH_AUTO_ACTIVATE:+x} ]]; then
    _pyswitch_value PYSWITCH_AUTO_ACTIVATE "$PYSWITCH_AUTO_ACTIVATE" 2>/dev/null \
      || { \command pyswitch _resolve > /dev/null; \builtin . "$_PYSWITCH_CACHE"
           _pyswitch_value PYSWITCH_AUTO_ACTIVATE "$PYSWITCH_AUTO_ACTIVATE"; } || \builtin return 0
    [[ $_pyswitch_key != off ]]
  else
    [[ ${_PYSWITCH_C_AUTO-1} != 0 ]]
  fi
}

# Once per folder and shell, on entering a project whose .venv is ignored (SPEC section 5).
_pyswitch_notice() {
  [[ -n $_pyswitch_nt && -n $_pyswitch_nd ]] || \builtin return 0
  [[ $'\n'${_PYSWITCH_NOTICED-}$'\n' == *$'\n'"$_pyswitch_nd"$'\n'* ]] && \builtin return 0
  _PYSWITCH_NOTICED+=$'\n'$_pyswitch_nd
  \builtin local _pyswitch_v="$_pyswitch_nd/${_PYSWITCH_C_VENV_DIR-.venv}"
  [[ $PWD == "$_pyswitch_nd" ]] && _pyswitch_v=./${_PYSWITCH_C_VENV_DIR-.venv}
  \builtin printf 'pyswitch: ignoring %s %s\n' "$_pyswitch_v" "$_pyswitch_nt" >&2
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
  [[ $_PYSWITCH_ACTIVE_KIND == conda ]] && _pyswitch_source_dir "$_PYSWITCH_ACTIVE_PREFIX/etc/conda/deactivate.d" reverse
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
  \builtin unset _PYSWITCH_ACTIVE_KIND _PYSWITCH_ACTIVE_PREFIX _PYSWITCH_ACTIVE_BIN _PYSWITCH_OLD_PATH _PYSWITCH_NEW_PATH \
    _PYSWITCH_COVERED
}

# Ours was deactivated by hand: drop what is left of it without restoring anything.
_pyswitch_forget() {
  _pyswitch_path_drop "$_PYSWITCH_ACTIVE_BIN"
  \builtin export PATH
  \builtin unset _PYSWITCH_ACTIVE_KIND _PYSWITCH_ACTIVE_PREFIX _PYSWITCH_ACTIVE_BIN _PYSWITCH_OLD_PATH _PYSWITCH_NEW_PATH \
    _PYSWITCH_OLD_VIRTUAL_ENV _PYSWITCH_OLD_PYTHONHOME _PYSWITCH_OLD_CONDA_PREFIX _PYSWITCH_OLD_CONDA_DEFAULT_ENV \
    _PYSWITCH_OLD_CONDA_SHLVL _PYSWITCH_COVERED
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

# Source a conda env's activate.d or deactivate.d scripts for this shell in conda's order: by
# name as bytes (Python's sorted), last first with `reverse` (deactivate.d).
_pyswitch_source_dir() {
  [[ -d $1 ]] || \builtin return 0
  \builtin local _pyswitch_s _pyswitch_fg= _pyswitch_nf= _pyswitch_i
  \builtin local -a _pyswitch_l
  \builtin shopt -q failglob && { _pyswitch_fg=1; \builtin shopt -u failglob; }
  [[ $- == *f* ]] && { _pyswitch_nf=1; \builtin set +f; }
  _pyswitch_glob "$1"
  [[ -n $_pyswitch_fg ]] && \builtin shopt -s failglob
  [[ -n $_pyswitch_nf ]] && \builtin set -f
  for (( _pyswitch_i = 0; _pyswitch_i < ${#_pyswitch_l[@]}; _pyswitch_i++ )); do
    [[ ${2-} == reverse ]] && _pyswitch_s=${_pyswitch_l[${#_pyswitch_l[@]} - 1 - _pyswitch_i]} \
      || _pyswitch_s=${_pyswitch_l[_pyswitch_i]}
    [[ -f $_pyswitch_s ]] && \builtin . "$_pyswitch_s"
  done
  \builtin return 0
}

# The scripts' names in byte order, whatever the user's locale sorts by; the scripts themselves
# run in the user's locale.
_pyswitch_glob() {
  \builtin local LC_ALL=C
  _pyswitch_l=("$1"/*.sh)
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
