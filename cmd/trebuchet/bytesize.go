package main

import (
	"fmt"
	"strconv"
	"strings"
)

// byteSize is a flag holding a number of bytes, written with an optional
// unit: 1073741824, 1GiB, 512MiB, 64KiB, 2GB (powers of 1000), 100B.
type byteSize int64

var byteUnits = []struct {
	suffix string
	scale  int64
}{ // longest suffixes first, so "MiB" is not read as "B"
	{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"tib", 1 << 40},
	{"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9}, {"tb", 1e12},
	{"b", 1},
}

func (b *byteSize) String() string { return strconv.FormatInt(int64(*b), 10) }

func (b *byteSize) Set(s string) error {
	text := strings.ToLower(strings.TrimSpace(s))
	scale := int64(1)
	for _, u := range byteUnits {
		if strings.HasSuffix(text, u.suffix) {
			text, scale = strings.TrimSpace(strings.TrimSuffix(text, u.suffix)), u.scale
			break
		}
	}
	n, err := strconv.ParseFloat(text, 64)
	if err != nil || n < 0 {
		return fmt.Errorf("%q is not a size (want e.g. 1073741824, 512MiB or 2GB)", s)
	}
	*b = byteSize(n * float64(scale))
	return nil
}
