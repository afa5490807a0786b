package sql

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

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
	text, err := blankLeadingFieldPrecision(text)
	if err != nil {
		return nil, err
	}
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

// intervalLeadingFields are the fields that may start an interval
// qualifier and take a leading field precision.
var intervalLeadingFields = map[pg.Token]bool{
	pg.Token_YEAR_P: true, pg.Token_MONTH_P: true, pg.Token_DAY_P: true,
	pg.Token_HOUR_P: true, pg.Token_MINUTE_P: true,
}

// blankLeadingFieldPrecision accepts the SQL standard's interval leading
// field precision, the (3) of INTERVAL '90' DAY (3) that TPC-H's text uses
// and PostgreSQL's grammar lacks. With the PostgreSQL scanner's tokens (so
// string literals and comments are left alone) it checks that the
// literal's leading field has at most that many digits and blanks the
// precision out with spaces, keeping every position for error messages.
// Text the scanner rejects is returned as is, for Parse to report.
func blankLeadingFieldPrecision(text string) (string, error) {
	if !strings.Contains(strings.ToLower(text), "interval") {
		return text, nil
	}
	scan, err := pg.Scan(text)
	if err != nil {
		return text, nil
	}
	toks := scan.GetTokens()
	var out []byte
	for i := 0; i+5 < len(toks); i++ {
		t := toks[i : i+6]
		if t[0].GetToken() != pg.Token_INTERVAL || t[1].GetToken() != pg.Token_SCONST ||
			!intervalLeadingFields[t[2].GetToken()] || t[3].GetToken() != pg.Token_ASCII_40 ||
			t[4].GetToken() != pg.Token_ICONST || t[5].GetToken() != pg.Token_ASCII_41 {
			continue
		}
		prec, err := strconv.Atoi(text[t[4].GetStart():t[4].GetEnd()])
		if err != nil || prec < 1 {
			return "", syntaxError(text, "interval leading field precision must be a positive integer", int(t[4].GetStart())+1)
		}
		lit := strings.Trim(text[t[1].GetStart():t[1].GetEnd()], "'")
		lead := strings.TrimLeft(strings.TrimSpace(lit), "+-")
		digits := len(lead) - len(strings.TrimLeft(lead, "0123456789"))
		if digits > prec {
			return "", syntaxError(text, fmt.Sprintf("interval field value out of range: %q has more than %d digits in its leading field", lit, prec), int(t[1].GetStart())+1)
		}
		if out == nil {
			out = []byte(text)
		}
		for j := t[3].GetStart(); j < t[5].GetEnd(); j++ {
			out[j] = ' '
		}
		i += 5
	}
	if out == nil {
		return text, nil
	}
	return string(out), nil
}
