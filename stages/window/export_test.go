package window

// Test helpers shared with the external tests of package window_test.
var (
	TestSchema = testSchema
	SplitWords = splitWords
)
