// Package cancelguard releases a stateful stage worker's held memory when
// its run fails or is cancelled before Finish.
//
// Process and Finish hold the guard (Enter ... Leave) while they touch the
// worker's state; on the first Enter the guard arranges, with
// context.AfterFunc, to run the release under the same lock once ctx is
// done, so memory comes back as soon as the run stops. The stage's
// pipeline.Stage.Abort calls Abort on each worker's guard, which runs the
// release if the hook has not, or waits for it: the pipeline calls Abort
// before Run returns, so no release outlives the run. After Done (or the
// release) Enter returns false: the state is gone. A Guard is safe for
// concurrent use; its zero value is ready.
package cancelguard
