// Package tomlsafe decodes the TOML files oblique reads (manifests, presets,
// sweep files) within bounds on size, nesting and the length of error
// messages.
//
// The TOML parser takes time and memory quadratic in the depth of a key:
// a 41 KB file of inline tables nested 10,000 deep takes gigabytes, and
// its error message repeats the whole key. Decode refuses, before parsing,
// a file longer than MaxBytes or nested deeper than MaxDepth, and cuts
// every error message to MaxMessage bytes.
package tomlsafe

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
)

const (
	// MaxBytes bounds the length of a TOML file; oblique's are a few KB.
	MaxBytes = 64 << 10
	// MaxDepth bounds the nesting of a TOML file: the parts of a table
	// header, the parts of a dotted key and every array or inline table
	// around it count one level each. oblique's files nest 3 deep.
	MaxDepth = 16
	// MaxMessage bounds the length of an error message (of the parser, or
	// the list of unknown keys), which a caller may store with its results.
	MaxMessage = 300
	// maxKeys bounds the unknown keys UnknownKeys lists.
	maxKeys = 10
)

// ErrTooDeep and ErrTooLong are wrapped by the errors of Decode for a file
// nested deeper than MaxDepth or longer than MaxBytes.
var (
	ErrTooDeep = errors.New("nested too deep")
	ErrTooLong = errors.New("too long")
)

// Error is an error of Decode: where in the file, when known, and what.
type Error struct {
	Line int // 1-based; 0 when not known
	Msg  string
	Err  error // ErrTooDeep, ErrTooLong or nil
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return e.Msg
}

func (e *Error) Unwrap() error { return e.Err }

// Decode checks the bounds and decodes data into v as toml.Decode does.
// Errors are *Error values, without the file's name.
func Decode(data []byte, v any) (toml.MetaData, error) {
	if len(data) > MaxBytes {
		return toml.MetaData{}, &Error{Err: ErrTooLong, Msg: fmt.Sprintf("%d bytes, more than the %d a TOML file of oblique may hold", len(data), MaxBytes)}
	}
	if line, err := checkDepth(data); err != nil {
		return toml.MetaData{}, &Error{Line: line, Err: ErrTooDeep, Msg: err.Error()}
	}
	md, err := toml.Decode(string(data), v)
	if err != nil {
		var perr toml.ParseError
		if errors.As(err, &perr) {
			return md, &Error{Line: perr.Position.Line, Msg: Cut(perr.Message)}
		}
		return md, &Error{Msg: Cut(strings.TrimPrefix(err.Error(), "toml: "))}
	}
	return md, nil
}

// UnknownKeys lists the keys of md that decoded into nothing, at most ten
// of them ("a.b, c and 3 more"), or "" when every key was used.
func UnknownKeys(md toml.MetaData) string {
	und := md.Undecoded()
	if len(und) == 0 {
		return ""
	}
	keys := make([]string, 0, min(len(und), maxKeys))
	for _, k := range und[:min(len(und), maxKeys)] {
		keys = append(keys, k.String())
	}
	s := strings.Join(keys, ", ")
	if len(und) > maxKeys {
		s += fmt.Sprintf(" and %d more", len(und)-maxKeys)
	}
	return Cut(s)
}

// Cut shortens s to at most MaxMessage bytes (at a character boundary),
// saying how much was left out.
func Cut(s string) string {
	if len(s) <= MaxMessage {
		return s
	}
	n := MaxMessage - 40
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return fmt.Sprintf("%s… (%d more bytes)", s[:n], len(s)-n)
}

// checkDepth scans data as TOML, without parsing values, and returns an
// error with its line when the nesting exceeds MaxDepth. The depth counted
// is that of the key path the parser holds: the parts of the last table
// header, then for each open array or inline table the parts of the key it
// is the value of (one for an array element), then the parts of the key
// being read. A dot in a value (1.5) counts as a part too, which can only
// overcount by one.
func checkDepth(data []byte) (int, error) {
	var (
		stack     []int // depth at each open array or inline table
		header    int   // parts of the last table header
		dots      int   // dots in the current key
		key       int   // parts of the key before the last '='
		line      = 1
		lineStart = true
		inHeader  bool
	)
	depth := func() int {
		if len(stack) > 0 {
			return stack[len(stack)-1]
		}
		return header
	}
	tooDeep := func() error { return fmt.Errorf("nested more than %d levels deep", MaxDepth) }
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch c {
		case '\n':
			line++
			dots, key = 0, 0
			lineStart = len(stack) == 0
			continue
		case ' ', '\t', '\r':
			continue
		case '#':
			for i < len(data) && data[i] != '\n' {
				i++
			}
			i--
			continue
		case '"', '\'':
			end, lines := skipString(data, i)
			i, line = end, line+lines
		case '.':
			dots++
			if depth()+dots+1 > MaxDepth {
				return line, tooDeep()
			}
		case '=':
			if depth()+dots+1 > MaxDepth {
				return line, tooDeep()
			}
			key, dots = dots+1, 0
		case ',':
			key, dots = 0, 0
		case '[', '{':
			if c == '[' && lineStart && len(stack) == 0 {
				inHeader, header, dots = true, 0, 0
				if i+1 < len(data) && data[i+1] == '[' {
					i++
				}
				break
			}
			stack = append(stack, depth()+max(key, 1))
			if depth() > MaxDepth {
				return line, tooDeep()
			}
			key, dots = 0, 0
		case ']', '}':
			if inHeader && len(stack) == 0 {
				inHeader, header = false, dots+1
				if header > MaxDepth {
					return line, tooDeep()
				}
				if i+1 < len(data) && data[i+1] == ']' {
					i++
				}
			} else if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			key, dots = 0, 0
		}
		lineStart = false
	}
	return 0, nil
}

// skipString returns the index of the last byte of the string that starts
// at data[i] (basic or literal, single- or multi-line) and the newlines in
// it; an unterminated string runs to the end.
func skipString(data []byte, i int) (end, lines int) {
	q := data[i]
	delim := []byte{q}
	if i+2 < len(data) && data[i+1] == q && data[i+2] == q {
		delim = []byte{q, q, q}
	}
	j := i + len(delim)
	for j < len(data) {
		switch {
		case data[j] == '\\' && q == '"':
			if j+1 < len(data) && data[j+1] == '\n' {
				lines++
			}
			j += 2
			continue
		case data[j] == '\n':
			lines++
			if len(delim) == 1 {
				return j - 1, lines - 1 // an unterminated line string; the newline is read again
			}
		case bytes.HasPrefix(data[j:], delim):
			end = j + len(delim) - 1
			// A multi-line string may end with up to two more quotes.
			for len(delim) == 3 && end+1 < len(data) && data[end+1] == q && end+1-j < 5 {
				end++
			}
			return end, lines
		}
		j++
	}
	return len(data) - 1, lines
}
