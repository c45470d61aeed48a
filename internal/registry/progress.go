package registry

import (
	"io"
	"sync"
	"time"
)

// Event is one progress report, in the vocabulary of Docker's JSON
// message stream: ID is a layer's short digest ("" for lines about the
// whole image), Status the phase ("Downloading", "Pushed", ...), Current
// and Total the bytes when the phase moves data.
type Event struct {
	ID      string
	Status  string
	Current int64
	Total   int64
}

// Progress receives events; it may be called from several goroutines and
// must not block for long.
type Progress func(Event)

func (p Progress) send(id, status string) {
	if p != nil {
		p(Event{ID: id, Status: status})
	}
}

// progressInterval limits byte-count events per blob: a client redraws on
// each one.
const progressInterval = 100 * time.Millisecond

// countingReader reports bytes read through p, at most once per
// progressInterval and once at the end.
type countingReader struct {
	r      io.Reader
	p      Progress
	id     string
	status string
	total  int64

	mu   sync.Mutex
	n    int64
	last time.Time
}

func newCountingReader(r io.Reader, p Progress, id, status string, total int64) *countingReader {
	return &countingReader{r: r, p: p, id: id, status: status, total: total}
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.mu.Lock()
	c.n += int64(n)
	now := time.Now()
	report := c.p != nil && (now.Sub(c.last) >= progressInterval || (err == io.EOF && c.n > 0))
	if report {
		c.last = now
	}
	cur := c.n
	c.mu.Unlock()
	if report {
		c.p(Event{ID: c.id, Status: c.status, Current: cur, Total: c.total})
	}
	return n, err
}

// shortID is how Docker names a layer in progress output.
func shortID(d interface{ Encoded() string }) string {
	e := d.Encoded()
	if len(e) > 12 {
		return e[:12]
	}
	return e
}
