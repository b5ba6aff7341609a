# bash completion for alcove: its commands and their flags.
_alcove_run_flags="--name --cpus --cpu-quota --cpu-period --cpu-shares --cpuset-cpus --memory
  --memory-swap --pids --device-read-bps --device-write-bps --hostname -v --volume --net -u
  --user -e --env -w --workdir --read-only --cap-add --cap-drop --sysctl --ulimit --uidmap
  --gidmap --group-add --preserve-fds -h --help"
_alcove() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
  COMPREPLY=()
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "check features run sched spec top --help --version -h -V" -- "$cur"))
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
    sched)
      case $prev in
        --mode) COMPREPLY=($(compgen -W "psi poll" -- "$cur")); return ;;
        --writer) COMPREPLY=($(compgen -W "auto uring sync" -- "$cur")); return ;;
        --config | --socket) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --group | --budget | --batch-budget) return ;;
      esac
      if [ "$COMP_CWORD" -eq 2 ] && [[ $cur != -* ]]; then
        COMPREPLY=($(compgen -W "log status" -- "$cur"))
      else
        COMPREPLY=($(compgen -W "--config --group --mode --writer --budget --batch-budget --socket -h --help" -- "$cur"))
      fi ;;
    spec)
      case $prev in
        -b | --bundle) COMPREPLY=($(compgen -d -- "$cur")); return ;;
      esac
      COMPREPLY=($(compgen -W "--rootless -b --bundle -h --help" -- "$cur")) ;;
    features)
      COMPREPLY=($(compgen -W "-h --help" -- "$cur")) ;;
    top)
      case $prev in
        --socket) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --interval) return ;;
      esac
      COMPREPLY=($(compgen -W "--socket --interval --once -h --help" -- "$cur")) ;;
    run)
      case $prev in
        --net)
          COMPREPLY=($(compgen -W "none host" -- "$cur"))
          return ;;
        --cap-add | --cap-drop)
          COMPREPLY=($(compgen -W "ALL $(capsh --print 2>/dev/null | sed -n 's/^Bounding set =//p' | tr ',' ' ' | tr a-z A-Z)" -- "$cur"))
          return ;;
        --ulimit)
          COMPREPLY=($(compgen -W "nofile= nproc= core= memlock= stack= fsize=" -- "$cur"))
          return ;;
        -v | --volume | --device-read-bps | --device-write-bps)
          COMPREPLY=($(compgen -f -- "$cur"))
          return ;;
        --name | --cpus | --cpu-quota | --cpu-period | --cpu-shares | --cpuset-cpus | --memory | \
          --memory-swap | --pids | --hostname | -u | --user | -e | --env | -w | --workdir | \
          --sysctl | --uidmap | --gidmap | --group-add | --preserve-fds)
          return ;;
      esac
      if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$_alcove_run_flags" -- "$cur"))
      else
        COMPREPLY=($(compgen -d -- "$cur"))
      fi ;;
  esac
}
complete -F _alcove alcove
