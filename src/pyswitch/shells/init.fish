# pyswitch shell integration for fish (3.5 or later). Load it with, in config.fish:
#   pyswitch init fish | source
# It puts the shims first on PATH, defines the `pyswitch` function (for `pyswitch shell`) and
# a hook on PWD and the prompt that activates the project's venv or conda env on cd. Turn
# activation off with PYSWITCH_AUTO_ACTIVATE=0 or `auto_activate = false` in the config.

# Values filled in by `pyswitch init`.
set -g _PYSWITCH_SHIMS @SHIMS@
set -g _PYSWITCH_CACHE @CACHE@
set -g _PYSWITCH_TRUST @TRUST@
set -gx PYSWITCH_SHELL fish
# the nesting level too: a nested shell that does not load this inherits PYSWITCH_SHELL
set -gx _PYSWITCH_SHLVL "$SHLVL"

# The shims go first on PATH, exactly once however often this is evaluated; an environment the
# hook activated (here, or in the shell this one started from) keeps its bin ahead of them.
set -l _pyswitch_was "$PATH"
set -l _pyswitch_rest
set -l _pyswitch_p
for _pyswitch_p in $PATH
    test "$_pyswitch_p" = "$_PYSWITCH_SHIMS"; or set -a _pyswitch_rest $_pyswitch_p
end
if set -q _PYSWITCH_ACTIVE_BIN[1]; and test "$_pyswitch_rest[1]" = "$_PYSWITCH_ACTIVE_BIN"
    set -gx PATH $_pyswitch_rest[1] $_PYSWITCH_SHIMS $_pyswitch_rest[2..-1]
    test "$_pyswitch_was" = "$_PYSWITCH_NEW_PATH"; and set -gx _PYSWITCH_NEW_PATH $PATH
else
    set -gx PATH $_PYSWITCH_SHIMS $_pyswitch_rest
end

# `pyswitch shell` changes this shell: the command prints shell code that this function runs.
function pyswitch --description 'pyswitch; `pyswitch shell` changes this shell'
    if test "$argv[1]" = shell
        if contains -- --help $argv; or contains -- -h $argv
            command pyswitch $argv
            return $status
        end
        set -l _pyswitch_args $argv
        set -e _pyswitch_args[1]
        set -l _pyswitch_code (command pyswitch shell --print-for fish $_pyswitch_args); or return $status
        string join \n -- $_pyswitch_code | source
    else
        command pyswitch $argv
    end
end

# The hook, on cd and before each prompt. With builtins only (and no command substitution,
# which costs more than all the rest) it notes the directory, the variables that select, the
# version files from here up (how they start, and whether they changed since the cache was
# written) and the cache's generation; when none of them changed it starts nothing.
function _pyswitch_hook --on-variable PWD --on-event fish_prompt
    set -l ret $status
    _pyswitch_state
    if test "x$_PYSWITCH_STATE" != "x$_PYSWITCH_KEY"
        _pyswitch_update
        _pyswitch_state  # as it is now: the update may have rewritten the cache or activated something
        set -g _PYSWITCH_KEY $_PYSWITCH_STATE
    end
    _pyswitch_rehash_check
    return $ret
end

# A command appeared in (or went from) a known environment since the last rehash: a pip install
# outside the shims, a `pyenv install`, a conda env made by conda. Rehash in the background, once
# per cache generation; where nothing changed this is a few stats and no process.
function _pyswitch_rehash_check
    set -q _PYSWITCH_C_GEN[1]; or return 0
    test "$_PYSWITCH_REHASHING" != "$_PYSWITCH_C_GEN"; or return 0
    functions -q _pyswitch_rehash_due; and _pyswitch_rehash_due; or return 0
    set -g _PYSWITCH_REHASHING $_PYSWITCH_C_GEN
    command pyswitch rehash >/dev/null 2>&1 &
    disown
end

function _pyswitch_state
    if test "$PWD" != "$_PYSWITCH_DIRS_OF"
        # the folders from here up to /, deepest first; "" stands for /
        set -g _PYSWITCH_DIRS_OF $PWD
        set -g _PYSWITCH_DIRS ""
        set -l up ""
        for part in (string split -n / -- $PWD)
            set up "$up/$part"
            set -p _PYSWITCH_DIRS $up
        end
    end
    set -l s "$PWD"
    for d in $_PYSWITCH_DIRS
        set -l f "$d/.python-version"
        if test -e "$f"; or test -L "$f"
            set s "$s"\x1f"$f"
            test "$f" -nt "$_PYSWITCH_CACHE"; and set s "$s"\x1fnew
            if test -f "$f"; and not test -L "$f"
                # a regular file decides; how it starts tells a replaced file from the one cached
                set -l c
                read -z -n 1024 c <"$f"
                set s "$s"\x1f"$c"
                break
            end
        end
    end
    set -l g
    test -f "$_PYSWITCH_CACHE"; and read g <$_PYSWITCH_CACHE
    test "$_PYSWITCH_TRUST" -nt "$_PYSWITCH_CACHE"; and set g "$g"T
    set -g _PYSWITCH_STATE "$s"\x1f"$PYSWITCH_VERSION"\x1f"$PYENV_VERSION"\x1f"$PYSWITCH_AUTO_ACTIVATE"\x1f"$g"\x1f"$VIRTUAL_ENV"\x1f"$CONDA_PREFIX"
end

# Something changed: work out what should be active, and switch if that is not what is.
function _pyswitch_update
    if set -q _PYSWITCH_ACTIVE_KIND[1]
        set -l v "$CONDA_PREFIX"
        test "$_PYSWITCH_ACTIVE_KIND" = venv; and set v "$VIRTUAL_ENV"
        # another activated on top: hands off, and once it is deactivated (a venv's deactivate
        # leaves VIRTUAL_ENV unset, not ours) take over again; ours deactivated by hand: forget it
        if test "$v" = "$_PYSWITCH_ACTIVE_PREFIX"
            set -eg _PYSWITCH_COVERED  # ours again (conda deactivate restores the one below)
        else if test -n "$v"
            set -gx _PYSWITCH_COVERED 1
            return
        else
            set v "$_PYSWITCH_COVERED"
            _pyswitch_forget
            test -n "$v"; or return
        end
    end
    # an environment activated by hand: change nothing
    test -n "$VIRTUAL_ENV"; and test "$_PYSWITCH_ACTIVE_KIND" != venv; and return
    test -n "$CONDA_PREFIX"; and test "$_PYSWITCH_ACTIVE_KIND" != conda; and return
    _pyswitch_want; or return
    _pyswitch_notice
    set -l kind $_PYSWITCH_W[1]
    set -l prefix $_PYSWITCH_W[2]
    test "$kind" = "$_PYSWITCH_ACTIVE_KIND"; and test "$prefix" = "$_PYSWITCH_ACTIVE_PREFIX"; and return
    _pyswitch_deactivate
    test -n "$kind"; and _pyswitch_activate $_PYSWITCH_W[1..4]
    return 0
end

# Sets _PYSWITCH_W (kind: venv, conda or empty; prefix; bin; conda env name; the folder and
# text of the ignored-venv notice) from pyswitch's cached answer for this place; where there is
# none, pyswitch answers. Fails when nothing can be said (pyswitch failed).
function _pyswitch_want
    set -l line
    test -f "$_PYSWITCH_CACHE"; and read line <$_PYSWITCH_CACHE
    set -l cached
    if test -n "$line"
        if string match -q -- "# pyswitch resolution cache $_PYSWITCH_C_GEN;*" $line
            or source $_PYSWITCH_CACHE
            if not _pyswitch_stale; and _pyswitch_lookup
                set cached 1
            end
        end
    end
    if test -n "$cached"
        set -g _PYSWITCH_W "$_PYSWITCH_A_KIND" "$_PYSWITCH_A_PREFIX" "$_PYSWITCH_A_BIN" "$_PYSWITCH_A_NAME" \
            "$_PYSWITCH_A_NOTICE_DIR" "$_PYSWITCH_A_NOTICE"
        _pyswitch_auto; or set _PYSWITCH_W[1] ""
    else
        _pyswitch_ask; or return 1  # pyswitch applies auto_activate itself, as it read it
    end
    return 0
end

# The shims' own walk over the cached answers: the variables, the nearest version file, the
# global files, the default. Fails where the cache has no answer that still holds.
function _pyswitch_lookup
    set -l key
    if test -n "$PYSWITCH_VERSION"
        _pyswitch_value PYSWITCH_VERSION "$PYSWITCH_VERSION"; or return 1
        set key $_PYSWITCH_VALUE_KEY
    end
    if test -z "$key"; and test -n "$PYENV_VERSION"
        _pyswitch_value PYENV_VERSION "$PYENV_VERSION"; or return 1
        set key $_PYSWITCH_VALUE_KEY
    end
    if test -n "$key"
        _pyswitch_answer $key
        return
    end
    test "$PWD" -ef .; or return 1  # a deleted folder: pyswitch says what holds there (SPEC 4)
    for d in $_PYSWITCH_DIRS
        set -l f "$d/.python-version"
        if test -e "$f"; or test -L "$f"
            _pyswitch_answer "f$f"; or return 1
            test -z "$_PYSWITCH_SKIP"; and return 0
        end
    end
    for f in "$_PYSWITCH_C_GLOBAL" "$_PYSWITCH_C_PYENV_GLOBAL"
        if test -e "$f"; or test -L "$f"
            _pyswitch_answer "f$f"; or return 1
            test -z "$_PYSWITCH_SKIP"; and return 0
        end
    end
    _pyswitch_answer default
end

# A variable's value -> the key of its answer (empty: a blank value, which counts as unset)
function _pyswitch_value --argument-names name value
    set -l i (contains -i -- "$name=$value" $_PYSWITCH_C_VALUES); or return 1
    set -g _PYSWITCH_VALUE_KEY $_PYSWITCH_C_VALUE_KEYS[$i]
    test "$_PYSWITCH_VALUE_KEY" = -; and set -g _PYSWITCH_VALUE_KEY ""
    return 0
end

function _pyswitch_answer --argument-names key
    test -f "$_PYSWITCH_C_SEL/$key.fish"; and source "$_PYSWITCH_C_SEL/$key.fish"; and _pyswitch_memo
end

# pyswitch answers, refreshing the cache for next time (the slow path: a process, only when
# something changed and the cache cannot say).
function _pyswitch_ask
    set -l out (command pyswitch _resolve); or return 1
    set -g _PYSWITCH_W $out[1..6]
    while test (count $_PYSWITCH_W) -lt 6
        set -a _PYSWITCH_W ""
    end
    test -f "$_PYSWITCH_CACHE"; and source $_PYSWITCH_CACHE
    return 0
end

# Whether activation is on: PYSWITCH_AUTO_ACTIVATE as pyswitch reads it, else the config.
function _pyswitch_auto
    if test -n "$PYSWITCH_AUTO_ACTIVATE"
        if not _pyswitch_value PYSWITCH_AUTO_ACTIVATE "$PYSWITCH_AUTO_ACTIVATE"
            command pyswitch _resolve >/dev/null
            source $_PYSWITCH_CACHE
            _pyswitch_value PYSWITCH_AUTO_ACTIVATE "$PYSWITCH_AUTO_ACTIVATE"; or return 0
        end
        test "$_PYSWITCH_VALUE_KEY" != off
    else
        test "$_PYSWITCH_C_AUTO" != 0
    end
end

# Once per folder and shell, on entering a project whose .venv is ignored (SPEC section 5).
function _pyswitch_notice
    set -l dir $_PYSWITCH_W[5]
    set -l text $_PYSWITCH_W[6]
    test -n "$dir"; and test -n "$text"; or return 0
    contains -- $dir $_PYSWITCH_NOTICED; and return 0
    set -ga _PYSWITCH_NOTICED $dir
    set -l venv_dir .venv
    set -q _PYSWITCH_C_VENV_DIR[1]; and set venv_dir $_PYSWITCH_C_VENV_DIR
    set -l shown "$dir/$venv_dir"
    test "$PWD" = "$dir"; and set shown "./$venv_dir"
    printf 'pyswitch: ignoring %s %s\n' $shown $text >&2
end

function _pyswitch_activate --argument-names kind prefix bin name
    set -gx _PYSWITCH_OLD_PATH $PATH
    if test $kind = venv
        _pyswitch_save VIRTUAL_ENV PYTHONHOME
        set -gx VIRTUAL_ENV $prefix
        set -eg PYTHONHOME
    else
        _pyswitch_save CONDA_PREFIX CONDA_DEFAULT_ENV CONDA_SHLVL
        set -l lvl 0
        string match -qr '^[0-9]+$' -- "$CONDA_SHLVL"; and set lvl $CONDA_SHLVL
        set -gx CONDA_PREFIX $prefix
        set -gx CONDA_DEFAULT_ENV $name
        set -gx CONDA_SHLVL (math $lvl + 1)
    end
    set -gx PATH $bin $PATH
    set -gx _PYSWITCH_ACTIVE_KIND $kind
    set -gx _PYSWITCH_ACTIVE_PREFIX $prefix
    set -gx _PYSWITCH_ACTIVE_BIN $bin
    set -gx _PYSWITCH_NEW_PATH $PATH
    if test $kind = conda
        set -l scripts $prefix/etc/conda/activate.d/*.fish  # `set`: no match is no error
        for s in (_pyswitch_scripts $scripts)
            test -f $s; and source $s
        end
    end
    return 0
end

# conda's order for activate.d scripts: by name as bytes (Python's sorted). fish's glob sorts
# numbers by value and ignores case, so two or more scripts take one `sort`, on activation only.
function _pyswitch_scripts
    if test (count $argv) -lt 2
        string join \n -- $argv
    else
        string join \n -- $argv | LC_ALL=C command sort
    end
end

function _pyswitch_deactivate
    set -q _PYSWITCH_ACTIVE_KIND[1]; or return 0
    if test "$_PYSWITCH_ACTIVE_KIND" = conda
        set -l scripts $_PYSWITCH_ACTIVE_PREFIX/etc/conda/deactivate.d/*.fish
        set scripts (_pyswitch_scripts $scripts)
        for s in $scripts[-1..1]  # last first, as conda deactivates
            test -f $s; and source $s
        end
    end
    if test "$PATH" = "$_PYSWITCH_NEW_PATH"
        set -gx PATH $_PYSWITCH_OLD_PATH
    else
        _pyswitch_path_drop $_PYSWITCH_ACTIVE_BIN  # PATH changed meanwhile: take out only our entry
    end
    if test "$_PYSWITCH_ACTIVE_KIND" = venv
        _pyswitch_restore VIRTUAL_ENV PYTHONHOME
    else
        _pyswitch_restore CONDA_PREFIX CONDA_DEFAULT_ENV CONDA_SHLVL
    end
    set -eg _PYSWITCH_ACTIVE_KIND _PYSWITCH_ACTIVE_PREFIX _PYSWITCH_ACTIVE_BIN _PYSWITCH_OLD_PATH _PYSWITCH_NEW_PATH \
        _PYSWITCH_COVERED
    return 0
end

# Ours was deactivated by hand: drop what is left of it without restoring anything.
function _pyswitch_forget
    _pyswitch_path_drop $_PYSWITCH_ACTIVE_BIN
    set -eg _PYSWITCH_ACTIVE_KIND _PYSWITCH_ACTIVE_PREFIX _PYSWITCH_ACTIVE_BIN _PYSWITCH_OLD_PATH _PYSWITCH_NEW_PATH \
        _PYSWITCH_OLD_VIRTUAL_ENV _PYSWITCH_OLD_PYTHONHOME _PYSWITCH_OLD_CONDA_PREFIX _PYSWITCH_OLD_CONDA_DEFAULT_ENV \
        _PYSWITCH_OLD_CONDA_SHLVL _PYSWITCH_COVERED
    return 0
end

# Takes the first occurrence of an entry out of PATH.
function _pyswitch_path_drop --argument-names entry
    set -l i (contains -i -- $entry $PATH); and set -eg PATH[$i]
    return 0
end

# Remember each variable (set or not) in _PYSWITCH_OLD_<name>; restore puts it back exactly.
function _pyswitch_save
    for n in $argv
        if set -q $n
            set -gx _PYSWITCH_OLD_$n $$n
        else
            set -eg _PYSWITCH_OLD_$n
        end
    end
    return 0
end

function _pyswitch_restore
    for n in $argv
        set -l o _PYSWITCH_OLD_$n
        if set -q $o
            set -gx $n $$o
        else
            set -eg $n
        end
        set -eg $o
    end
    return 0
end

test -f "$_PYSWITCH_CACHE"; and source $_PYSWITCH_CACHE
test -f @COMPLETION@; and source @COMPLETION@
true
