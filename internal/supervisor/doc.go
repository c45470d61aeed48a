// Package supervisor owns the life cycle of Berth's containers: the state
// machine of each container, one monitor per running container, the restart
// policy and its back-off, execs, attach, wait and health checks. It drives
// the OCI runtime through exactly one seam, the Task interface, and it
// changes a container's record only through the container store, one
// transaction per transition.
//
// # Vocabulary
//
//   - A container is a record in the container store (package container):
//     its configuration as created and its State.
//   - A run is one start of a container: a Generation. Every run has its
//     own Task and its own monitor; an exit reported for an earlier
//     generation is ignored.
//   - A Task is the run's process as the runtime holds it. The Runtime makes
//     Tasks (Create), finds them again after a daemon restart (Connect), and
//     tells how a Task that is gone ended (LastExit). The production Runtime
//     is ShimRuntime: one berth-shim process per container, which outlives
//     berthd.
//   - The Environment makes what a run needs besides its process (root
//     filesystem, mounts, network endpoints, bundle) and takes it down after
//     the run. The daemon provides it from the image, volume and network
//     services; the supervisor never touches them itself.
//
// # Life cycle
//
// A container moves through Docker's statuses. Only these transitions
// happen, each recorded before the next begins:
//
//	created ──Start──▶ running ──exit──▶ exited ──Start──▶ running …
//	                   running ──Pause──▶ paused ──Resume──▶ running
//	                   running ──exit, policy says restart──▶ restarting
//	                   restarting ──after the back-off──▶ running
//
// Start runs Environment.Prepare, Runtime.Create, Run.Ready (network
// endpoints finish while the runtime creates the container), hands the new
// Task to the attaches waiting for it, Task.Start, and records running. The
// monitor blocks in Task.Wait; on exit it records exited (or restarting),
// calls Environment.Release, answers the waiters, and restarts or removes
// the container as its restart policy and --rm say.
//
// A container with a health check (its Config.Healthcheck, the client's
// merged with the image's at create) has a health runner while it runs and
// is not paused: every interval it runs the probe as an exec of the Task
// (no `docker exec` record), kills a probe past its timeout, and records
// the result in State.Health with Docker's rules (start period, retries,
// the last five results). Start, unpause and Restore start a fresh runner;
// the run's end and pause stop it, and Docker then reports the container
// unhealthy.
//
// Stop sends the stop signal, waits the stop timeout, sends SIGKILL, and
// returns once the exit is recorded. Kill with SIGKILL, Stop and Terminate
// mark the container manually stopped, so no policy brings it back.
//
// # Example
//
// The daemon wires a supervisor once and hands it every life-cycle call:
//
//	sup := supervisor.New(supervisor.Config{
//		Store:       containers,
//		Runtime:     supervisor.ShimRuntime{Binary: shimPath, Socket: shimSocket, ExitFile: exitFile},
//		Environment: env, // mounts, networks, bundle
//		Events:      publish,
//		Remove:      removeContainer,
//		RootfsDir:   rootfsDir,
//	})
//	sup.Restore(ctx)                 // take over what the last daemon ran
//	sup.Start(ctx, "web")            // created → running
//	code, _ := sup.RunToExit(ctx, id, out, out) // a build step: attached, to its exit
//	sup.Stop(ctx, "web", backend.StopOptions{}) // running → exited
//
// Streams: the output a Task streams (Attach, Exec) is already in the form
// a Docker API client receives, raw with a terminal and multiplexed without;
// the supervisor copies it to the client beneath the router's framing
// (backend.FramedWriter), so it is framed once, by the shim.
package supervisor
