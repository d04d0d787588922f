package main

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/nixgen/nixgen/generator"
)

// The completion scripts ask nixgen itself for candidates through
// urfave/cli's hidden --generate-bash-completion flag.
const bashCompletion = `# bash completion for nixgen; load with: source <(nixgen completion bash)
_nixgen() {
  local cur=${COMP_WORDS[COMP_CWORD]}
  local -a cmd=("${COMP_WORDS[@]:0:COMP_CWORD}")
  if [[ $cur == -* ]]; then
    cmd+=("$cur")
  fi
  local candidates
  candidates=$("${cmd[@]}" --generate-bash-completion 2>/dev/null)
  mapfile -t COMPREPLY < <(compgen -W "$candidates" -- "$cur")
}
complete -o default -F _nixgen nixgen
`

const zshCompletion = `#compdef nixgen
# zsh completion for nixgen; load with: source <(nixgen completion zsh)
_nixgen() {
  local -a candidates
  candidates=("${(@f)$(${words[1,CURRENT-1]} --generate-bash-completion 2>/dev/null)}")
  _describe 'nixgen' candidates
}
compdef _nixgen nixgen
`

func completionCommand(u *ui) *cli.Command {
	stdout := u.out
	return &cli.Command{
		Name:      "completion",
		Usage:     "print a shell completion script (bash, zsh or fish)",
		ArgsUsage: "bash|zsh|fish",
		Description: `Prints a script that completes nixgen's commands and flags.

Examples:
   source <(nixgen completion bash)                          # in ~/.bashrc
   source <(nixgen completion zsh)                           # in ~/.zshrc
   nixgen completion fish > ~/.config/fish/completions/nixgen.fish`,
		Action: func(c *cli.Context) error {
			switch c.Args().First() {
			case "bash":
				_, err := io.WriteString(stdout, bashCompletion)
				return err
			case "zsh":
				_, err := io.WriteString(stdout, zshCompletion)
				return err
			case "fish":
				script, err := c.App.ToFishCompletion()
				if err != nil {
					return err
				}
				_, err = fmt.Fprint(stdout, script)
				return err
			}
			return generator.Usagef("completion %q: want bash, zsh or fish", c.Args().First())
		},
	}
}
