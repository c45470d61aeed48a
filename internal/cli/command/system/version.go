// Package system implements berth's engine-wide commands: version, info,
// system df and events.
package system

import (
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"text/tabwriter"
	"text/template"
	"time"

	"github.com/berth/berth/internal/cli/command"
	"github.com/berth/berth/internal/cli/format"
	"github.com/moby/moby/api/types/system"
	"github.com/moby/moby/client"
	"github.com/spf13/cobra"
)

// Version is berth's release, set at link time (-X).
var Version = "dev"

// versionTemplate lays out `version` as docker does.
const versionTemplate = `{{with .Client -}}
Client:{{if ne .Platform nil}}{{if ne .Platform.Name ""}} {{.Platform.Name}}{{end}}{{end}}
 Version:	{{.Version}}
 API version:	{{.APIVersion}}{{if ne .APIVersion .DefaultAPIVersion}} (downgraded from {{.DefaultAPIVersion}}){{end}}
 Go version:	{{.GoVersion}}
 Git commit:	{{.GitCommit}}
 Built:	{{.BuildTime}}
 OS/Arch:	{{.Os}}/{{.Arch}}
 Context:	{{.Context}}
{{- end}}

{{- if ne .Server nil}}{{with .Server}}

Server:{{if ne .Platform.Name ""}} {{.Platform.Name}}{{end}}
 {{- range $component := .Components}}
 {{$component.Name}}:
  {{- if eq $component.Name "Engine" }}
  Version:	{{.Version}}
  API version:	{{index .Details "ApiVersion"}} (minimum version {{index .Details "MinAPIVersion"}})
  Go version:	{{index .Details "GoVersion"}}
  Git commit:	{{index .Details "GitCommit"}}
  Built:	{{index .Details "BuildTime"}}
  OS/Arch:	{{index .Details "Os"}}/{{index .Details "Arch"}}
  Experimental:	{{index .Details "Experimental"}}
  {{- else }}
  Version:	{{$component.Version}}
  {{- range $key := detailKeys $component}}
  {{$key}}:	{{index $component.Details $key}}
  {{- end}}
  {{- end}}
 {{- end}}
 {{- end}}{{- end}}`

type platformInfo struct {
	Name string `json:"Name,omitempty"`
}

type clientVersion struct {
	Platform          *platformInfo `json:"Platform,omitempty"`
	Version           string        `json:"Version,omitempty"`
	APIVersion        string        `json:"ApiVersion,omitempty"`
	DefaultAPIVersion string        `json:"DefaultAPIVersion,omitempty"`
	GitCommit         string        `json:"GitCommit,omitempty"`
	GoVersion         string        `json:"GoVersion,omitempty"`
	Os                string        `json:"Os,omitempty"`
	Arch              string        `json:"Arch,omitempty"`
	BuildTime         string        `json:"BuildTime,omitempty"`
	Context           string        `json:"Context"`
}

type serverVersion struct {
	Platform      client.PlatformInfo
	Version       string
	APIVersion    string `json:"ApiVersion"`
	MinAPIVersion string `json:"MinAPIVersion,omitempty"`
	Os            string
	Arch          string
	Experimental  bool `json:",omitempty"`
	Components    []system.ComponentVersion
}

type versionInfo struct {
	Client clientVersion
	Server *serverVersion
}

// NewVersionCommand returns `version`.
func NewVersionCommand(cli *command.Cli) *cobra.Command {
	var tmplText string
	cmd := &cobra.Command{
		Use:   "version [OPTIONS]",
		Short: "Show the Berth version information",
		Args:  command.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runVersion(cmd, cli, tmplText)
		},
	}
	cmd.Flags().StringVarP(&tmplText, "format", "f", "", command.InspectFormatHelp)
	return cmd
}

func runVersion(cmd *cobra.Command, cli *command.Cli, tmplText string) error {
	switch tmplText {
	case "":
		tmplText = versionTemplate
	case format.JSONKey:
		tmplText = "{{json .}}"
	}
	tmpl, err := format.New("version").Funcs(template.FuncMap{"detailKeys": detailKeys}).Parse(tmplText)
	if err != nil {
		return command.StatusError{Status: "template parsing error: " + err.Error(), Code: 64}
	}
	vi := versionInfo{Client: newClientVersion()}
	api, err := cli.Client()
	if err == nil {
		var sv client.ServerVersionResult
		sv, err = api.ServerVersion(cmd.Context(), client.ServerVersionOptions{})
		if err == nil {
			vi.Server = newServerVersion(sv)
		}
		vi.Client.APIVersion = api.ClientVersion()
	}
	tw := tabwriter.NewWriter(cli.Out(), 20, 1, 1, ' ', 0)
	err2 := tmpl.Execute(tw, vi)
	_, _ = tw.Write([]byte("\n"))
	_ = tw.Flush()
	if err == nil {
		err = err2
	}
	return err
}

func newClientVersion() clientVersion {
	v := clientVersion{
		Version:           Version,
		APIVersion:        client.MaxAPIVersion,
		DefaultAPIVersion: client.MaxAPIVersion,
		GoVersion:         runtime.Version(),
		Os:                runtime.GOOS,
		Arch:              runtime.GOARCH,
		Context:           "default",
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				v.GitCommit = s.Value
				if len(v.GitCommit) > 7 {
					v.GitCommit = v.GitCommit[:7]
				}
			case "vcs.time":
				v.BuildTime = ansiDate(s.Value)
			}
		}
	}
	return v
}

// newServerVersion fills in an "Engine" component from the top-level fields
// when the daemon sends no components, so the template always has one.
func newServerVersion(sv client.ServerVersionResult) *serverVersion {
	out := &serverVersion{
		Platform: sv.Platform, Version: sv.Version, APIVersion: sv.APIVersion,
		MinAPIVersion: sv.MinAPIVersion, Os: sv.Os, Arch: sv.Arch,
		Experimental: sv.Experimental, Components: sv.Components,
	}
	for _, c := range out.Components {
		if c.Name == "Engine" {
			if bt, ok := c.Details["BuildTime"]; ok {
				c.Details["BuildTime"] = ansiDate(bt)
			}
			return out
		}
	}
	out.Components = append(out.Components, system.ComponentVersion{
		Name:    "Engine",
		Version: sv.Version,
		Details: map[string]string{
			"ApiVersion":    sv.APIVersion,
			"MinAPIVersion": sv.MinAPIVersion,
			"Os":            sv.Os,
			"Arch":          sv.Arch,
			"Experimental":  strconv.FormatBool(sv.Experimental),
		},
	})
	return out
}

// ansiDate rewrites an RFC 3339 build time as docker shows it.
func ansiDate(s string) string {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.Format(time.ANSIC)
	}
	return s
}

func detailKeys(c system.ComponentVersion) []string {
	keys := make([]string, 0, len(c.Details))
	for k := range c.Details {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
