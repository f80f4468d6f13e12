package expr

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// randomPattern builds a pattern from pieces the fast paths treat
// differently: literals, classes, anchors, repeats, alternations, (?i),
// and some that keep the engine (., \b, negated classes, non-ASCII).
func randomPattern(rng *rand.Rand, depth int) string {
	atoms := []string{"a", "b", "ab", "err-", "x", "[a-c]", "[0-9]", "[^a]", ".", "\\d", "\\w", "\\s", " ", "é", "k", "(?i:ab)", "\\b", "[a-z]+", "-"}
	var sb strings.Builder
	for k := 1 + rng.IntN(4); k > 0; k-- {
		var a string
		if depth > 0 && rng.IntN(4) == 0 {
			a = "(" + randomPattern(rng, depth-1) + "|" + randomPattern(rng, depth-1) + ")"
		} else {
			a = atoms[rng.IntN(len(atoms))]
		}
		switch rng.IntN(8) {
		case 0:
			a = "(?:" + a + ")*"
		case 1:
			a = "(?:" + a + ")+"
		case 2:
			a = "(?:" + a + ")?"
		case 3:
			a = "(?:" + a + "){1,3}"
		}
		sb.WriteString(a)
	}
	p := sb.String()
	switch rng.IntN(6) {
	case 0:
		p = "^" + p
	case 1:
		p += "$"
	case 2:
		p = "^" + p + "$"
	case 3:
		p = "(?i)" + p
	}
	return p
}

// randomSubject makes a short string over an alphabet near the
// patterns', with non-ASCII and invalid UTF-8 now and then.
func randomSubject(rng *rand.Rand) string {
	parts := []string{"a", "b", "A", "B", "x", "0", "7", " ", "-", "err-", "é", "K", "\u212a", "\xff", "\n", "_", "ab"}
	var sb strings.Builder
	for k := rng.IntN(8); k > 0; k-- {
		sb.WriteString(parts[rng.IntN(len(parts))])
	}
	return sb.String()
}

// TestRegexpMatchesLikeEngine checks match (literal path, prefilter,
// DFA) against Go's regexp alone on random patterns and strings.
func TestRegexpMatchesLikeEngine(t *testing.T) {
	rng := rand.New(rand.NewPCG(20, 20))
	withDFA := 0
	for range 400 {
		pat := randomPattern(rng, 2)
		ra, err := newRegexpArg(pat)
		require.NoError(t, err, pat)
		if ra.dfa != nil {
			withDFA++
		}
		re := regexp.MustCompile(pat)
		for range 60 {
			s := randomSubject(rng)
			if !assert.Equal(t, re.MatchString(s), ra.match([]byte(s)), "pattern %q on %q", pat, s) {
				return
			}
		}
	}
	assert.Greater(t, withDFA, 100, "patterns with a DFA")
}

// TestByteDFAChoice checks which patterns get a DFA.
func TestByteDFAChoice(t *testing.T) {
	for pat, want := range map[string]bool{
		"^[a-z]+ [a-z]+$": true, "[0-9][0-9]": true, "sm[a-z]+ p": true, "(?i)urgent": true,
		"a.b": false, "[^,]+": false, `\bx`: false, "(?i)k": false, "é": false, "(?m)^a": false,
	} {
		assert.Equal(t, want, newByteDFA(regexp.MustCompile(pat)) != nil, pat)
	}
}

// FuzzRegexpMatches compares match with Go's regexp on any pattern that
// compiles and any string.
func FuzzRegexpMatches(f *testing.F) {
	f.Add("^[a-z]+ [a-z]+$", "ab cd")
	f.Add("sm[a-z]+ p", "smart plug")
	f.Add("(?i)err-[0-9]+$", "x ERR-12")
	f.Add("a|b*", "")
	f.Fuzz(func(t *testing.T, pat, s string) {
		re, err := regexp.Compile(pat)
		if err != nil {
			return
		}
		ra, err := newRegexpArg(pat)
		require.NoError(t, err)
		assert.Equal(t, re.MatchString(s), ra.match([]byte(s)), "pattern %q on %q", pat, s)
	})
}

// TestRegexpPredicateLikeEngine checks regexp_matches over whole columns
// (one search across the values, hits running over a row's end, empty
// rows, values not starting at offset 0) against Go's regexp per row.
func TestRegexpPredicateLikeEngine(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 20))
	pats := []string{"err-", "ab", "a", "err-[0-9]+", "b+a", "^ab", "x$", "[0-9][0-9]", "(?i)ab", "a.b"}
	for range 100 {
		pats = append(pats, randomPattern(rng, 1))
	}
	for _, pat := range pats {
		ra, err := newRegexpArg(pat)
		require.NoError(t, err)
		re := regexp.MustCompile(pat)
		n := rng.IntN(70)
		data := []byte(randomSubject(rng)) // bytes before the first row
		offs := []int32{int32(len(data))}
		rows := make([]string, n)
		for r := range rows {
			rows[r] = randomSubject(rng)
			data = append(data, rows[r]...)
			offs = append(offs, int32(len(data)))
		}
		data = append(data, randomSubject(rng)...) // and after the last
		var s slot
		got := ra.predicate(&s, &vec{offs: offs, data: data}, n)
		for r, row := range rows {
			if !assert.Equal(t, re.MatchString(row), got.boolAt(r), "pattern %q, row %d %q of %q", pat, r, row, rows) {
				return
			}
		}
	}
}

// TestRegexpCanMatchOver checks that a pattern said not to match over an
// alphabet matches no string of up to 5 of its bytes, on random patterns.
func TestRegexpCanMatchOver(t *testing.T) {
	assert.False(t, RegexpCanMatchOver("urgent", "0123456789-"))
	assert.False(t, RegexpCanMatchOver("(?i)urgent", "0123456789-+.eNaInf"))
	assert.True(t, RegexpCanMatchOver("(?i)TRUE", "truefals"))
	assert.True(t, RegexpCanMatchOver("1.5", "0123456789."))
	assert.True(t, RegexpCanMatchOver("x*", "0"))
	rng := rand.New(rand.NewPCG(5, 5))
	for range 300 {
		pat := randomPattern(rng, 1)
		alphabet := []string{"ab", "0-7", "xK", "b ", "err-"}[rng.IntN(5)]
		if RegexpCanMatchOver(pat, alphabet) {
			continue
		}
		re := regexp.MustCompile(pat)
		var walk func(s []byte)
		walk = func(s []byte) {
			require.False(t, re.Match(s), "%q matches %q, made of %q", pat, s, alphabet)
			if len(s) < 5 {
				for i := 0; i < len(alphabet); i++ {
					walk(append(s, alphabet[i]))
				}
			}
		}
		walk(nil)
	}
}

// TestRegexpExtractReplaceLikeEngine: regexp_extract and regexp_replace
// give the same text with the literal and DFA filters as with the engine
// alone.
func TestRegexpExtractReplaceLikeEngine(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 20))
	for range 300 {
		pat := "(" + randomPattern(rng, 1) + ")"
		ra, err := newRegexpArg(pat)
		require.NoError(t, err)
		ra.group, ra.repl, ra.global = 1, []byte("<$1>"), rng.IntN(2) == 0
		plain := &regexpArg{re: ra.re, group: ra.group, repl: ra.repl, global: ra.global}
		for range 30 {
			s := []byte(randomSubject(rng))
			require.Equal(t, string(plain.appendExtract(nil, s)), string(ra.appendExtract(nil, s)), "extract %q from %q", pat, s)
			require.Equal(t, string(plain.appendReplace(nil, s)), string(ra.appendReplace(nil, s)), "replace %q in %q", pat, s)
		}
	}
}
