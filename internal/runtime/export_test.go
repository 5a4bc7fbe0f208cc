package runtime

// SharedDir is the directory the tests share with sandboxed functions
// (for the external test package).
func SharedDir() string { return testShared }
