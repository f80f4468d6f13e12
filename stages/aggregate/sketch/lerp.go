package sketch

// Lerp returns the value frac (0 ≤ frac ≤ 1) of the way from a to b:
// a + (b-a)·frac when b-a is finite, else a·(1-frac) + b·frac, so that
// values near ±1.79e308 do not overflow to ±Inf or NaN; exactly a when
// frac is 0 or b equals a. Between -Inf and a finite value it is -Inf,
// between -Inf and +Inf or with a NaN it is NaN. The t-digest uses it,
// and so do the aggregate stage's exact quantiles.
func Lerp(a, b, frac float64) float64 {
	if frac == 0 || a == b {
		return a
	}
	if d := b - a; d-d == 0 {
		return a + d*frac
	}
	return a*(1-frac) + b*frac
}
