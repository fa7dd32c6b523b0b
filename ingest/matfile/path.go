package matfile

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/oblique-neuro/oblique/internal/inputfile"
	"github.com/oblique-neuro/oblique/internal/nearest"
)

// Lookup returns the element of v that path selects, in MATLAB syntax with
// 1-based indices, as File.Lookup does after the variable name: "clouds",
// ".clouds.spikes{3}", "(2).A", "{4}". A leading name is a field of v. The
// result shares memory with v. Errors name the path relative to v.
func Lookup(v Value, path string) (Value, error) {
	_, sels, err := parsePath(path, false)
	if err != nil {
		return nil, err
	}
	return apply(v, "", sels)
}

// selector is one step of a path: a field, (subscripts) or {subscripts}.
type selector struct {
	kind byte   // '.', '(' or '{'
	name string // field name
	subs []int  // 1-based subscripts
}

func (s selector) String() string {
	if s.kind == '.' {
		return "." + s.name
	}
	str := make([]string, len(s.subs))
	for i, k := range s.subs {
		str[i] = strconv.Itoa(k)
	}
	closing := ")"
	if s.kind == '{' {
		closing = "}"
	}
	return string(s.kind) + strings.Join(str, ",") + closing
}

func isIdent(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// parsePath splits "a.b(2).c{3,1}" into the variable name "a" and its
// selectors. Unless withRoot, a leading name is a field selector.
func parsePath(path string, withRoot bool) (root string, sels []selector, err error) {
	bad := func(format string, args ...any) error {
		return &Error{Path: path, Err: fmt.Errorf("bad path: "+format, args...)}
	}
	i := 0
	ident := func() string {
		j := i
		for i < len(path) && isIdent(path[i]) {
			i++
		}
		return path[j:i]
	}
	if withRoot {
		if root = ident(); root == "" {
			return "", nil, bad("it must start with a variable name")
		}
	} else if i < len(path) && isIdent(path[i]) {
		sels = append(sels, selector{kind: '.', name: ident()})
	}
	for i < len(path) {
		switch c := path[i]; c {
		case '.':
			i++
			name := ident()
			if name == "" {
				return "", nil, bad("no field name after '.' at byte %d", i)
			}
			sels = append(sels, selector{kind: '.', name: name})
		case '(', '{':
			closing := byte(')')
			if c == '{' {
				closing = '}'
			}
			end := strings.IndexByte(path[i:], closing)
			if end < 0 {
				return "", nil, bad("no %q after %q at byte %d", closing, c, i)
			}
			s := selector{kind: c}
			for _, f := range strings.Split(path[i+1:i+end], ",") {
				k, err := strconv.Atoi(strings.TrimSpace(f))
				if err != nil || k < 1 {
					return "", nil, bad("index %q is not a positive integer (indices are 1-based)", strings.TrimSpace(f))
				}
				s.subs = append(s.subs, k)
			}
			sels = append(sels, s)
			i += end + 1
		default:
			return "", nil, bad("unexpected %q at byte %d", c, i)
		}
	}
	return root, sels, nil
}

// apply follows sels from v, which is named base ("" for an unnamed value).
func apply(v Value, base string, sels []selector) (Value, error) {
	cur := base
	for _, s := range sels {
		next := cur + s.String()
		if u, ok := v.(*Unsupported); ok {
			return nil, errorf(next, ErrUnsupported, "%s is a %s: %s", label(cur), describe(v), u.Reason)
		}
		var err error
		switch s.kind {
		case '.':
			v, err = field(v, cur, s.name)
		case '(':
			v, err = paren(v, cur, s.subs)
		default:
			v, err = brace(v, cur, s.subs)
		}
		if err != nil {
			return nil, &Error{Path: next, Err: err}
		}
		cur = next
	}
	if u, ok := v.(*Unsupported); ok {
		return nil, errorf(cur, ErrUnsupported, "%s is a %s: %s", label(cur), describe(v), u.Reason)
	}
	return v, nil
}

func label(name string) string {
	if name == "" {
		return "the value"
	}
	return name
}

func notFound(format string, args ...any) error {
	return &kindError{kind: ErrNotFound, msg: fmt.Sprintf(format, args...)}
}

func field(v Value, name, f string) (Value, error) {
	s, ok := v.(*Struct)
	if !ok {
		return nil, notFound("%s is a %s, not a struct", label(name), describe(v))
	}
	if len(s.Elems) != 1 {
		return nil, notFound("%s is a %s: select one element first, as in %s(1).%s", label(name), describe(v), name, f)
	}
	j := s.FieldIndex(f)
	if j < 0 {
		return nil, notFound("struct %s has no field %q (fields: %s)%s", label(name), f, inputfile.List(s.Fields), suggest(f, s.Fields))
	}
	return s.Elems[0][j], nil
}

func brace(v Value, name string, subs []int) (Value, error) {
	c, ok := v.(*Cell)
	if !ok {
		return nil, notFound("%s is a %s, not a cell array: index it with ( )", label(name), describe(v))
	}
	k, err := linear(v, name, subs)
	if err != nil {
		return nil, err
	}
	return c.Elems[k], nil
}

func paren(v Value, name string, subs []int) (Value, error) {
	k, err := linear(v, name, subs)
	if err != nil {
		return nil, err
	}
	one := []int{1, 1}
	switch v := v.(type) {
	case *Numeric:
		e := &Numeric{Type: v.Type, Size: one, Real: []float64{v.Real[k]}}
		if v.Imag != nil {
			e.Imag = []float64{v.Imag[k]}
		}
		if v.Int64 != nil {
			e.Int64 = []int64{v.Int64[k]}
		}
		if v.Uint64 != nil {
			e.Uint64 = []uint64{v.Uint64[k]}
		}
		return e, nil
	case *Logical:
		return &Logical{Size: one, Data: []bool{v.Data[k]}}, nil
	case *Char:
		rows := v.Size[0]
		runes := []rune(v.Rows[k%rows])
		if c := k / rows; c < len(runes) {
			return &Char{Size: one, Rows: []string{string(runes[c])}}, nil
		}
		return nil, fmt.Errorf("%s has characters outside the Basic Multilingual Plane: index its rows instead", label(name))
	case *Cell:
		return &Cell{Size: one, Elems: []Value{v.Elems[k]}}, nil
	case *Struct:
		return &Struct{Size: one, Fields: v.Fields, Elems: [][]Value{v.Elems[k]}}, nil
	case *Sparse:
		re, im := v.at(k%v.Size[0], k/v.Size[0])
		if v.Logical {
			return &Logical{Size: one, Data: []bool{re != 0}}, nil
		}
		e := &Numeric{Type: ClassDouble, Size: one, Real: []float64{re}}
		if v.Imag != nil {
			e.Imag = []float64{im}
		}
		return e, nil
	}
	return nil, fmt.Errorf("%s is a %s, which cannot be indexed", label(name), describe(v))
}

// linear converts 1-based subscripts into a 0-based column-major index.
// As in MATLAB, the last subscript spans the remaining dimensions.
func linear(v Value, name string, subs []int) (int, error) {
	dims := v.Dims()
	k, stride := 0, 1
	for i, s := range subs {
		extent := 1
		switch {
		case i == len(subs)-1:
			for _, d := range dims[min(i, len(dims)):] {
				extent *= d
			}
		case i < len(dims):
			extent = dims[i]
		}
		if s > extent {
			return 0, notFound("index %s is out of range: %s is a %s", subString(subs), label(name), describe(v))
		}
		k += (s - 1) * stride
		stride *= extent
	}
	return k, nil
}

func subString(subs []int) string {
	if len(subs) == 1 {
		return strconv.Itoa(subs[0])
	}
	return selector{kind: '(', subs: subs}.String()
}

// suggest returns "; did you mean "x"?" for the name in names closest to
// name, if one is close: the same but for case, or within an edit for every
// 3 bytes of name, at most 2.
func suggest(name string, names []string) string {
	best, bestD := "", min(2, len(name)/3)+1
	for _, n := range names {
		d := nearest.EditDistance(name, n)
		if strings.EqualFold(name, n) {
			d = 0
		}
		if d < bestD {
			best, bestD = n, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", best)
}
