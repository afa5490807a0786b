package sql

import (
	"context"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"
)

// write runs a write statement of a Session (write.go): COPY TO, CREATE
// TABLE AS and INSERT return the plan of their WriteRel, whose result is
// the row count; CREATE TABLE name (columns) and INSERT into an in-memory
// table return an Apply that changes the session.
func (s *Session) write(ctx context.Context, n *pg.Node) (*Result, error) {
	b := &binder{ctx: ctx, cat: s, fns: s.fns}
	w, _, err := b.writeStmt(n)
	if err != nil {
		return nil, err
	}
	r := &Result{Tag: writeTag(n), Apply: w.apply, Names: w.names}
	if w.node != nil {
		if r.Logical, r.Plan, err = Compile(w.node, w.names); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func writeTag(n *pg.Node) string {
	switch {
	case n.GetCopyStmt() != nil:
		return "COPY"
	case n.GetCreateTableAsStmt() != nil:
		return "CREATE TABLE AS"
	case n.GetInsertStmt() != nil:
		return "INSERT"
	}
	return "CREATE TABLE"
}

// MemTable returns the session's in-memory table of that name, or nil.
func (s *Session) MemTable(name string) *MemTable {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.mem[strings.ToLower(name)]
}

// AddMemTable registers an in-memory table; a name in use is an
// InvalidArgument error.
func (s *Session) AddMemTable(t *MemTable) error {
	return s.add(t.Name, func() { s.mem[t.Name] = t })
}
