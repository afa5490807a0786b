package logical

// Values is a constant relation: Rows of expressions that refer to no
// input row (literals, and calls and casts of them).
// INVARIANT: every row has one expression per field, of the field's type
// nullability aside.
type Values struct {
	Fields Schema
	Rows   [][]Expr
}

// Schema returns the fields.
func (v *Values) Schema() Schema { return v.Fields }

// Inputs returns nil.
func (v *Values) Inputs() []Node { return nil }
