// Package cancelguard releases a stateful stage worker's held memory when
// its run is cancelled before Finish, which the pipeline gives no other
// hook for.
//
// Process and Finish hold the guard (Enter ... Leave) while they touch the
// worker's state; on the first Enter the guard arranges, with
// context.AfterFunc, to run the release under the same lock once ctx is
// done. After Done (or the release) Enter returns false: the state is gone.
// A Guard is safe for concurrent use; its zero value is ready.
package cancelguard
