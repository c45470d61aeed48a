// Package jsonlog reads and writes container logs in the format of Docker's
// json-file log driver: one JSON object per line,
//
//	{"log":"hello\n","stream":"stdout","time":"2024-05-01T10:00:00.123456789Z"}
//
// in <id>-json.log, rotated to <id>-json.log.1 .. .N-1 when a maximum size is
// set. Files written here are byte for byte what dockerd would have written
// for the same output, so tools that read Docker's log files read Berth's.
//
// The writer runs inside berth-shim, one per container, so it is kept small:
// the standard library only, no reflection and no allocation per entry. The
// reader runs in berthd and serves `docker logs` (tail, since, until, follow).
//
// The writer and the readers are different processes that share nothing but
// the files, so rotation is arranged for lock-free readers: the current file
// always exists (the new one is renamed over it), and a reader that holds the
// old file open notices the rename and moves on to the new one.
package jsonlog
