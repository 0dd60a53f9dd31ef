package load

import "fmt"

// ExportArtillery writes an Artillery scenario for the same workload.
func ExportArtillery(cfg Config, dir string) (string, error) {
	return "", fmt.Errorf("%w: not written yet", ErrHarness)
}
