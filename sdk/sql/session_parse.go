package sql

import (
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"
)

// Statements the PostgreSQL grammar lacks.
//
// A session accepts two statements PostgreSQL does not have:
//
//	CREATE EXTERNAL TABLE [IF NOT EXISTS] name [(column type, …)]
//	    STORED AS PARQUET|CSV|ARROW LOCATION 'path' [OPTIONS (key 'value', …)]
//	DESCRIBE name
//
// They are recognised on PostgreSQL's own tokens (pg_query's scanner, so
// strings, quoted identifiers and comments are never mistaken for
// keywords), and the parser still does the grammar: for CREATE EXTERNAL
// TABLE the statement handed to it is the text with EXTERNAL and the
// trailing STORED AS … clause overwritten by spaces (and "()" where a
// column list is missing), which is CREATE TABLE name (columns) with every
// character at its original offset. So the parser checks the name and
// column definitions, and its error positions point into the user's text.
// The trailing clause is read from the tokens; its errors carry their
// token's position too. DESCRIBE takes only a name, read from the tokens.
//
// Each statement is parsed on its own, padded with spaces (newlines kept)
// up to its offset, so positions and line numbers are those of the whole
// text: statements are split at the scanner's top-level semicolons.

// statement is one statement of a session's input.
type statement struct {
	// text is the statement as written, without the semicolon.
	text string
	// raw is the parsed statement; nil for DESCRIBE.
	raw *pg.RawStmt
	// external is the STORED AS clause of CREATE EXTERNAL TABLE (raw is
	// then its CREATE TABLE).
	external *externalClause
	// describe names the relation of DESCRIBE.
	describe string
}

// externalClause is the part of CREATE EXTERNAL TABLE after the columns.
type externalClause struct {
	format   string // lower case: "parquet", "csv", "arrow"
	location string
	options  map[string]string // keys lower case
	optOrder []string          // keys as written, for messages
}

// parseStatements splits text into statements and parses each.
func parseStatements(text string) ([]*statement, error) {
	scan, err := pg.Scan(text)
	if err != nil {
		// The parser reports where the scanner failed.
		if _, perr := Parse(text); perr != nil {
			return nil, perr
		}
		return nil, syntaxError(text, err.Error(), 0)
	}
	var out []*statement
	var toks []*pg.ScanToken
	start := 0
	flush := func(end int) error {
		defer func() { toks = nil }()
		if len(toks) == 0 {
			return nil
		}
		st, err := parseStatement(text, start, end, toks)
		if err != nil {
			return err
		}
		if st != nil {
			out = append(out, st)
		}
		return nil
	}
	for _, t := range scan.GetTokens() {
		switch t.GetToken() {
		case pg.Token_SQL_COMMENT, pg.Token_C_COMMENT:
			continue
		case pg.Token_ASCII_59: // ;
			if err := flush(int(t.GetStart())); err != nil {
				return nil, err
			}
			start = int(t.GetEnd())
			continue
		}
		toks = append(toks, t)
	}
	if err := flush(len(text)); err != nil {
		return nil, err
	}
	return out, nil
}

// parseStatement parses text[start:end], whose tokens are toks.
func parseStatement(text string, start, end int, toks []*pg.ScanToken) (*statement, error) {
	tok := func(i int) string { return text[toks[i].GetStart():toks[i].GetEnd()] }
	st := &statement{text: strings.TrimSpace(text[start:end])}
	// buf is the statement at its offset in a text of spaces.
	buf := []byte(text[:end])
	for i := 0; i < start; i++ {
		if buf[i] != '\n' {
			buf[i] = ' '
		}
	}
	blank := func(from, to int) {
		for i := from; i < to; i++ {
			if buf[i] != '\n' {
				buf[i] = ' '
			}
		}
	}
	switch {
	case len(toks) >= 1 && (strings.EqualFold(tok(0), "describe") || toks[0].GetToken() == pg.Token_DESC):
		switch {
		case len(toks) == 1:
			return nil, syntaxError(text, "syntax error: DESCRIBE needs a table or view name", end+1)
		case toks[1].GetToken() != pg.Token_IDENT && toks[1].GetKeywordKind() != pg.KeywordKind_UNRESERVED_KEYWORD:
			return nil, syntaxError(text, "syntax error: expected a table or view name", int(toks[1].GetStart())+1)
		case len(toks) > 2:
			return nil, syntaxError(text, "syntax error: DESCRIBE takes one name", int(toks[2].GetStart())+1)
		}
		st.describe = identifier(tok(1))
		return st, nil
	case len(toks) >= 3 && toks[0].GetToken() == pg.Token_CREATE && toks[1].GetToken() == pg.Token_EXTERNAL && toks[2].GetToken() == pg.Token_TABLE:
		blank(int(toks[1].GetStart()), int(toks[1].GetEnd()))
		depth, stored, hasColumns := 0, -1, false
		for i := 3; i < len(toks) && stored < 0; i++ {
			switch toks[i].GetToken() {
			case pg.Token_ASCII_40:
				if depth == 0 {
					hasColumns = true
				}
				depth++
			case pg.Token_ASCII_41:
				depth--
			case pg.Token_STORED:
				if depth == 0 {
					stored = i
				}
			}
		}
		if stored < 0 {
			return nil, syntaxError(text, "CREATE EXTERNAL TABLE needs STORED AS <format> LOCATION '<path>'", end+1)
		}
		ext, err := externalTail(text, toks[stored:], end)
		if err != nil {
			return nil, err
		}
		st.external = ext
		from := int(toks[stored].GetStart())
		blank(from, end)
		if !hasColumns {
			buf[from], buf[from+1] = '(', ')'
		}
	}
	stmts, err := Parse(string(buf))
	if err != nil {
		return nil, err
	}
	switch len(stmts) {
	case 0:
		return nil, nil // only comments
	case 1:
		st.raw = stmts[0]
		return st, nil
	}
	return nil, syntaxError(text, "one statement expected", start+1)
}

// externalTail reads STORED AS format LOCATION 'path' [OPTIONS (k 'v', …)]
// from its tokens; end is the statement's end offset.
func externalTail(text string, toks []*pg.ScanToken, end int) (*externalClause, error) {
	i := 0
	tokText := func(t *pg.ScanToken) string { return text[t.GetStart():t.GetEnd()] }
	fail := func(msg string) error {
		pos := end + 1
		if i < len(toks) {
			pos = int(toks[i].GetStart()) + 1
		}
		return syntaxError(text, msg, pos)
	}
	expect := func(tk pg.Token, what string) error {
		if i >= len(toks) || toks[i].GetToken() != tk {
			return fail("syntax error: expected " + what)
		}
		i++
		return nil
	}
	word := func() (string, bool) {
		if i >= len(toks) {
			return "", false
		}
		t := toks[i]
		if t.GetToken() != pg.Token_IDENT && t.GetKeywordKind() == pg.KeywordKind_NO_KEYWORD {
			return "", false
		}
		i++
		return identifier(tokText(t)), true
	}
	str := func() (string, bool) {
		if i >= len(toks) || toks[i].GetToken() != pg.Token_SCONST {
			return "", false
		}
		i++
		return stringConst(tokText(toks[i-1])), true
	}
	ext := &externalClause{options: map[string]string{}}
	i++ // STORED
	if err := expect(pg.Token_AS, "AS after STORED"); err != nil {
		return nil, err
	}
	f, ok := word()
	if !ok {
		return nil, fail("syntax error: expected a file format (PARQUET, CSV or ARROW) after STORED AS")
	}
	ext.format = f
	if err := expect(pg.Token_LOCATION, "LOCATION"); err != nil {
		return nil, err
	}
	if ext.location, ok = str(); !ok {
		return nil, fail("syntax error: expected a string constant after LOCATION")
	}
	if i < len(toks) {
		if err := expect(pg.Token_OPTIONS, "OPTIONS or the end of the statement"); err != nil {
			return nil, err
		}
		if err := expect(pg.Token_ASCII_40, "( after OPTIONS"); err != nil {
			return nil, err
		}
		for {
			k, ok := str()
			if !ok {
				if k, ok = word(); !ok {
					return nil, fail("syntax error: expected an option name")
				}
			}
			var v string
			if v, ok = str(); !ok {
				if i < len(toks) && (toks[i].GetToken() == pg.Token_ICONST || toks[i].GetToken() == pg.Token_TRUE_P || toks[i].GetToken() == pg.Token_FALSE_P) {
					v = strings.ToLower(tokText(toks[i]))
					i++
				} else {
					return nil, fail("syntax error: expected a value for option " + k)
				}
			}
			key := strings.ToLower(k)
			if _, dup := ext.options[key]; dup {
				i--
				return nil, fail("option " + k + " given twice")
			}
			ext.options[key] = v
			ext.optOrder = append(ext.optOrder, k)
			if i < len(toks) && toks[i].GetToken() == pg.Token_ASCII_44 { // ,
				i++
				continue
			}
			break
		}
		if err := expect(pg.Token_ASCII_41, ") after the options"); err != nil {
			return nil, err
		}
	}
	if i < len(toks) {
		return nil, fail("syntax error: unexpected text after CREATE EXTERNAL TABLE")
	}
	return ext, nil
}

// identifier is a name token's name: quoted ("Name") as written, else
// folded to lower case as PostgreSQL does.
func identifier(tok string) string {
	if len(tok) >= 2 && tok[0] == '"' && tok[len(tok)-1] == '"' {
		return strings.ReplaceAll(tok[1:len(tok)-1], `""`, `"`)
	}
	return strings.ToLower(tok)
}

// stringConst is the value of a string constant token ('it”s').
func stringConst(tok string) string {
	if len(tok) >= 2 && tok[0] == '\'' && tok[len(tok)-1] == '\'' {
		return strings.ReplaceAll(tok[1:len(tok)-1], "''", "'")
	}
	return tok
}
