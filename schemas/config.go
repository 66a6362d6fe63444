package schemas

import _ "embed"

// ConfigSchema is the JSON Schema (draft-07) of everynode's kind: Config,
// the .everynode.yaml file. It is published so that editors can complete
// the file; internal/configfile validates against it.
//
//go:embed config.schema.json
var ConfigSchema []byte
