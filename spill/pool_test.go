package spill

import (
	"errors"
	"testing"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

func TestPoolLimit(t *testing.T) {
	p := NewPool(100)
	a := p.NewReservation("a")
	b := p.NewReservation("b")
	if err := a.Grow(60); err != nil {
		t.Fatal(err)
	}
	err := b.Grow(50)
	if !errors.Is(err, ErrExhausted) {
		t.Fatalf("Grow over limit: got %v, want ErrExhausted", err)
	}
	if k := errkind.KindOf(err); k != errkind.ResourceExhausted {
		t.Fatalf("kind = %v, want ResourceExhausted", k)
	}
	if b.Size() != 0 || p.Used() != 60 {
		t.Fatalf("failed grow changed state: b=%d used=%d", b.Size(), p.Used())
	}
	a.Shrink(20)
	if err := b.Grow(50); err != nil {
		t.Fatalf("Grow after shrink: %v", err)
	}
	if err := a.Resize(10); err != nil {
		t.Fatal(err)
	}
	if p.Used() != 60 {
		t.Fatalf("used = %d, want 60", p.Used())
	}
	a.Free()
	b.Free()
	b.Free()
	if p.Used() != 0 {
		t.Fatalf("used after free = %d", p.Used())
	}
}

func TestPoolUnlimited(t *testing.T) {
	p := NewPool(0)
	r := p.NewReservation("r")
	if err := r.Grow(1 << 50); err != nil {
		t.Fatal(err)
	}
	if err := r.Grow(-1); err == nil {
		t.Fatal("negative grow accepted")
	}
	r.Free()
}

func TestPoolFairShare(t *testing.T) {
	p := NewPool(100)
	a := p.NewSpillableReservation("a")
	b := p.NewSpillableReservation("b")
	plain := p.NewReservation("plain")
	if err := plain.Grow(20); err != nil {
		t.Fatal(err)
	}
	// Two spillers share the 80 bytes plain does not hold.
	if err := a.Grow(41); !errors.Is(err, ErrExhausted) {
		t.Fatalf("grow past the fair share: %v", err)
	}
	if err := a.Grow(40); err != nil {
		t.Fatal(err)
	}
	if err := b.Grow(40); err != nil {
		t.Fatal(err)
	}
	if err := plain.Grow(1); !errors.Is(err, ErrExhausted) {
		t.Fatalf("grow past the limit: %v", err)
	}
	// Once b closes, a may have everything plain does not hold.
	b.Close()
	b.Close()
	if err := a.Grow(40); err != nil {
		t.Fatalf("grow after the other spiller closed: %v", err)
	}
	a.Close()
	plain.Free()
	if p.Used() != 0 {
		t.Fatalf("used = %d", p.Used())
	}
}

func TestPoolUsage(t *testing.T) {
	p := NewPool(100)
	var u Usage
	task := p.WithUsage(&u)
	other := p.NewReservation("other")
	if err := other.Grow(30); err != nil {
		t.Fatal(err)
	}
	a := task.NewReservation("a")
	b := task.NewSpillableReservation("b")
	if err := a.Grow(20); err != nil {
		t.Fatal(err)
	}
	if err := b.Grow(25); err != nil {
		t.Fatal(err)
	}
	a.Shrink(15)
	if err := b.Grow(5); err != nil {
		t.Fatal(err)
	}
	// The group shares the pool's budget.
	if err := a.Grow(100); !errors.Is(err, ErrExhausted) {
		t.Fatalf("grow past the limit through a usage view: %v", err)
	}
	if got, want := u.Used(), int64(35); got != want {
		t.Errorf("used = %d, want %d", got, want)
	}
	if got, want := u.Peak(), int64(45); got != want {
		t.Errorf("peak = %d, want %d", got, want)
	}
	if got, want := p.Used(), int64(65); got != want {
		t.Errorf("pool used = %d, want %d", got, want)
	}
	a.Close()
	b.Close()
	other.Free()
	if u.Used() != 0 || p.Used() != 0 || u.Peak() != 45 {
		t.Fatalf("after close: usage %d peak %d pool %d", u.Used(), u.Peak(), p.Used())
	}
}
