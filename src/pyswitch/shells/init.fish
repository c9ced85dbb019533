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

# The shims go first on PATH, exactly once however often this is evaluated.
set -l _pyswitch_rest
set -l _pyswitch_p
for _pyswitch_p in $PATH
    test "$_pyswitch_p" = "$_PYSWITCH_SHIMS"; or set -a _pyswitch_rest $_pyswitch_p
end
set -gx PATH $_PYSWITCH_SHIMS $_pyswitch_rest

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

# The hook, on cd and before each prompt. The fast path reads the directory, the nearest
# version file, the first line of the resolution cache and the trust file with builtins only
# (and no command substitution, which costs more than all the rest); when none of them
# changed it starts nothing.
function _pyswitch_hook --on-variable PWD --on-event fish_prompt
    set -l ret $status
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
    set -l dir
    set -l f
    set -l c
    if not set -q PYSWITCH_VERSION[1]; or not string match -qr '[^ \t\r\n]' -- "$PYSWITCH_VERSION"
        for d in $_PYSWITCH_DIRS
            if test -f "$d/.python-version"
                set f "$d/.python-version"
                set dir $d
                break
            end
        end
        if test -z "$f"
            if test -f "$_PYSWITCH_C_GLOBAL"
                set f $_PYSWITCH_C_GLOBAL
            else if test -f "$_PYSWITCH_C_PYENV_GLOBAL"
                set f $_PYSWITCH_C_PYENV_GLOBAL
            end
        end
        test -r "$f"; and read -z -n 65536 c <$f
    end
    set -l g
    test -f "$_PYSWITCH_CACHE"; and read g <$_PYSWITCH_CACHE
    set -l t
    test -r "$_PYSWITCH_TRUST"; and read -z t <$_PYSWITCH_TRUST
    # one test per part (joined, different states could look alike); x: a value is never an operator
    if test "x$PWD" != "x$_PYSWITCH_KEY_PWD"; or test "x$f" != "x$_PYSWITCH_KEY_FILE"; or test "x$c" != "x$_PYSWITCH_KEY_TEXT"
        or test "x$g" != "x$_PYSWITCH_KEY_GEN"; or test "x$t" != "x$_PYSWITCH_KEY_TRUST"
        or test "x$PYSWITCH_VERSION" != "x$_PYSWITCH_KEY_VERSION"; or test "x$PYSWITCH_AUTO_ACTIVATE" != "x$_PYSWITCH_KEY_AUTO"
        or test "x$VIRTUAL_ENV" != "x$_PYSWITCH_KEY_VENV"; or test "x$CONDA_PREFIX" != "x$_PYSWITCH_KEY_CONDA"
        set -q dir[1]; and set -l loc 1
        _pyswitch_update "$dir" "$loc" "$c"
        set g
        test -f "$_PYSWITCH_CACHE"; and read g <$_PYSWITCH_CACHE
        set t
        test -r "$_PYSWITCH_TRUST"; and read -z t <$_PYSWITCH_TRUST
        set -g _PYSWITCH_KEY_PWD $PWD
        set -g _PYSWITCH_KEY_FILE $f
        set -g _PYSWITCH_KEY_TEXT $c
        set -g _PYSWITCH_KEY_GEN $g
        set -g _PYSWITCH_KEY_TRUST $t
        set -g _PYSWITCH_KEY_VERSION "$PYSWITCH_VERSION"
        set -g _PYSWITCH_KEY_AUTO "$PYSWITCH_AUTO_ACTIVATE"
        set -g _PYSWITCH_KEY_VENV "$VIRTUAL_ENV"
        set -g _PYSWITCH_KEY_CONDA "$CONDA_PREFIX"
    end
    return $ret
end

# Something changed: work out what should be active, and switch if that is not what is.
function _pyswitch_update --argument-names dir loc text
    if set -q _PYSWITCH_ACTIVE_KIND[1]
        set -l v "$CONDA_PREFIX"
        test "$_PYSWITCH_ACTIVE_KIND" = venv; and set v "$VIRTUAL_ENV"
        if test "$v" != "$_PYSWITCH_ACTIVE_PREFIX"
            # the user deactivated ours by hand (forget it), or activated another on top (hands off)
            test -z "$v"; and _pyswitch_forget
            return
        end
    end
    # an environment activated by hand: change nothing
    test -n "$VIRTUAL_ENV"; and test "$_PYSWITCH_ACTIVE_KIND" != venv; and return
    test -n "$CONDA_PREFIX"; and test "$_PYSWITCH_ACTIVE_KIND" != conda; and return

    # the cache: loaded when its generation changed; pyswitch rewrites it when stale or missing
    set -l resolved
    set -l line
    test -f "$_PYSWITCH_CACHE"; and read line <$_PYSWITCH_CACHE
    if test -z "$line"
        _pyswitch_resolve; or return
        set resolved 1
    else
        if not string match -q -- "# pyswitch resolution cache $_PYSWITCH_C_GEN;*" $line
            source $_PYSWITCH_CACHE; or return
        end
        if _pyswitch_stale $_PYSWITCH_CACHE
            _pyswitch_resolve; or return
            set resolved 1
        end
    end

    set -l kind
    set -l prefix
    set -l bin
    set -l name
    set -l auto $_PYSWITCH_C_AUTO
    if set -q PYSWITCH_AUTO_ACTIVATE
        set auto 1
        string match -qri '^[ \t\r\n]*(0|false|no|off)[ \t\r\n]*$' -- "$PYSWITCH_AUTO_ACTIVATE"; and set auto 0
    end
    if test "$auto" != 0
        set -l w
        if set -q PYSWITCH_VERSION[1]; and string match -qr '[^ \t\r\n]' -- "$PYSWITCH_VERSION"
            set loc
            set w (_pyswitch_first (string replace -ra '[ \t\r\n]+' \n -- "$PYSWITCH_VERSION"))
        else
            set w (_pyswitch_first (string split \n -- $text))
        end
        if test -z "$w"
            set w system
            set loc
        end
        set -l found 1
        if not _pyswitch_spec $w
            # not in the cache: maybe just installed; ask pyswitch once, else it is not installed
            set found
            if test -z "$resolved"
                _pyswitch_resolve; or return
                _pyswitch_spec $w; and set found 1
            end
        end
        if test -n "$found"
            if test -n "$loc"
                # a trusted project venv beside the version file, made from that interpreter
                set -l v "$dir/$_PYSWITCH_C_VENV_DIR"
                if test -f "$v/pyvenv.cfg"; and _pyswitch_trusted $v
                    set -l h
                    while read -l cfg
                        set h (string match -rg '^home ?= ?(.*?)\r?$' -- $cfg); and break
                    end <"$v/pyvenv.cfg"
                    if test -n "$h"; and test (path resolve -- $h) = (path resolve -- $_PYSWITCH_BIN)
                        set kind venv
                        set prefix $v
                        set bin $v/bin
                    end
                end
            end
            if test -z "$kind"
                switch $_PYSWITCH_KIND
                    case conda
                        set kind conda
                        set prefix $_PYSWITCH_PREFIX
                        set bin $_PYSWITCH_BIN
                        set name $_PYSWITCH_ENVNAME
                    case virtualenv
                        set kind venv
                        set prefix $_PYSWITCH_PREFIX
                        set bin $_PYSWITCH_BIN
                end
            end
        end
    end
    test "$kind" = "$_PYSWITCH_ACTIVE_KIND"; and test "$prefix" = "$_PYSWITCH_ACTIVE_PREFIX"; and return
    _pyswitch_deactivate
    test -n "$kind"; and _pyswitch_activate $kind $prefix $bin $name
    return 0
end

# Rewrite the cache with pyswitch itself (the slow path) and load it.
function _pyswitch_resolve
    command pyswitch _resolve; or return
    source $_PYSWITCH_CACHE
end

# Prints the first usable spec of the lines given, skipping comments and the tokens pyswitch
# refuses (paths, control characters), as pyswitch does.
function _pyswitch_first
    # the first word of each line, where there is one and it is not a comment
    for w in (string match -rg '^[ \t\r]*([^ \t\r#][^ \t\r]*)' -- $argv)
        string match -qr '^/|(^|/)\.\.?(/|$)|//|/$|[\x00-\x1f\x7f]|^.{256}' -- $w; and continue
        if string match -q '*/*' -- $w; and not string match -qr '^[^/]+/envs/[^/]+$' -- $w
            continue
        end
        echo $w
        return 0
    end
    return 1
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
        for s in $prefix/etc/conda/activate.d/*.fish
            test -f $s; and source $s
        end
    end
    return 0
end

function _pyswitch_deactivate
    set -q _PYSWITCH_ACTIVE_KIND[1]; or return 0
    if test "$_PYSWITCH_ACTIVE_KIND" = conda
        for s in $_PYSWITCH_ACTIVE_PREFIX/etc/conda/deactivate.d/*.fish
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
    set -eg _PYSWITCH_ACTIVE_KIND _PYSWITCH_ACTIVE_PREFIX _PYSWITCH_ACTIVE_BIN _PYSWITCH_OLD_PATH _PYSWITCH_NEW_PATH
    return 0
end

# Ours was deactivated by hand: drop what is left of it without restoring anything.
function _pyswitch_forget
    _pyswitch_path_drop $_PYSWITCH_ACTIVE_BIN
    set -eg _PYSWITCH_ACTIVE_KIND _PYSWITCH_ACTIVE_PREFIX _PYSWITCH_ACTIVE_BIN _PYSWITCH_OLD_PATH _PYSWITCH_NEW_PATH \
        _PYSWITCH_OLD_VIRTUAL_ENV _PYSWITCH_OLD_PYTHONHOME _PYSWITCH_OLD_CONDA_PREFIX _PYSWITCH_OLD_CONDA_DEFAULT_ENV \
        _PYSWITCH_OLD_CONDA_SHLVL
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
