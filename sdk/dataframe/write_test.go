package dataframe_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"connectrpc.com/connect"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/sdk/dataframe"
)

// TestWrite writes DataFrames as Parquet and CSV files, partitioned or
// not, and reads them back with the DataFrame API: the same rows.
func TestWrite(t *testing.T) {
	c := clusterContext(t)
	ctx := context.Background()
	dir := t.TempDir()
	lines := c.Table("lineitem").
		Filter(col("l_orderkey").Lt(300)).
		Select(col("l_orderkey"), col("l_linenumber"), col("l_quantity"), col("l_shipdate"), col("l_returnflag"))
	order := []dataframe.SortKey{col("l_orderkey").Asc(), col("l_linenumber").Asc()}
	want := rows(t, lines.Sort(order...))
	if len(want) < 100 {
		t.Fatalf("%d rows: the test wants more", len(want))
	}
	// readBack reads the columns of lines from df, in order.
	readBack := func(df *dataframe.DataFrame) []string {
		t.Helper()
		return rows(t, df.Select(col("l_orderkey"), col("l_linenumber"), col("l_quantity"), col("l_shipdate"), col("l_returnflag")).Sort(order...))
	}
	write := func(df *dataframe.DataFrame, path string, opts dataframe.WriteOptions, csv bool) int64 {
		t.Helper()
		f := df.WriteParquet
		if csv {
			f = df.WriteCSV
		}
		n, err := f(ctx, path, opts)
		if err != nil {
			t.Fatalf("write %s: %v", path, err)
		}
		return n
	}

	// Parquet partitioned by the return flag.
	pq := filepath.Join(dir, "pq")
	if n := write(lines, pq, dataframe.WriteOptions{PartitionBy: []string{"l_returnflag"}}, false); n != int64(len(want)) {
		t.Errorf("wrote %d rows, want %d", n, len(want))
	}
	entries, err := os.ReadDir(pq)
	if err != nil || len(entries) != 3 || !strings.HasPrefix(entries[0].Name(), "l_returnflag=") {
		t.Fatalf("the destination holds %v (%v), want a directory per return flag", entries, err)
	}
	if got := readBack(c.ReadParquet(pq)); !slices.Equal(got, want) {
		t.Errorf("read back:\n got %d rows %q...\nwant %d rows %q...", len(got), head(got), len(want), head(want))
	}
	// A partition's directory alone has no partition column.
	if got := rows(t, c.ReadParquet(filepath.Join(pq, "l_returnflag=R")).Agg(dataframe.CountAll())); !slices.Equal(got, rows(t, lines.Filter(col("l_returnflag").Eq("R")).Agg(dataframe.CountAll()))) {
		t.Errorf("rows with flag R: %v", got)
	}

	// Writing again fails; Append adds the rows; Overwrite replaces them.
	if _, err := lines.WriteParquet(ctx, pq, dataframe.WriteOptions{PartitionBy: []string{"l_returnflag"}}); connect.CodeOf(err) != connect.CodeInvalidArgument || !strings.Contains(err.Error(), "exists") {
		t.Errorf("a second write: %v, want an error saying the destination exists", err)
	}
	write(lines, pq, dataframe.WriteOptions{PartitionBy: []string{"l_returnflag"}, Mode: dataframe.Append}, false)
	if got := rows(t, c.ReadParquet(pq).Agg(dataframe.CountAll())); len(got) != 1 || got[0] != strconv.Itoa(2*len(want)) {
		t.Errorf("after Append: %v rows, want %d", got, 2*len(want))
	}
	write(lines.Filter(col("l_returnflag").Eq("A")), pq, dataframe.WriteOptions{Mode: dataframe.Overwrite}, false)
	var wantA []string
	for _, r := range want {
		if strings.HasSuffix(r, "|A") {
			wantA = append(wantA, r)
		}
	}
	if got := readBack(c.ReadParquet(pq)); !slices.Equal(got, wantA) {
		t.Errorf("after Overwrite: %d rows, want the %d with flag A", len(got), len(wantA))
	}

	// CSV: one file with another delimiter, and a directory partitioned
	// by a number.
	single := filepath.Join(dir, "lines.csv")
	noQuantity := lines.Select(col("l_orderkey"), col("l_linenumber"), col("l_shipdate"), col("l_returnflag"))
	write(noQuantity, single, dataframe.WriteOptions{SingleFile: true, Options: map[string]string{"DELIMITER": ";"}}, true)
	wantCSV := rows(t, noQuantity.Sort(order...))
	if got := rows(t, c.ReadCSV(single, dataframe.CSVOptions{Delimiter: ';'}).Sort(order...)); !slices.Equal(got, wantCSV) {
		t.Errorf("CSV file read back:\n got %q...\nwant %q...", head(got), head(wantCSV))
	}
	parted := filepath.Join(dir, "csv")
	write(noQuantity, parted, dataframe.WriteOptions{PartitionBy: []string{"l_linenumber"}}, true)
	back := c.ReadCSV(parted, dataframe.CSVOptions{}).Select(col("l_orderkey"), col("l_linenumber"), col("l_shipdate"), col("l_returnflag"))
	if got := rows(t, back.Sort(order...)); !slices.Equal(got, wantCSV) {
		t.Errorf("partitioned CSV read back:\n got %q...\nwant %q...", head(got), head(wantCSV))
	}
	// The partition column is typed from its values, and filters.
	if got := rows(t, back.Filter(col("l_linenumber").Gt(6)).Agg(dataframe.CountAll())); !slices.Equal(got, rows(t, noQuantity.Filter(col("l_linenumber").Gt(6)).Agg(dataframe.CountAll()))) {
		t.Errorf("rows with line number > 6: %v", got)
	}
}

func TestWriteErrors(t *testing.T) {
	c := tpchContext(t)
	nation := c.Table("nation")
	path := filepath.Join(t.TempDir(), "out")
	for _, tc := range []struct {
		name    string
		df      *dataframe.DataFrame
		opts    dataframe.WriteOptions
		kind    errkind.Kind
		mention string
	}{
		{"unknown partition column", nation, dataframe.WriteOptions{PartitionBy: []string{"nope"}}, errkind.InvalidArgument, "nope"},
		{"partitioned single file", nation, dataframe.WriteOptions{PartitionBy: []string{"n_regionkey"}, SingleFile: true}, errkind.InvalidArgument, "single file"},
		{"duplicate names", nation.Join(c.Table("region"), col("n_regionkey").Eq(col("r_regionkey")), dataframe.JoinInner).Select(col("n_name"), col("r_name").Alias("N_NAME")), dataframe.WriteOptions{}, errkind.InvalidArgument, "n_name"},
		{"unknown mode", nation, dataframe.WriteOptions{Mode: 7}, errkind.InvalidArgument, "mode"},
		{"no cluster", nation, dataframe.WriteOptions{}, errkind.InvalidArgument, "runs no plans"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.df.WriteParquet(context.Background(), path, tc.opts)
			if errkind.KindOf(err) != tc.kind || !strings.Contains(strings.ToLower(err.Error()), tc.mention) {
				t.Errorf("%v, want %s mentioning %q", err, tc.kind, tc.mention)
			}
		})
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("failed writes left %s: %v", path, err)
	}
}

func head(rows []string) []string { return rows[:min(len(rows), 3)] }
