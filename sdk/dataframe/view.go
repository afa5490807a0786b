package dataframe

import (
	"strings"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// CreateView registers the DataFrame as a view of its Context named name
// (in lower case, as SQL folds unquoted names), so that the Context's SQL
// queries read it by name, as Table does: SQL and DataFrames mix both
// ways. A view of that name is replaced; a table of that name is an
// InvalidArgument error. The view is the DataFrame's plan as it is now:
// tables registered later do not change what it reads.
func (df *DataFrame) CreateView(name string) error {
	if err := df.Err(); err != nil {
		return err
	}
	c := df.ctx
	if c.err != nil {
		return c.err
	}
	name = strings.ToLower(name)
	if name == "" {
		return errkind.Errorf(errkind.InvalidArgument, "dataframe: view name is empty")
	}
	// Before the session has the view: a SQL query binding it from then on
	// must find its plan among the shared ones.
	c.mu.Lock()
	c.viewPlans[df.node] = true
	c.mu.Unlock()
	return c.session.RegisterView(name, df.node, df.Columns())
}
