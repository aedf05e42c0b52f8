package main

import "flag"

// parseArgs parses fs's flags wherever they stand among the arguments, as
// people type them ("analyze policy.pdf --format json"), and returns the
// other arguments in order. "--" ends the flags; "-" (standard input) is an
// argument.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
}
