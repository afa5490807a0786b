package sql

import (
	"errors"
	"fmt"

	pg "github.com/pganalyze/pg_query_go/v6"
	"github.com/pganalyze/pg_query_go/v6/parser"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// SyntaxError is a statement the PostgreSQL parser rejected.
type SyntaxError struct {
	// Message is the parser's message ("syntax error at or near \"FORM\"").
	Message string
	// Pos is the 1-based byte offset in the text where the parser stopped,
	// 0 if unknown.
	Pos int
	// Line and Column are Pos as a 1-based line and column.
	Line, Column int
}

func (e *SyntaxError) Error() string {
	if e.Pos == 0 {
		return e.Message
	}
	return fmt.Sprintf("%s at line %d, column %d (position %d)", e.Message, e.Line, e.Column, e.Pos)
}

// Parse parses one or more SQL statements with the PostgreSQL parser. A
// syntax error is an errkind.InvalidArgument wrapping a *SyntaxError.
func Parse(text string) ([]*pg.RawStmt, error) {
	tree, err := pg.Parse(text)
	if err != nil {
		var pe *parser.Error
		if errors.As(err, &pe) {
			return nil, syntaxError(text, pe.Message, pe.Cursorpos)
		}
		return nil, errkind.Errorf(errkind.InvalidArgument, "sql: %w", err)
	}
	return tree.GetStmts(), nil
}

// syntaxError is an InvalidArgument error wrapping a *SyntaxError at the
// 1-based byte offset pos of text (0 if unknown).
func syntaxError(text, msg string, pos int) error {
	se := &SyntaxError{Message: msg, Pos: pos}
	if se.Pos > 0 {
		se.Line, se.Column = 1, 1
		for i := 0; i < se.Pos-1 && i < len(text); i++ {
			if text[i] == '\n' {
				se.Line++
				se.Column = 1
			} else {
				se.Column++
			}
		}
	}
	return errkind.Errorf(errkind.InvalidArgument, "sql: %w", se)
}
