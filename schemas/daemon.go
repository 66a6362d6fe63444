package schemas

import _ "embed"

// DaemonSchema is the draft-07 JSON Schema of the Daemon spec
// (everynode.dev/v1alpha1), built by generator/internal/schemagen.
//
//go:embed daemon.schema.json
var DaemonSchema []byte
