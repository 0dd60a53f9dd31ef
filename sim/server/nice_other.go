//go:build !linux

package server

func lowerThreadPriority() {}
