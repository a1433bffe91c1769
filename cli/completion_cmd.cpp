// labctl completion bash|zsh: prints a shell completion script. It completes commands, kinds,
// object names (asking labd with `labctl get KIND -o name`, silently nothing when labd is not
// reachable) and each command's flags (read from `labctl COMMAND --help`), so it never goes
// stale as commands gain flags. zsh runs the bash function through bashcompinit.
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace labctl::cli {
namespace {

constexpr char kUsage[] = R"(Usage: labctl completion bash|zsh

Prints a shell completion script for labctl. Load it in the current shell:
  source <(labctl completion bash)      # bash (needs the bash-completion package)
  source <(labctl completion zsh)       # zsh
or install it for every shell: scripts/install puts the bash one in
PREFIX/share/bash-completion/completions/labctl.
)";

constexpr char kBash[] = R"BASH(# labctl completion for bash (labctl completion bash)
_labctl_names() {
  command labctl get "$1" -o name 2>/dev/null | sed 's|^[a-z]*/||'
}

_labctl() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
  local commands="apply get describe delete diff wait session lab exec logs capture graph doctor version completion"
  local i cmd="" first_arg=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    case ${COMP_WORDS[i]} in
      --server|--token|--certificate-authority|--client-certificate|--client-key) ((i++)) ;;
      -*) ;;
      *) if [ -z "$cmd" ]; then cmd=${COMP_WORDS[i]}; elif [ -z "$first_arg" ]; then first_arg=${COMP_WORDS[i]}; fi ;;
    esac
  done
  if [ -z "$cmd" ]; then
    if [[ $cur == -* ]]; then
      COMPREPLY=($(compgen -W "--server --token --certificate-authority --insecure-skip-tls-verify --client-certificate --client-key --help" -- "$cur"))
    else
      COMPREPLY=($(compgen -W "$commands" -- "$cur"))
    fi
    return
  fi
  case $prev in
    -f|--filename) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    -o|--output) COMPREPLY=($(compgen -W "wide yaml json name jsonpath=" -- "$cur")); return ;;
  esac
  if [[ $cur == -* ]]; then
    local flags
    flags=$(command labctl "$cmd" --help 2>&1 | grep -o -- '--[a-z][a-z0-9-]*' | sort -u)
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
    return
  fi
  case $cmd in
    get|describe|delete)
      if [ -z "$first_arg" ]; then
        COMPREPLY=($(compgen -W "labs sessions events hosts lab session event host" -- "$cur"))
      else
        COMPREPLY=($(compgen -W "$(_labctl_names "$first_arg")" -- "$cur"))
      fi ;;
    exec|logs|capture|wait)
      if [ -z "$first_arg" ]; then
        COMPREPLY=($(compgen -W "$(_labctl_names labs | sed 's|^|lab/|')" -- "$cur"))
      fi ;;
    session) [ -z "$first_arg" ] && COMPREPLY=($(compgen -W "run acquire heartbeat release" -- "$cur")) ;;
    lab) [ -z "$first_arg" ] && COMPREPLY=($(compgen -W "$(command labctl lab --help 2>&1 | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p' | sort -u)" -- "$cur")) ;;
    completion) COMPREPLY=($(compgen -W "bash zsh" -- "$cur")) ;;
    apply|diff|graph) COMPREPLY=($(compgen -f -- "$cur")) ;;
  esac
}
complete -F _labctl labctl
)BASH";

constexpr char kZshPrologue[] =
    R"(# labctl completion for zsh (labctl completion zsh): the bash completion through bashcompinit
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
)";

}  // namespace

int RunCompletion(const CliContext&, const std::vector<std::string>& args) {
  if (args.size() == 1 && (args[0] == "-h" || args[0] == "--help")) {
    std::cout << kUsage;
    return kExitOk;
  }
  if (args.size() != 1 || (args[0] != "bash" && args[0] != "zsh")) {
    std::cerr << "error: want one shell, bash or zsh\n\n" << kUsage;
    return kExitUsage;
  }
  if (args[0] == "zsh") std::cout << kZshPrologue;
  std::cout << kBash;
  return kExitOk;
}

}  // namespace labctl::cli
