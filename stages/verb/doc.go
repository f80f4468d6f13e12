// Package verb describes the pipeline verbs: a Verb is one configured step
// of a chain, which builds its pipeline stage for the schema that reaches
// it; a Spec is a verb's command-line form, which parses the words after
// the verb's name into a Verb.
//
// The stage packages (transform, aggregate) export a typed constructor per
// verb (transform.Filter, aggregate.GroupBy, ...) and a Verbs function with
// the Specs of the same verbs, which parse the command line's words and
// call those constructors.
//
// A Verb and a Spec are values, safe to share between goroutines; each
// Build makes a new, independent stage. Build runs before the pipeline
// does and starts nothing: the stage's workers run inside pipeline.Run.
package verb
