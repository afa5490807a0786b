package op

import (
	"bufio"
	"math"
	"os"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/csv"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// encoder writes batches to one file in its format.
type encoder interface {
	// room is how many more rows write may take before a flush is due:
	// a Parquet row group's; unbounded for streaming formats.
	room() int64
	// write appends at most room() rows; they may stay buffered (in a
	// Parquet row group) until a flush.
	write(b arrow.RecordBatch) error
	// flush writes the buffered rows to the file.
	flush() error
	// close writes what is buffered and the file's trailer; the caller
	// closes the file.
	close() error
}

// writeBufferSize is the buffer between an encoder and its file.
const writeBufferSize = 256 << 10

func (pw *partWriter) newEncoder(f *os.File) (encoder, error) {
	bw := bufio.NewWriterSize(f, writeBufferSize)
	sink := pw.w.Sink
	if sink.Format == FormatCSV {
		comma := sink.CSVDelimiter
		if comma == 0 {
			comma = ','
		}
		w := csv.NewWriter(bw, pw.dataS, csv.WithComma(comma), csv.WithHeader(!sink.CSVNoHeader), csv.WithNullWriter(""))
		return &csvEncoder{w: w, bw: bw}, nil
	}
	rows := sink.RowGroupRows
	if rows <= 0 {
		rows = DefaultRowGroupRows
	}
	props := parquet.NewWriterProperties(
		parquet.WithCompression(sink.Compression),
		parquet.WithMaxRowGroupLength(rows),
		parquet.WithAllocator(pw.t.Alloc))
	// The parquet writer closes a sink that is an io.Closer; bufio's is
	// not, so the file stays the caller's to close.
	fw, err := pqarrow.NewFileWriter(pw.dataS, bw, props, pqarrow.NewArrowWriterProperties(
		pqarrow.WithStoreSchema(), pqarrow.WithAllocator(pw.t.Alloc)))
	if err != nil {
		return nil, errkind.Errorf(errkind.Unimplemented, "write: parquet: %w", err)
	}
	return &parquetEncoder{fw: fw, bw: bw, rgRows: rows}, nil
}

// parquetEncoder buffers one row group of at most rgRows rows.
type parquetEncoder struct {
	fw     *pqarrow.FileWriter
	bw     *bufio.Writer
	rgRows int64
	cur    int64 // rows in the buffered row group
}

func (e *parquetEncoder) room() int64 { return e.rgRows - e.cur }

func (e *parquetEncoder) write(b arrow.RecordBatch) error {
	if err := e.fw.WriteBuffered(b); err != nil {
		return err
	}
	e.cur += b.NumRows()
	return nil
}

// flush starts a new buffered row group, which writes the current one.
func (e *parquetEncoder) flush() error {
	if e.cur == 0 {
		return nil
	}
	if err := e.fw.NewBufferedRowGroupChecked(); err != nil {
		return err
	}
	e.cur = 0
	return nil
}

func (e *parquetEncoder) close() error {
	if err := e.fw.Close(); err != nil {
		return err
	}
	return e.bw.Flush()
}

// csvEncoder streams rows as CSV text.
type csvEncoder struct {
	w  *csv.Writer
	bw *bufio.Writer
}

func (e *csvEncoder) room() int64  { return math.MaxInt64 }
func (e *csvEncoder) flush() error { return nil }

func (e *csvEncoder) write(b arrow.RecordBatch) error { return e.w.Write(b) }

func (e *csvEncoder) close() error {
	// An empty file still gets its header.
	if err := e.w.Flush(); err != nil {
		return err
	}
	if err := e.w.Error(); err != nil {
		return err
	}
	return e.bw.Flush()
}
