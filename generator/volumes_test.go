package generator

import (
	"strings"
	"testing"
)

func TestVolumeName(t *testing.T) {
	for in, want := range map[string]string{
		"/":                           "root",
		"/var/log":                    "var-log",
		"/run/docker.sock":            "run-docker-sock",
		"/Host/Etc/":                  "host-etc",
		"/9p":                         "v-9p",
		"/" + strings.Repeat("a", 80): strings.Repeat("a", 55),
	} {
		if got := volumeName(in); got != want {
			t.Errorf("volumeName(%q) = %q, want %q", in, got, want)
		}
	}
}
