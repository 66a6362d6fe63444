package document

import (
	"encoding/base64"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	yaml "go.yaml.in/yaml/v3"
)

// The API server receives what kubectl sends, and kubectl reads YAML with
// sigs.k8s.io/yaml, which resolves plain scalars by YAML 1.1 rules (through
// go.yaml.in/yaml/v2): yes/no/on/off are booleans, 010 is octal, 1_000 is an
// integer. yaml.v3 resolves by YAML 1.2, so every scalar is re-resolved here
// from its text. The rules below follow yaml.v2's resolve function; a fuzz
// test holds them equal to sigs.k8s.io/yaml.

const (
	tagStr       = "!!str"
	tagBool      = "!!bool"
	tagInt       = "!!int"
	tagFloat     = "!!float"
	tagNull      = "!!null"
	tagTimestamp = "!!timestamp"
	tagBinary    = "!!binary"
	tagMerge     = "!!merge"
	longPrefix   = "tag:yaml.org,2002:"
)

type resolved struct {
	tag string
	val any
}

var resolveMap = map[string]resolved{}

func init() {
	for _, item := range []struct {
		v   any
		tag string
		l   []string
	}{
		{true, tagBool, []string{"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"}},
		{false, tagBool, []string{"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"}},
		{nil, tagNull, []string{"", "~", "null", "Null", "NULL"}},
		{math.NaN(), tagFloat, []string{".nan", ".NaN", ".NAN"}},
		{math.Inf(+1), tagFloat, []string{".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"}},
		{math.Inf(-1), tagFloat, []string{"-.inf", "-.Inf", "-.INF"}},
		{"<<", tagMerge, []string{"<<"}},
	} {
		for _, s := range item.l {
			resolveMap[s] = resolved{item.tag, item.v}
		}
	}
}

var yamlStyleFloat = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)

func shortTag(tag string) string {
	if strings.HasPrefix(tag, longPrefix) {
		return "!!" + tag[len(longPrefix):]
	}
	return tag
}

// explicitTag is the tag written in the source, or "" when there is none.
func explicitTag(n *yaml.Node) string {
	if n.Style&yaml.TaggedStyle == 0 {
		return ""
	}
	return shortTag(n.Tag)
}

// isPlain reports whether a scalar is subject to implicit resolution:
// plain style and no tag. Quoted and block scalars are always strings.
func isPlain(n *yaml.Node) bool {
	return n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle|yaml.TaggedStyle) == 0
}

// scalarValue types a scalar node as kubectl would.
func scalarValue(n *yaml.Node) (any, error) {
	tag := explicitTag(n)
	if tag == "" && !isPlain(n) {
		return n.Value, nil
	}
	rtag, v, err := resolve(tag, n.Value)
	if err != nil {
		return nil, err
	}
	if rtag == tagBinary {
		data, err := base64.StdEncoding.DecodeString(v.(string))
		if err != nil {
			return nil, fmt.Errorf("!!binary value contains invalid base64 data")
		}
		return string(data), nil
	}
	if rtag == tagTimestamp {
		// yaml.v2 keeps timestamps as their text when decoding into any.
		return n.Value, nil
	}
	return v, nil
}

func resolvableTag(tag string) bool {
	switch tag {
	case "", tagStr, tagBool, tagInt, tagFloat, tagNull, tagTimestamp:
		return true
	}
	return false
}

func resolve(tag, in string) (rtag string, out any, err error) {
	if !resolvableTag(tag) {
		return tag, in, nil
	}
	rtag, out = resolveImplicit(tag, in)
	switch tag {
	case "", rtag, tagStr, tagBinary:
		return rtag, out, nil
	case tagFloat:
		if rtag == tagInt {
			switch v := out.(type) {
			case int64:
				return tagFloat, float64(v), nil
			case uint64:
				// yaml.v2 refuses this conversion; so do we.
			}
		}
	}
	return "", nil, fmt.Errorf("cannot decode %s `%s` as a %s", rtag, in, tag)
}

func resolveImplicit(tag, in string) (string, any) {
	var hint byte = 'N'
	if in != "" {
		switch c := in[0]; {
		case c == '+' || c == '-':
			hint = 'S'
		case c >= '0' && c <= '9':
			hint = 'D'
		case strings.IndexByte("yYnNtTfFoO~", c) >= 0:
			hint = 'M'
		case c == '.':
			hint = '.'
		default:
			hint = 0
		}
	}
	if hint == 0 || tag == tagStr || tag == tagBinary {
		return tagStr, in
	}
	if item, ok := resolveMap[in]; ok {
		return item.tag, item.val
	}
	switch hint {
	case '.':
		if f, err := strconv.ParseFloat(in, 64); err == nil {
			return tagFloat, f
		}
	case 'D', 'S':
		if tag == "" || tag == tagTimestamp {
			if isTimestamp(in) {
				return tagTimestamp, in
			}
		}
		plain := strings.ReplaceAll(in, "_", "")
		if i, err := strconv.ParseInt(plain, 0, 64); err == nil {
			return tagInt, i
		}
		if u, err := strconv.ParseUint(plain, 0, 64); err == nil {
			return tagInt, u
		}
		if yamlStyleFloat.MatchString(plain) {
			if f, err := strconv.ParseFloat(plain, 64); err == nil {
				return tagFloat, f
			}
		}
		if strings.HasPrefix(plain, "0b") {
			if i, err := strconv.ParseInt(plain[2:], 2, 64); err == nil {
				return tagInt, i
			}
			if u, err := strconv.ParseUint(plain[2:], 2, 64); err == nil {
				return tagInt, u
			}
		} else if strings.HasPrefix(plain, "-0b") {
			if i, err := strconv.ParseInt("-"+plain[3:], 2, 64); err == nil {
				return tagInt, i
			}
		}
	}
	return tagStr, in
}

var timestampFormats = []string{
	"2006-1-2T15:4:5.999999999Z07:00",
	"2006-1-2t15:4:5.999999999Z07:00",
	"2006-1-2 15:4:5.999999999",
	"2006-1-2",
}

func isTimestamp(s string) bool {
	i := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
	}
	if i != 4 || i == len(s) || s[i] != '-' {
		return false
	}
	for _, f := range timestampFormats {
		if _, err := time.Parse(f, s); err == nil {
			return true
		}
	}
	return false
}

// keyString turns a typed map key into the string JSON will carry, as
// sigs.k8s.io/yaml does; ok is false for keys it refuses (null, lists).
func keyString(k any) (string, bool) {
	switch v := k.(type) {
	case string:
		return v, true
	case int64:
		return strconv.FormatInt(v, 10), true
	case uint64:
		return "", false
	case float64:
		s := strconv.FormatFloat(v, 'g', -1, 32)
		switch s {
		case "+Inf":
			s = ".inf"
		case "-Inf":
			s = "-.inf"
		case "NaN":
			s = ".nan"
		}
		return s, true
	case bool:
		return strconv.FormatBool(v), true
	}
	return "", false
}
