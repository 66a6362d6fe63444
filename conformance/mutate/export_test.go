package mutate

import (
	"os"
	"testing"
)

func enumsSource(t *testing.T) []byte {
	data, err := os.ReadFile("enums_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	return data
}
