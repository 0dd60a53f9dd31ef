package faults_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestFaults(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "live load under faults (routecheck load --faults)")
}

var _ = BeforeSuite(func() {
	GinkgoWriter.Printf("fault specs seed %d (repeat with --seed=%d)\n", GinkgoRandomSeed(), GinkgoRandomSeed())
})
