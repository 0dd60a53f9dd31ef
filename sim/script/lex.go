package script

import (
	"fmt"
	"strings"
	"unicode"
)

// Pos is a place in a script: line and column from 1, the column counted
// in characters (what an editor shows for Chinese text).
type Pos struct {
	Line, Col int
}

func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// token is one word or one quoted text of a line.
type token struct {
	text   string
	quoted bool
	pos    Pos
}

// lexLine splits one line into tokens and its comment. Words are separated
// by spaces (the full-width space too); a text is in "…" or “…” (a
// Chinese input method types the latter), with \" and \\ escapes in "…";
// # starts a comment outside a text. code is the line without its comment.
func lexLine(line string, n int) (toks []token, comment string, code string, err *Error) {
	rs := []rune(line)
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case isSpace(r):
			i++
		case r == '#':
			return toks, strings.TrimSpace(string(rs[i+1:])), strings.TrimSpace(string(rs[:i])), nil
		case r == '"' || r == '“' || r == '「':
			closeQ := map[rune]rune{'"': '"', '“': '”', '「': '」'}[r]
			start := i
			var b strings.Builder
			i++
			for ; i < len(rs) && rs[i] != closeQ; i++ {
				if r == '"' && rs[i] == '\\' && i+1 < len(rs) {
					i++
					switch rs[i] {
					case 'n':
						b.WriteRune('\n')
					default:
						b.WriteRune(rs[i])
					}
					continue
				}
				b.WriteRune(rs[i])
			}
			if i >= len(rs) {
				return nil, "", "", &Error{Pos: Pos{n, start + 1}, Msg: fmt.Sprintf("the text that starts here has no closing %c", closeQ)}
			}
			i++
			toks = append(toks, token{text: b.String(), quoted: true, pos: Pos{n, start + 1}})
		default:
			start := i
			for i < len(rs) && !isSpace(rs[i]) && rs[i] != '"' && rs[i] != '“' && rs[i] != '「' && rs[i] != '#' {
				i++
			}
			toks = append(toks, token{text: string(rs[start:i]), pos: Pos{n, start + 1}})
		}
	}
	return toks, "", strings.TrimSpace(line), nil
}

func isSpace(r rune) bool { return unicode.IsSpace(r) || r == '\u3000' }
