package cli

import (
	"errors"
	"flag"
	"fmt"
	"text/tabwriter"

	"github.com/oblique-neuro/oblique/pipeline"
)

const presetsAbout = `Lists the presets: the paper's processing of real data sets, as used by
'oblique analyze -preset NAME FILE…'. With a NAME, prints that preset's
TOML, which documents the file layout it expects and every setting; copy
and adapt it as a manifest-like recipe. With a preset file (FILE.toml, or a
path), checks it as -preset does and prints it, or its problems.

'oblique presets init FILE.nwb > my.toml' writes a starting preset for an
NWB file from what 'oblique inspect' sees: the layout, the units and the
values of their string columns, the candidate behaviour series and the
interval tables, with comments on each choice; edit it, then run
'oblique analyze -preset my.toml FILE.nwb'.`

func runPresets(env *Env, args []string) error {
	fs := flag.NewFlagSet("presets", flag.ContinueOnError)
	pos, err := parse(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		helpFor(env.Stdout, fs, "presets [NAME | FILE.toml]\n       oblique presets init FILE.nwb", presetsAbout)
		return err
	}
	if err != nil {
		return err
	}
	if len(pos) > 0 && pos[0] == "init" {
		if len(pos) != 2 {
			return fmt.Errorf("%w: presets init takes one NWB file", errUsage)
		}
		text, err := pipeline.InitPreset(pos[1])
		if err != nil {
			return err
		}
		_, err = fmt.Fprint(env.Stdout, text)
		return err
	}
	switch len(pos) {
	case 0:
		w := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		list, err := pipeline.Presets()
		if err != nil {
			return err
		}
		for _, p := range list {
			fmt.Fprintf(w, "%s\t%s\t%s\n", p.Name, p.Layout, p.Description)
		}
		return w.Flush()
	case 1:
		text, err := pipeline.PresetText(pos[0])
		if errors.Is(err, pipeline.ErrNoPreset) {
			return fmt.Errorf("%w: %w", errUsage, err)
		}
		if err != nil {
			return err // a preset file with a problem: the file's error
		}
		_, err = fmt.Fprint(env.Stdout, text)
		return err
	}
	return fmt.Errorf("%w: at most one preset name", errUsage)
}
