package wire

import "time"

// Version is the protocol version every hello announces.
const Version = 2

// The protocol's fixed limits (docs/protocol.md "Limits"); the server's
// configurable ones are server.Limits.
const (
	// MaxFrame: a larger client frame is refused (too_large); HardFrame: a
	// larger one closes the socket (1009).
	MaxFrame  = 64 << 10
	HardFrame = 1 << 20
	// MaxID is the longest client id, in bytes.
	MaxID = 64
	// MaxResume is the most chats one agent socket resumes (resume=).
	MaxResume = 64
)

// LimitWait is how long a client waits after a `limit` error before it
// sends again what the limit refused or dropped: a frame rate of 1/s or
// more refills within it, and the frame-rate error names no wait.
const LimitWait = time.Second
