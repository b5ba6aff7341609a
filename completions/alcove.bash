# bash completion for alcove: its commands and their flags.
_alcove_run_flags="--name --cpus --cpu-quota --cpu-period --cpu-shares --cpuset-cpus --memory
  --memory-swap --pids --device-read-bps --device-write-bps --hostname -v --volume --net -u
  --user -e --env -w --workdir --read-only --cap-add --cap-drop --sysctl --ulimit --uidmap
  --gidmap --group-add --preserve-fds -h --help"
_alcove_oci_cmds="create start state kill delete exec list ps events pause resume update"
_alcove_oci_flags() { # the flags of one OCI command
  case $1 in
    create) echo "-b --bundle --pid-file --console-socket --preserve-fds --no-pivot --no-new-keyring -h --help" ;;
    kill) echo "-a --all -h --help" ;;
    delete) echo "-f --force -h --help" ;;
    exec) echo "-p --process -t --tty -d --detach --pid-file --console-socket -e --env --cwd -u --user
      --preserve-fds --process-label --apparmor --no-new-privs -c --cap -g --additional-gids -h --help" ;;
    list) echo "-f --format -q --quiet -h --help" ;;
    ps) echo "-f --format -h --help" ;;
    events) echo "--stats --interval -h --help" ;;
    update) echo "-r --resources --cpu-quota --cpu-period --cpu-share --cpuset-cpus --cpuset-mems
      -m --memory --memory-swap --pids-limit -h --help" ;;
    *) echo "-h --help" ;;
  esac
}
_alcove() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
  COMPREPLY=()
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "check ctl features init run sched spec top $_alcove_oci_cmds --help --version -h -V
      --root --log --log-format --debug --systemd-cgroup --rootless" -- "$cur"))
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
    init)
      case $prev in
        --config | --socket) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --services) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        --cgroup) return ;;
      esac
      COMPREPLY=($(compgen -W "--config --services --socket --cgroup --probe -h --help" -- "$cur")) ;;
    ctl)
      local i=2 sock=()
      if [ "${COMP_WORDS[2]}" = --socket ]; then i=4 sock=(--socket "${COMP_WORDS[3]}"); fi
      if [ "$prev" = --socket ]; then COMPREPLY=($(compgen -f -- "$cur")); return; fi
      if [ "$COMP_CWORD" -eq "$i" ]; then
        local w="status start stop restart log reload poweroff reboot halt sched"
        [ "$i" -eq 2 ] && w="$w --socket -h --help"
        COMPREPLY=($(compgen -W "$w" -- "$cur"))
      elif [ "$COMP_CWORD" -eq $((i + 1)) ]; then
        case ${COMP_WORDS[i]} in
          status | start | stop | restart | log)
            COMPREPLY=($(compgen -W "$(alcove ctl "${sock[@]}" status 2>/dev/null | awk 'NR > 1 { print $1 }')" -- "$cur")) ;;
        esac
      fi ;;
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
    create | start | state | kill | delete | exec | list | ps | pause | resume | update)
      case $prev in
        -b | --bundle) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        --pid-file | --console-socket | -p | --process | -r | --resources)
          COMPREPLY=($(compgen -f -- "$cur")); return ;;
        -f | --format) COMPREPLY=($(compgen -W "table json" -- "$cur")); return ;;
      esac
      if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_alcove_oci_flags "${COMP_WORDS[1]}")" -- "$cur"))
      else
        COMPREPLY=($(compgen -W "$(ls /run/alcove 2>/dev/null)" -- "$cur"))
      fi ;;
  esac
}
complete -F _alcove alcove
