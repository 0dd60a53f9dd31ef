package route_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestRoute(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "route test (R-RT-1..5)")
}

var _ = BeforeSuite(func() {
	GinkgoWriter.Printf("route specs seed %d (repeat with --seed=%d)\n", GinkgoRandomSeed(), GinkgoRandomSeed())
})
