package normalize

import (
	"strings"

	"github.com/substrait-io/substrait-go/v8/extensions"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
)

// lowerIdentifiers lower-cases table names, read and written: Isthmus
// upper-cases unquoted SQL identifiers (LINEITEM) where catalogs and other
// producers use lower case.
// Column names are left alone (the RelRoot names are what the user sees);
// the scan matches file columns case-insensitively instead.
func lowerIdentifiers(p *substraitpb.Plan, _ *extensions.Collection) error {
	forEachRel(p, func(r *substraitpb.Rel) {
		if nt := r.GetRead().GetNamedTable(); nt != nil {
			for i, n := range nt.Names {
				nt.Names[i] = strings.ToLower(n)
			}
		}
		if nt := r.GetWrite().GetNamedTable(); nt != nil {
			for i, n := range nt.Names {
				nt.Names[i] = strings.ToLower(n)
			}
		}
	})
	return nil
}
