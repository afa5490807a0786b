// Package shuffle moves rows between the stages of a distributed job: map
// tasks partition their output and write it to the executor's local disk;
// the tasks of the next stage read their partition of every map output,
// from local files directly or from other executors over Arrow Flight.
//
// # Partitioning
//
// A map task's plan ends in a Substrait ExchangeRel (FromExchange):
//
//   - scatter_by_fields with partition_count N: hash partitioning; row r
//     goes to partition hash(key columns of r) mod N, with a hash that is
//     the same in every process (hash.go), so the rows of one key from all
//     map tasks meet in one reduce partition;
//   - broadcast, or single_target: every row goes to partition 0, which
//     every reading task (broadcast) or the one reading task (single) reads
//     whole.
//
// # Files
//
// A map output is one Arrow IPC stream file per partition, compressed with
// LZ4 frames, under the executor's work directory:
//
//	<dir>/<job>/<stage>-<map partition>-<attempt>/<partition>.arrows
//	<dir>/<job>/<stage>-<map partition>-<attempt>/index.json
//
// A map task holds each partition's rows back until it has a few batches'
// worth (reserved from its memory pool; written at once when refused), and
// writes them as one IPC batch: LZ4 and the readers pay per batch.
//
// The files are written under a temporary directory name and renamed into
// place once all are complete, so a visible map output is always whole. The
// index records each partition's rows, bytes and CRC-32C. Every read, local
// or served, checks the bytes it read against the index, and the reading
// task checks that it received exactly the rows the map task reported
// (MapOutput.partition_rows): a corrupt or truncated file, or a stream cut
// off by an executor that vanished, fails the read with a *FetchFailure
// naming the map output, never a short or wrong partition. The scheduler
// then re-runs that map task and the reading task.
//
// # Fetching
//
// A map output's Location carries the ticket prefix
// "shuffle/<job>/<stage>/<map partition>/<attempt>"; DoGet of the prefix
// followed by "/<partition>" streams that partition as Arrow Flight data
// (Serve). A reader whose map output is on its own executor opens the file
// instead (Fetcher.Local), so local data never crosses the network. Reads
// stream batch by batch: memory stays bounded by a batch per open stream,
// whatever the partition's size.
//
// Files live until the scheduler releases the job (Store.RemoveJob), cancels
// the map task (Store.RemoveMap) or the executor stops.
package shuffle
