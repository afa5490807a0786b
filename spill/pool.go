package spill

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// ErrExhausted is wrapped by the error Reservation.Grow returns when the pool
// cannot grant the request.
var ErrExhausted = errors.New("memory pool exhausted")

// Pool is a budget of bytes shared by reservations.
type Pool interface {
	// NewReservation returns an empty reservation; owner names the operator
	// holding it in error messages.
	NewReservation(owner string) *Reservation
	// NewSpillableReservation returns an empty reservation for an operator
	// that spills when refused. Such a reservation is refused beyond its
	// fair share: what the other reservations do not hold, divided by the
	// number of open spillable reservations, so one operator's buffer
	// cannot starve the others into failing (DataFusion's FairSpillPool).
	// Close it when done.
	NewSpillableReservation(owner string) *Reservation
	// Used reports the bytes currently reserved.
	Used() int64
	// Limit reports the budget, or 0 for none.
	Limit() int64
	// WithUsage returns a view of the pool whose reservations are also
	// counted in u: the same budget, one group's (a task's) share of it.
	WithUsage(u *Usage) Pool
}

// Usage counts the bytes a group of reservations holds and the most it held
// at once. It is safe for concurrent use; the zero Usage is ready.
type Usage struct {
	used, peak atomic.Int64
}

// Used reports the bytes the group holds.
func (u *Usage) Used() int64 { return u.used.Load() }

// Peak reports the most bytes the group held at once.
func (u *Usage) Peak() int64 { return u.peak.Load() }

func (u *Usage) add(n int64) {
	v := u.used.Add(n)
	for p := u.peak.Load(); v > p && !u.peak.CompareAndSwap(p, v); p = u.peak.Load() {
	}
}

// NewPool returns a pool that grants up to limit bytes in total; 0 means no
// limit (usage is still tracked).
func NewPool(limit int64) Pool {
	return &pool{limit: limit}
}

// usagePool is a pool whose reservations also count in a Usage.
type usagePool struct {
	*pool
	usage *Usage
}

func (p usagePool) NewReservation(owner string) *Reservation {
	r := p.pool.NewReservation(owner)
	r.usage = p.usage
	return r
}

func (p usagePool) NewSpillableReservation(owner string) *Reservation {
	r := p.pool.NewSpillableReservation(owner)
	r.usage = p.usage
	return r
}

func (p *pool) WithUsage(u *Usage) Pool { return usagePool{pool: p, usage: u} }

type pool struct {
	mu    sync.Mutex
	limit int64
	used  int64
	// spillable is the bytes held by spillable reservations; spillers
	// counts the open ones.
	spillable int64
	spillers  int64
}

func (p *pool) NewReservation(owner string) *Reservation {
	return &Reservation{pool: p, owner: owner}
}

func (p *pool) NewSpillableReservation(owner string) *Reservation {
	p.mu.Lock()
	p.spillers++
	p.mu.Unlock()
	return &Reservation{pool: p, owner: owner, spillable: true}
}

func (p *pool) Used() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.used
}

func (p *pool) Limit() int64 { return p.limit }

func (p *pool) grow(r *Reservation, n int64) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.limit > 0 && p.used+n > p.limit {
		return errkind.Errorf(errkind.ResourceExhausted,
			"%s: cannot reserve %d more bytes (%d of %d in use): %w", r.owner, n, p.used, p.limit, ErrExhausted)
	}
	if r.spillable && p.limit > 0 && p.spillers > 0 {
		share := (p.limit - (p.used - p.spillable)) / p.spillers
		if r.size+n > share {
			return errkind.Errorf(errkind.ResourceExhausted,
				"%s: cannot reserve %d more bytes beyond its fair share of %d (%d spilling operators; %d of %d in use): %w",
				r.owner, n, share, p.spillers, p.used, p.limit, ErrExhausted)
		}
	}
	p.used += n
	if r.spillable {
		p.spillable += n
	}
	if r.usage != nil {
		r.usage.add(n)
	}
	return nil
}

func (p *pool) shrink(r *Reservation, n int64) {
	p.mu.Lock()
	p.used -= n
	if r.spillable {
		p.spillable -= n
	}
	p.mu.Unlock()
	if r.usage != nil {
		r.usage.add(-n)
	}
}

func (p *pool) close(r *Reservation) {
	p.mu.Lock()
	p.spillers--
	p.mu.Unlock()
}

// Reservation is one consumer's share of a pool. A Reservation is used by one
// goroutine at a time.
type Reservation struct {
	pool      *pool
	owner     string
	size      int64
	spillable bool
	closed    bool
	usage     *Usage // nil if not counted in a group
}

// Size reports the bytes currently held.
func (r *Reservation) Size() int64 { return r.size }

// Grow reserves n more bytes, or fails with an error wrapping ErrExhausted
// and leaves the reservation unchanged.
func (r *Reservation) Grow(n int64) error {
	if n < 0 {
		return errkind.Errorf(errkind.Internal, "%s: negative grow %d", r.owner, n)
	}
	if err := r.pool.grow(r, n); err != nil {
		return err
	}
	r.size += n
	return nil
}

// Resize grows or shrinks the reservation to exactly n bytes.
func (r *Reservation) Resize(n int64) error {
	switch {
	case n > r.size:
		return r.Grow(n - r.size)
	case n < r.size:
		r.Shrink(r.size - n)
	}
	return nil
}

// Shrink returns n bytes to the pool; it shrinks to zero at most.
func (r *Reservation) Shrink(n int64) {
	if n > r.size {
		n = r.size
	}
	if n <= 0 {
		return
	}
	r.size -= n
	r.pool.shrink(r, n)
}

// Free returns everything held to the pool. It is safe to call more than
// once.
func (r *Reservation) Free() {
	r.Shrink(r.size)
}

// Close frees the reservation and, for a spillable one, leaves the pool's
// fair sharing. It is safe to call more than once.
func (r *Reservation) Close() {
	r.Free()
	if r.spillable && !r.closed {
		r.pool.close(r)
	}
	r.closed = true
}

// String names the owner and size, for debugging.
func (r *Reservation) String() string {
	return fmt.Sprintf("%s: %d bytes", r.owner, r.size)
}
