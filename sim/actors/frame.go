package actors

import "routecheck/sim/wire"

// Frame is any server frame, decoded loosely (wire.Frame): Raw keeps the
// whole frame for reports.
type Frame = wire.Frame

// ChatMessage is one chat line as the protocol carries it.
type ChatMessage = wire.ChatMessage

// Conversation is a ConvView as the protocol carries it.
type Conversation = wire.Conversation
