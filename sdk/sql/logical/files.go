package logical

import (
	"net/url"
	"path/filepath"

	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
)

// FileFormat is the format of the files a Scan reads.
type FileFormat string

const (
	// FormatParquet is Apache Parquet.
	FormatParquet FileFormat = "parquet"
	// FormatCSV is delimiter-separated text.
	FormatCSV FileFormat = "csv"
)

// Files are the files a Scan reads, all of one format.
// INVARIANT: Paths are absolute, so any process on the machine can read
// them.
type Files struct {
	Format FileFormat
	Paths  []string
	// CSV says how to read FormatCSV files; their columns are the scan's
	// fields, in order.
	CSV CSVFormat
}

// CSVFormat describes delimiter-separated text.
type CSVFormat struct {
	// Delimiter separates fields; 0 means a comma.
	Delimiter rune
	// SkipLines are lines (a header) to skip at the start of each file.
	SkipLines int
	// NullValue, when set, is the field text read as null; otherwise an
	// empty field is null.
	NullValue *string
}

func (f *Files) toSubstrait() *substraitpb.ReadRel_LocalFiles {
	lf := &substraitpb.ReadRel_LocalFiles{}
	for _, p := range f.Paths {
		item := &substraitpb.ReadRel_LocalFiles_FileOrFiles{
			PathType: &substraitpb.ReadRel_LocalFiles_FileOrFiles_UriFile{UriFile: fileURI(p)},
		}
		switch f.Format {
		case FormatParquet:
			item.FileFormat = &substraitpb.ReadRel_LocalFiles_FileOrFiles_Parquet{Parquet: &substraitpb.ReadRel_LocalFiles_FileOrFiles_ParquetReadOptions{}}
		case FormatCSV:
			delim := f.CSV.Delimiter
			if delim == 0 {
				delim = ','
			}
			item.FileFormat = &substraitpb.ReadRel_LocalFiles_FileOrFiles_Text{Text: &substraitpb.ReadRel_LocalFiles_FileOrFiles_DelimiterSeparatedTextReadOptions{
				FieldDelimiter:     string(delim),
				Quote:              `"`,
				Escape:             `"`,
				HeaderLinesToSkip:  uint64(f.CSV.SkipLines),
				ValueTreatedAsNull: f.CSV.NullValue,
			}}
		}
		lf.Items = append(lf.Items, item)
	}
	return lf
}

// fileURI is the file: URI of an absolute path.
func fileURI(p string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(p)}).String()
}
