package expr

// Columns returns the names of the columns src refers to, each once, in
// order of first use, without a schema: what a reader must decode for the
// expression. It fails only when src does not parse.
func Columns(src string) ([]string, error) {
	tree, err := parse(src)
	if err != nil {
		return nil, err
	}
	var names []string
	seen := map[string]bool{}
	var walk func(n astNode)
	walk = func(n astNode) {
		switch n := n.(type) {
		case *colExpr:
			if !seen[n.name] {
				seen[n.name] = true
				names = append(names, n.name)
			}
		case *unaryExpr:
			walk(n.x)
		case *binaryExpr:
			walk(n.l)
			walk(n.r)
		case *inExpr:
			walk(n.x)
			for _, e := range n.list {
				walk(e)
			}
		case *isNullExpr:
			walk(n.x)
		case *callExpr:
			for _, e := range n.args {
				walk(e)
			}
		}
	}
	walk(tree)
	return names, nil
}
