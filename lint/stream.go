package lint

import "github.com/everynode/everynode/internal/input"

// streamData is an input that can be read only once (input.Source.Stream),
// as read before the passes over the inputs begin.
type streamData struct {
	data []byte
	err  error
}

// readStreams reads every stream source once, so the CRD pre-pass and the
// lint pass see the same bytes, and keeps them in memory for reporters'
// source lines: opening a pipe again would block or read nothing.
func (r *run) readStreams(sources []input.Source) {
	for _, s := range sources {
		if !s.Stream {
			continue
		}
		if r.streams == nil {
			r.streams = map[string]streamData{}
		}
		if _, done := r.streams[s.Path]; done {
			continue
		}
		data, err := input.ReadFile(s.Path, r.l.opts.MaxFileSize)
		r.streams[s.Path] = streamData{data: data, err: err}
		if err == nil {
			r.keepSource(s.Name, data)
		}
	}
}
