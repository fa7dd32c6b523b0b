package hdf5

import (
	"errors"
	"path"
	"slices"
	"sync"
)

// cache keeps what a File has learnt of its file, which is open read-only:
// the kind of each path asked about, each dataset's description and layout,
// the link names of the groups whose members were looked up, and small
// attributes. Asking again then costs no call into the library, and so no
// round trip to the reader process: reading an NWB table asks for the same
// paths and attributes once per column, and for optional members (x_index,
// x_index_index) that the listing of the table's group shows absent. Only
// answers that cannot change are kept: results, and "not found".
type cache struct {
	mu    sync.Mutex
	kinds map[string]kindEntry
	sets  map[string]setEntry
	// groups holds the link names of groups, as a set; nil for a group
	// that was not listed (too many links, or not a group).
	groups map[string]map[string]bool
	attrs  map[[2]string]attrEntry
	// attrSize is the number of elements of the attributes kept.
	attrSize int
}

// Bounds of the attributes kept: maxCachedAttr elements (a string counts
// its bytes) each, maxCachedAttrs in all, so that a file with huge
// attributes cannot make the cache large.
const (
	maxCachedAttr  = 4096
	maxCachedAttrs = 1 << 20
)

type kindEntry struct {
	k   Kind
	err error
}

type setEntry struct {
	info DatasetInfo
	lay  layout
}

type attrEntry struct {
	v    any
	err  error
	size int
}

// keep reports whether an answer with error err can be kept.
func keep(err error) bool { return err == nil || errors.Is(err, ErrNotFound) }

func (c *cache) stat(p string, b backend) (Kind, error) {
	k, ok, siblings, err := c.lookStat(p)
	if ok {
		return k, err
	}
	s, err := b.stat(p, siblings)
	c.putStat(p, siblings, s, err)
	return s.Kind, err
}

// lookStat returns the kind of p when it is known (ok); else whether the
// backend's stat should list p's parent.
func (c *cache) lookStat(p string) (k Kind, ok, siblings bool, err error) {
	dir, base := path.Split(p)
	c.mu.Lock()
	e, ok := c.kinds[p]
	names, listed := c.groups[path.Clean(dir)]
	c.mu.Unlock()
	switch {
	case ok:
		return e.k, true, false, e.err
	case p != "/" && names != nil && !names[base]:
		// What the library says of a link missing from an existing group.
		return KindUnknown, true, false, ErrNotFound
	}
	return KindUnknown, false, p != "/" && !listed, nil
}

// putStat keeps what a backend's stat of p learnt; siblings says whether
// it was asked to list p's parent.
func (c *cache) putStat(p string, siblings bool, s statInfo, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.init()
	if keep(err) {
		c.kinds[p] = kindEntry{s.Kind, err}
	}
	if s.IsSet {
		c.sets[p] = setEntry{s.Info, s.Layout}
	}
	if siblings {
		var set map[string]bool
		if s.Siblings != nil {
			set = make(map[string]bool, len(s.Siblings))
			for _, n := range s.Siblings {
				set[n] = true
			}
		}
		c.groups[path.Dir(p)] = set
	}
}

// init makes the maps. Call it with mu held.
func (c *cache) init() {
	if c.kinds == nil {
		c.kinds = map[string]kindEntry{}
		c.sets = map[string]setEntry{}
		c.groups = map[string]map[string]bool{}
		c.attrs = map[[2]string]attrEntry{}
	}
}

// dataset returns the description and layout of the dataset at p. The
// description's Shape is the caller's to keep.
func (c *cache) dataset(p string, b backend) (DatasetInfo, layout, error) {
	e, ok := c.lookSet(p)
	if !ok {
		info, lay, err := b.dataset(p)
		if err != nil {
			return info, lay, err
		}
		e = setEntry{info, lay}
		c.putSet(p, e)
	}
	e.info.Shape = slices.Clone(e.info.Shape)
	return e.info, e.lay, nil
}

func (c *cache) lookSet(p string) (setEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.sets[p]
	return e, ok
}

func (c *cache) putSet(p string, e setEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.init()
	c.sets[p] = e
	c.kinds[p] = kindEntry{k: KindDataset}
}

// attr returns the attribute name of p, a copy of it when it is kept.
func (c *cache) attr(p, name string, b backend) (any, error) {
	if e, ok := c.lookAttr(p, name); ok {
		return cloneValue(e.v), e.err
	}
	v, err := b.attr(p, name)
	if c.putAttr(p, name, v, err) {
		v = cloneValue(v)
	}
	return v, err
}

func (c *cache) lookAttr(p, name string) (attrEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.attrs[[2]string{p, name}]
	return e, ok
}

// putAttr keeps an attribute's value, or its absence, if small enough; it
// reports whether it did.
func (c *cache) putAttr(p, name string, v any, err error) bool {
	if !keep(err) {
		return false
	}
	size := valueSize(v)
	c.mu.Lock()
	defer c.mu.Unlock()
	if size > maxCachedAttr || c.attrSize+size > maxCachedAttrs {
		return false
	}
	c.init()
	key := [2]string{p, name}
	if _, ok := c.attrs[key]; !ok {
		c.attrs[key] = attrEntry{v, err, size}
		c.attrSize += size
	}
	return true
}

// valueSize counts the elements of an attribute value, and the bytes of its
// strings.
func valueSize(v any) int {
	switch s := v.(type) {
	case string:
		return 1 + len(s)
	case []int64:
		return len(s)
	case []uint64:
		return len(s)
	case []float64:
		return len(s)
	case []bool:
		return len(s)
	case []Ref:
		n := len(s)
		for _, r := range s {
			n += len(r.Path)
		}
		return n
	case []string:
		n := len(s)
		for _, x := range s {
			n += len(x)
		}
		return n
	case Ref:
		return 1 + len(s.Path)
	}
	return 1
}

// cloneValue copies the slice of an attribute value, so that a caller may
// change what it was given.
func cloneValue(v any) any {
	switch s := v.(type) {
	case []int64:
		return slices.Clone(s)
	case []uint64:
		return slices.Clone(s)
	case []float64:
		return slices.Clone(s)
	case []bool:
		return slices.Clone(s)
	case []string:
		return slices.Clone(s)
	case []Ref:
		return slices.Clone(s)
	}
	return v
}

// prefetch gets from b, in one batch, the answers to the queries that the
// cache does not hold, and keeps them.
func (c *cache) prefetch(qs []Query, b batcher) {
	var asks []ask
	for _, q := range qs {
		a := ask{q: q}
		a.q.Path = clean(q.Path)
		p := a.q.Path
		switch {
		case q.Attr != "":
			if _, ok := c.lookAttr(p, q.Attr); ok {
				continue
			}
		case q.Dataset:
			if _, ok := c.lookSet(p); ok {
				continue
			}
		default:
			_, ok, siblings, _ := c.lookStat(p)
			if ok {
				continue
			}
			a.siblings = siblings
		}
		asks = append(asks, a)
	}
	if len(asks) == 0 {
		return
	}
	for _, r := range b.batch(asks) {
		q := r.ask.q
		switch {
		case q.Attr != "":
			c.putAttr(q.Path, q.Attr, r.value, r.err)
		case q.Dataset:
			if r.err == nil {
				c.putSet(q.Path, setEntry{r.stat.Info, r.stat.Layout})
			}
		default:
			c.putStat(q.Path, r.ask.siblings, r.stat, r.err)
		}
	}
}
