package hive

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/scalar"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// DefaultPartition is the directory value of a null partition key.
const DefaultPartition = "__HIVE_DEFAULT_PARTITION__"

// TempPrefix starts the name of the hidden directory a write in progress
// keeps its files in.
const TempPrefix = ".trebuchet-tmp-"

// Hidden reports whether a file or directory name is hidden from readers.
func Hidden(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")
}

// needsEscape reports whether Hive escapes byte c in a partition value.
func needsEscape(c byte) bool {
	if c < 0x20 || c == 0x7f {
		return true
	}
	return strings.IndexByte("\"#%'*/:=?\\[]^{}", c) >= 0
}

// Escape returns v as a path segment value.
func Escape(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if c := v[i]; needsEscape(c) {
			fmt.Fprintf(&b, "%%%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Unescape reverses Escape; a '%' not followed by two hex digits stays.
func Unescape(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
				b.WriteByte(byte(n))
				i += 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// Segment returns the directory name of one partition key's value; null
// is DefaultPartition.
func Segment(key string, value string, null bool) string {
	if null {
		return key + "=" + DefaultPartition
	}
	return key + "=" + Escape(value)
}

// File is one data file of a directory table.
type File struct {
	Path string
	// Values are the file's partition values, one per Listing.Keys; nil
	// is null.
	Values []*string
}

// Listing is the data files of a directory table and its partition keys.
type Listing struct {
	Keys  []string
	Files []File // in lexical path order
}

// Paths returns the files' paths.
func (l *Listing) Paths() []string {
	out := make([]string, len(l.Files))
	for i, f := range l.Files {
		out[i] = f.Path
	}
	return out
}

// List returns the visible files under dir and their partition values. A
// missing dir is a NotFound error; files at different depths or under
// different keys, or a subdirectory that is not key=value, are
// InvalidArgument errors naming the path.
func List(dir string) (*Listing, error) {
	st, err := os.Stat(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, errkind.Errorf(errkind.NotFound, "directory table: %w", err)
		}
		return nil, errkind.Errorf(errkind.Execution, "directory table: %w", err)
	}
	if !st.IsDir() {
		return nil, errkind.Errorf(errkind.InvalidArgument, "directory table: %s is not a directory", dir)
	}
	l := &Listing{}
	first := true
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if path == dir {
			return nil
		}
		if Hidden(d.Name()) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() || !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		parts := strings.Split(filepath.ToSlash(rel), "/")
		parts = parts[:len(parts)-1]
		keys := make([]string, len(parts))
		values := make([]*string, len(parts))
		for i, p := range parts {
			k, v, ok := strings.Cut(p, "=")
			if !ok || k == "" {
				return errkind.Errorf(errkind.InvalidArgument,
					"directory table %s: %s: directory %q is not a hive partition (key=value)", dir, rel, p)
			}
			keys[i] = Unescape(k)
			if v != DefaultPartition {
				v = Unescape(v)
				values[i] = &v
			}
		}
		if first {
			l.Keys, first = keys, false
		} else if !slices.Equal(keys, l.Keys) {
			return errkind.Errorf(errkind.InvalidArgument,
				"directory table %s: %s is partitioned by %v, other files by %v", dir, rel, keys, l.Keys)
		}
		l.Files = append(l.Files, File{Path: path, Values: values})
		return nil
	})
	if err != nil {
		var kerr *errkind.Error
		if errors.As(err, &kerr) {
			return nil, err
		}
		return nil, errkind.Errorf(errkind.Execution, "directory table %s: %w", dir, err)
	}
	return l, nil
}

// Column returns the values of partition key k, one per file.
func (l *Listing) Column(k int) []*string {
	out := make([]*string, len(l.Files))
	for i, f := range l.Files {
		out[i] = f.Values[k]
	}
	return out
}

// InferType returns the narrowest of int64, float64, date32 and string
// that every non-null value parses as (string when all are null).
func InferType(values []*string) arrow.DataType {
	var ti TypeInference
	for _, v := range values {
		if v != nil {
			ti.Add(*v)
		}
	}
	return ti.Type()
}

// TypeInference finds the narrowest type that every value of a column of
// text (a partition key, a CSV column) parses as: int64, float64, date32
// (YYYY-MM-DD), boolean if Booleans is set, else string. Add the non-null
// values, then ask Type. The zero value infers without booleans.
type TypeInference struct {
	// Booleans lets the column be boolean (true/false, t/f, 1/0).
	Booleans bool

	seen                               bool
	notInt, notFloat, notDate, notBool bool
}

// Add accounts for one non-null value.
func (ti *TypeInference) Add(v string) {
	ti.seen = true
	if !ti.notInt {
		_, err := strconv.ParseInt(v, 10, 64)
		ti.notInt = err != nil
	}
	if !ti.notFloat {
		f, err := strconv.ParseFloat(v, 64)
		ti.notFloat = err != nil || math.IsInf(f, 0) || math.IsNaN(f)
	}
	if !ti.notDate {
		_, err := time.Parse(time.DateOnly, v)
		ti.notDate = err != nil
	}
	if !ti.notBool {
		_, err := strconv.ParseBool(v)
		ti.notBool = !ti.Booleans || err != nil
	}
}

// Type returns the narrowest type of the values added; string if none
// were.
func (ti *TypeInference) Type() arrow.DataType {
	switch {
	case !ti.seen:
		return arrow.BinaryTypes.String
	case !ti.notInt:
		return arrow.PrimitiveTypes.Int64
	case !ti.notFloat:
		return arrow.PrimitiveTypes.Float64
	case !ti.notDate:
		return arrow.FixedWidthTypes.Date32
	case !ti.notBool:
		return arrow.FixedWidthTypes.Boolean
	}
	return arrow.BinaryTypes.String
}

// Value parses a partition value (nil: null) as type dt. A value that does
// not parse is an InvalidArgument error.
func Value(v *string, dt arrow.DataType) (scalar.Scalar, error) {
	if v == nil {
		return scalar.MakeNullScalar(dt), nil
	}
	s := *v
	bad := func(err error) (scalar.Scalar, error) {
		return nil, errkind.Errorf(errkind.InvalidArgument, "partition value %q is not a %s: %v", s, dt, err)
	}
	switch dt.ID() {
	case arrow.STRING:
		return scalar.NewStringScalar(s), nil
	case arrow.LARGE_STRING:
		return scalar.NewLargeStringScalar(s), nil
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64:
		width := dt.(arrow.FixedWidthDataType).BitWidth()
		n, err := strconv.ParseInt(s, 10, width)
		if err != nil {
			return bad(err)
		}
		return scalar.MakeIntegerScalar(n, width)
	case arrow.FLOAT32:
		f, err := strconv.ParseFloat(s, 32)
		if err != nil {
			return bad(err)
		}
		return scalar.NewFloat32Scalar(float32(f)), nil
	case arrow.FLOAT64:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return bad(err)
		}
		return scalar.NewFloat64Scalar(f), nil
	case arrow.BOOL:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return bad(err)
		}
		return scalar.NewBooleanScalar(b), nil
	case arrow.DATE32:
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return bad(err)
		}
		return scalar.NewDate32Scalar(arrow.Date32FromTime(t)), nil
	case arrow.DECIMAL128:
		d := dt.(*arrow.Decimal128Type)
		n, err := decimal128.FromString(s, d.Precision, d.Scale)
		if err != nil {
			return bad(err)
		}
		return scalar.NewDecimal128Scalar(n, d), nil
	case arrow.TIMESTAMP:
		ts := dt.(*arrow.TimestampType)
		t, _, err := arrow.TimestampFromStringInLocation(s, ts.Unit, time.UTC)
		if err != nil {
			return bad(err)
		}
		return scalar.NewTimestampScalar(t, ts), nil
	}
	return nil, errkind.Errorf(errkind.Unimplemented, "partition column of type %s", dt)
}
