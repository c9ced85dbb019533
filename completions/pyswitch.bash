# bash completion for pyswitch, written by hand (zsh's and fish's are click's). The words come
# from the command line itself, so that a spec such as conda:ml stays one word whatever
# COMP_WORDBREAKS says about ':'.
_pyswitch_completion() {
    local IFS=$'\n' response completion type value cur
    local -a words
    if [[ -n ${COMP_LINE+x} ]]; then
        IFS=$' \t' \builtin read -r -a words <<< "${COMP_LINE:0:COMP_POINT}"
        [[ ${COMP_LINE:0:COMP_POINT} == *[[:blank:]] || ${#words[@]} -eq 0 ]] && words+=("")
    else
        words=("${COMP_WORDS[@]}")
    fi
    cur=${words[${#words[@]}-1]}
    response=$(env COMP_WORDS="${words[*]}" COMP_CWORD=$(( ${#words[@]} - 1 )) _PYSWITCH_COMPLETE=bash_complete "$1")
    for completion in $response; do
        IFS=',' \builtin read -r type value <<< "$completion"
        case $type in
            dir) COMPREPLY=(); compopt -o dirnames ;;
            file) COMPREPLY=(); compopt -o default ;;
            plain)
                # bash replaces only what follows the last word break in the word: drop what is before it
                [[ $COMP_WORDBREAKS == *:* && $cur == *:* ]] && value=${value#"${cur%"${cur##*:}"}"}
                COMPREPLY+=("$value") ;;
        esac
    done
    return 0
}

complete -o nosort -F _pyswitch_completion pyswitch
