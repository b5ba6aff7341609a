# bash completion for alcove: its commands and their flags.
_alcove() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
  COMPREPLY=()
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "check --help --version -h -V" -- "$cur"))
    return
  fi
  case ${COMP_WORDS[1]} in
    check)
      case $prev in
        --profile)
          COMPREPLY=($(compgen -W "generic raspberrypi4 raspberrypi5 imx8mp beaglebone-black" -- "$cur"))
          [[ $cur == */* ]] && COMPREPLY=($(compgen -f -- "$cur"))
          return ;;
        --sysroot)
          COMPREPLY=($(compgen -d -- "$cur"))
          return ;;
      esac
      COMPREPLY=($(compgen -W "--json --profile --sysroot --help -h" -- "$cur")) ;;
  esac
}
complete -F _alcove alcove
