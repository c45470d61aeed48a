// Package runtime drives an OCI runtime (runc or crun) through its command
// line: create, start, kill, delete, state, pause, resume, update, ps and
// exec, each with the runtime's own error text when it fails. It also holds
// the Reaper a subreaper process (the shim) needs: one loop that reaps every
// child and hands each exit status to whoever waits for that pid, because
// os/exec's Wait and a wait4(-1) loop cannot share children.
package runtime
