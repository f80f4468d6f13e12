package aggregate

// MergeFanIn is the most sorted runs a sort's merge reads at once under a
// memory cap of maxMemory bytes (0: none), 8 to 64: what a merge of runs
// made elsewhere (a cluster's tasks) may open at once to stay within the
// memory a single run's sort would use.
func MergeFanIn(maxMemory int64) int { return newRunFiles("", maxMemory).fanIn }
