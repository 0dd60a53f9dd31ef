package main

import (
	"encoding/json"
	"io"
)

// writeVetJSON writes one file's result as one line of JSON (JSON Lines:
// `jq -s` reads several files as an array).
func writeVetJSON(w io.Writer, res *vetResult) error {
	b, err := json.Marshal(res)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
