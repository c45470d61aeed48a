package cli

import (
	"strings"

	"github.com/spf13/cobra"
)

func init() {
	cobra.AddTemplateFunc("aliasLine", aliasLine)
}

// aliasLine lists the full command paths a command answers to.
func aliasLine(cmd *cobra.Command) string {
	parent := ""
	if cmd.HasParent() {
		parent = cmd.Parent().CommandPath() + " "
	}
	names := []string{parent + cmd.Name()}
	for _, a := range cmd.Aliases {
		names = append(names, parent+a)
	}
	return strings.Join(names, ", ")
}

// usageTemplate follows the layout of docker's help screens so that users
// (and scripts scraping them) find the same sections in the same order.
const usageTemplate = `Usage:
{{- if not .HasSubCommands}}  {{.UseLine}}{{end}}
{{- if .HasSubCommands}}  {{.CommandPath}}{{if .HasAvailableFlags}} [OPTIONS]{{end}} COMMAND{{end}}

{{if ne .Long ""}}{{.Long | trim}}{{else}}{{.Short | trim}}{{end}}
{{- if gt (len .Aliases) 0}}

Aliases:
  {{aliasLine .}}
{{- end}}
{{- if .HasParent}}{{if .HasAvailableLocalFlags}}

Options:
{{.LocalFlags.FlagUsages | trimTrailingWhitespaces}}
{{- end}}{{end}}
{{- if .HasAvailableSubCommands}}

Commands:
{{- range .Commands}}{{if .IsAvailableCommand}}
  {{rpad .Name .NamePadding}} {{.Short}}
{{- end}}{{end}}
{{- end}}
{{- if not .HasParent}}{{if .HasAvailableFlags}}

Global Options:
{{.Flags.FlagUsages | trimTrailingWhitespaces}}
{{- end}}{{end}}
{{- if .HasSubCommands}}

Run '{{.CommandPath}} COMMAND --help' for more information on a command.
{{- end}}
`

const helpTemplate = `{{if or .Runnable .HasSubCommands}}{{.UsageString}}{{end}}`
