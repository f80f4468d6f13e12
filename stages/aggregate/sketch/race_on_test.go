//go:build race

package sketch

// raceEnabled shrinks the largest inputs under the race detector, which
// makes them 10–20× slower.
const raceEnabled = true
