package cli

import (
	"errors"
	"flag"
	"fmt"
	"text/tabwriter"

	"github.com/oblique-neuro/oblique/pipeline"
)

const presetsAbout = `Lists the presets: the paper's processing of real data sets, as used by
'oblique analyze --preset NAME FILE…'. With a NAME, prints that preset's
TOML, which documents the file layout it expects and every setting; copy
and adapt it as a manifest-like recipe.`

func runPresets(env *Env, args []string) error {
	fs := flag.NewFlagSet("presets", flag.ContinueOnError)
	pos, err := parse(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		helpFor(env.Stdout, fs, "presets [NAME]", presetsAbout)
		return err
	}
	if err != nil {
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
		if err != nil {
			return fmt.Errorf("%w: %w", errUsage, err)
		}
		_, err = fmt.Fprint(env.Stdout, text)
		return err
	}
	return fmt.Errorf("%w: at most one preset name", errUsage)
}
