package lint

import (
	"github.com/everynode/everynode/internal/configfile"
	"github.com/everynode/everynode/lint/config"
	"github.com/everynode/everynode/lint/finding"
)

// LoadConfig reads a configuration file (.everynode.yaml, kind: Config)
// for Options.Config. The error is for I/O only: whatever is wrong inside
// the file is a finding with its position, and the Config returned keeps
// the defaults for what could not be read. A configuration that comes
// from the linted repository is as untrusted as the rest of it; the
// command line reads it through the repository's root.
func LoadConfig(path string) (*config.Config, []finding.Finding, error) {
	return configfile.Load(path)
}

// ParseConfig is LoadConfig for a configuration held in memory; name is
// what its findings call it.
func ParseConfig(name string, data []byte) (*config.Config, []finding.Finding) {
	return configfile.Parse(name, data)
}
