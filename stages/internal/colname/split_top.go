package colname

import (
	"fmt"
	"strings"
)

// SplitTop splits a list of calls or expressions, such as the aggregates
// "count() as n, quantile(price, 0.9)", at each sep outside parentheses
// and quotes (backticks for names, single or double quotes for text), and
// trims the parts. Blank s gives no parts; an empty part, an unterminated
// quote or unbalanced parentheses is an error.
func SplitTop(s string, sep byte) ([]string, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var parts []string
	depth, start := 0, 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '`' || c == '\'' || c == '"':
			quote = c
		case c == '(':
			depth++
		case c == ')':
			depth--
			if depth < 0 {
				return nil, fmt.Errorf("unbalanced ')' in %q", s)
			}
		case c == sep && depth == 0:
			parts = append(parts, strings.TrimSpace(s[start:i]))
			start = i + 1
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unterminated %c in %q", quote, s)
	}
	if depth != 0 {
		return nil, fmt.Errorf("unbalanced '(' in %q", s)
	}
	parts = append(parts, strings.TrimSpace(s[start:]))
	for _, p := range parts {
		if p == "" {
			return nil, fmt.Errorf("empty item in %q", s)
		}
	}
	return parts, nil
}
