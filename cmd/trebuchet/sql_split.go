package main

import (
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"
)

// statement is one SQL statement of the shell's input.
type statement struct {
	// text is the statement without its semicolon, trimmed.
	text string
	// line is the 1-based line of its input where text starts.
	line int
}

// splitter collects lines of input into statements. A statement ends at a
// semicolon outside strings, quoted identifiers, comments and
// dollar-quoted strings, as PostgreSQL's own scanner finds them, so
// "SELECT ';'" is one statement and a string may span lines.
type splitter struct {
	text string // input not yet returned as statements
	line int    // the line text starts on
}

// add appends a line (without its newline), the input's line number n, and
// returns the statements it completes.
func (s *splitter) add(line string, n int) []statement {
	if s.text == "" {
		s.line = n
	}
	s.text += line + "\n"
	scan, err := pg.Scan(s.text)
	if err != nil {
		if strings.HasPrefix(err.Error(), "unterminated") {
			return nil // a string or comment goes on on the next line
		}
		// The server will say what is wrong; a semicolon at the end of the
		// line is where the user meant the statement to end.
		if strings.HasSuffix(strings.TrimSpace(line), ";") {
			st, _ := s.flush()
			st.text = strings.TrimSuffix(st.text, ";")
			return []statement{st}
		}
		return nil
	}
	var out []statement
	start, code := 0, false // code: start..here holds more than comments
	for _, t := range scan.GetTokens() {
		switch t.GetToken() {
		case pg.Token_SQL_COMMENT, pg.Token_C_COMMENT:
		case pg.Token_ASCII_59:
			if code {
				out = append(out, s.statement(start, int(t.GetStart())))
			}
			start, code = int(t.GetEnd()), false
		default:
			code = true
		}
	}
	s.line += strings.Count(s.text[:start], "\n")
	s.text = s.text[start:]
	if strings.TrimSpace(s.text) == "" {
		s.text = ""
	}
	return out
}

// statement returns s.text[from:to] as a statement.
func (s *splitter) statement(from, to int) statement {
	piece := s.text[from:to]
	lead := len(piece) - len(strings.TrimLeft(piece, " \t\r\n"))
	return statement{
		text: strings.TrimSpace(piece),
		line: s.line + strings.Count(s.text[:from+lead], "\n"),
	}
}

// pending reports whether input is held that is more than blanks and
// comments: an unfinished statement.
func (s *splitter) pending() bool {
	if strings.TrimSpace(s.text) == "" {
		return false
	}
	scan, err := pg.Scan(s.text)
	if err != nil {
		return true
	}
	for _, t := range scan.GetTokens() {
		if t.GetToken() != pg.Token_SQL_COMMENT && t.GetToken() != pg.Token_C_COMMENT {
			return true
		}
	}
	return false
}

// flush returns the input held, at its end, as a last statement without a
// semicolon; false if there is none.
func (s *splitter) flush() (statement, bool) {
	defer func() { s.text = "" }()
	if !s.pending() {
		return statement{}, false
	}
	return s.statement(0, len(s.text)), true
}

// rest returns the input held, trimmed, if it is on one line.
func (s *splitter) rest() string {
	rest := strings.TrimSpace(s.text)
	if strings.Contains(rest, "\n") {
		return ""
	}
	return rest
}

// reset drops the input held.
func (s *splitter) reset() { s.text = "" }
